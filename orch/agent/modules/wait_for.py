"""wait_for: wait on the host for a port, a file, a regex in either, a port to drain; or sleep.

Ansible's states, checks and messages. Check mode probes once and does not wait: an earlier
planned step (a service start) has not really happened, so waiting would only time out.
"""

import os
import re
import socket
import time

from ..context import ModuleFailed
from ..sys_common import as_list, choice
from .. import sys_net

STATES = ("started", "stopped", "present", "absent", "drained")


def _connect(host, port, timeout):
    try:
        return socket.create_connection((host, port), timeout=max(timeout, 0.1))
    except OSError:
        return None


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def _port_match(host, port, connect_timeout, regex, deadline):
    """True (or the match) when the port accepts a connection (and sends text matching ``regex``)."""
    sock = _connect(host, port, min(connect_timeout, deadline - time.time()))
    if sock is None:
        return None
    try:
        if regex is None:
            return True
        data = b""
        while time.time() < deadline:
            sock.settimeout(max(deadline - time.time(), 0.1))
            try:
                chunk = sock.recv(1024)
            except socket.timeout:
                continue
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
            found = regex.search(data)
            if found:
                return found
        return None
    finally:
        _close(sock)


def _file_match(path, regex):
    try:
        os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ModuleFailed("Failed to stat %s, %s" % (path, exc.strerror))
    if regex is None:
        return True
    try:
        with open(path, "rb") as handle:
            return regex.search(handle.read())
    except OSError:
        return None


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _validate(args, state, port, path):
    if port is not None and path:
        raise ModuleFailed("port and path parameter can not both be passed to wait_for", elapsed=0)
    if path and state in ("stopped", "drained"):
        raise ModuleFailed("state=%s should only be used for checking a port in the wait_for module" % state,
                           elapsed=0)
    if args.get("exclude_hosts") is not None and state != "drained":
        raise ModuleFailed("exclude_hosts should only be with state=drained", elapsed=0)
    states = as_list(args.get("active_connection_states")) or sys_net.DEFAULT_STATES
    for name in states:
        if name not in sys_net.STATE_IDS:
            raise ModuleFailed("unknown active_connection_state (%s) defined" % name, elapsed=0)
    if args.get("search_regex") is None:
        return states, None
    try:
        return states, re.compile(str(args["search_regex"]).encode("utf-8", "surrogateescape"), re.M)
    except re.error as exc:
        raise ModuleFailed("Invalid regular expression: %s" % exc)


def run(ctx, args):
    state = choice(args, "state", STATES, "started")
    host = str(args.get("host") or "127.0.0.1")
    port = int(args["port"]) if args.get("port") not in (None, "") else None
    path = os.path.expanduser(str(args["path"])) if args.get("path") else None
    states, regex = _validate(args, state, port, path)
    timeout, delay = float(args.get("timeout", 300)), float(args.get("delay") or 0)
    sleep, connect_timeout = float(args.get("sleep") or 1), float(args.get("connect_timeout") or 5)
    result = {"changed": False, "state": state, "port": port, "path": path, "search_regex": args.get("search_regex"),
              "match_groups": [], "match_groupdict": {}}

    def probe(deadline):
        if state == "drained":
            local = sys_net.host_addresses(host)
            exclude = set()
            for other in as_list(args.get("exclude_hosts")):
                exclude |= sys_net.host_addresses(other)
            return sys_net.count_active(sys_net.read_tables(), port, local, exclude, states) == 0
        if state in ("absent", "stopped"):
            if path:
                return not os.path.exists(path)
            sock = _connect(host, port, connect_timeout)
            if sock is not None:
                _close(sock)
            return sock is None
        if path:
            return _file_match(path, regex)
        return _port_match(host, port, connect_timeout, regex, deadline)

    waits = port is not None or path or state == "drained"
    if ctx.check:
        result["elapsed"] = 0
        if waits and not probe(time.time() + connect_timeout):
            result["msg"] = "would wait for %s" % (path or "%s:%s" % (host, port))
        return result
    start = time.time()
    time.sleep(delay)
    if not waits:
        time.sleep(timeout)
        return dict(result, elapsed=int(time.time() - start))
    deadline = start + timeout
    while time.time() < deadline:
        found = probe(deadline)
        if found:
            if hasattr(found, "groups"):
                result.update(match_groups=[_text(g) for g in found.groups()],
                              match_groupdict={k: _text(v) for k, v in found.groupdict().items()})
            return dict(result, elapsed=int(time.time() - start))
        time.sleep(max(0.0, min(sleep, deadline - time.time())))
    raise ModuleFailed(str(args.get("msg") or _timeout_msg(state, host, port, path, args.get("search_regex"))),
                       elapsed=int(time.time() - start))


def _timeout_msg(state, host, port, path, search_regex):
    """Ansible's words for each way of timing out."""
    where = "%s:%s" % (host, port)
    if state == "drained":
        return "Timeout when waiting for %s to drain" % where
    if state in ("absent", "stopped"):
        return ("Timeout when waiting for %s to be absent." % path) if path else \
            ("Timeout when waiting for %s to stop." % where)
    if search_regex is not None:
        return "Timeout when waiting for search string %s in %s" % (search_regex, path or where)
    return ("Timeout when waiting for file %s" % path) if path else ("Timeout when waiting for %s" % where)
