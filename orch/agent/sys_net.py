"""Active TCP connections on a local port, read from /proc/net/tcp and tcp6 (wait_for's drained).

Pure parsing; :func:`host_addresses` resolves a host the way the tables write addresses:
each 4-byte word of the address as the kernel's native integer, in hex.
"""

from __future__ import annotations

import socket
import sys

TABLES = {socket.AF_INET: "/proc/net/tcp", socket.AF_INET6: "/proc/net/tcp6"}
# The tables' state numbers for the states wait_for may count (Ansible's names).
STATE_IDS = {"ESTABLISHED": "01", "SYN_SENT": "02", "SYN_RECV": "03", "FIN_WAIT1": "04", "FIN_WAIT2": "05",
             "TIME_WAIT": "06"}
DEFAULT_STATES = ["ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"]
_ANY = {socket.AF_INET: "0" * 8, socket.AF_INET6: "0" * 32}
_MAPPED_PREFIX = "0000000000000000FFFF0000"  # an IPv4 address seen through an IPv6 socket
_MAPPED_ANY = _MAPPED_PREFIX + "00000000"


def table_hex(family, address: str) -> str:
    """``address`` as /proc/net/tcp* writes it."""
    packed = socket.inet_pton(family, address)
    return "".join("%08X" % int.from_bytes(packed[i:i + 4], sys.byteorder) for i in range(0, len(packed), 4))


def host_addresses(host) -> set:
    """(family, table hex) of every address ``host`` resolves to; an IPv4 one also as mapped IPv6."""
    found = set()
    for family, _, _, _, sockaddr in socket.getaddrinfo(host, 80, 0, 0, socket.SOL_TCP):
        if family not in TABLES:
            continue
        found.add((family, table_hex(family, sockaddr[0])))
        if family == socket.AF_INET:
            found.add((socket.AF_INET6, table_hex(socket.AF_INET6, "::ffff:" + sockaddr[0])))
    return found


def count_active(tables: dict, port: int, local: set, exclude: set, states) -> int:
    """Connections to local ``port`` in one of ``states``.

    ``tables``: {family: the table's text}; ``local``: addresses of the host asked about (the
    any-address matches every local address); ``exclude``: remote addresses not counted.
    """
    wanted = {STATE_IDS[name] for name in states}
    port_hex = "%04X" % int(port)
    count = 0
    for family, text in tables.items():
        for line in text.splitlines():
            fields = line.split()
            if len(fields) < 4 or fields[1] == "local_address" or fields[3] not in wanted:
                continue
            local_ip, _, local_port = fields[1].partition(":")
            remote_ip = fields[2].partition(":")[0]
            if local_port != port_hex or (family, remote_ip) in exclude:
                continue
            if ((family, local_ip) in local or (family, _ANY[family]) in local
                    or local_ip.startswith(_MAPPED_PREFIX) and (family, _MAPPED_ANY) in local):
                count += 1
    return count


def read_tables() -> dict:
    tables = {}
    for family, path in TABLES.items():
        try:
            with open(path) as handle:
                tables[family] = handle.read()
        except OSError:
            pass
    return tables
