"""wait_for: wait on the host for a port, a file, or a regex in either; or just sleep.

Check mode probes once and does not wait: an earlier planned step (a service
start) has not really happened, so waiting would only time out.
"""

import os
import re
import socket
import time

from ..context import ModuleFailed
from ..sys_common import choice


def _port_open(host, port, timeout):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _read_port(host, port, timeout, regex):
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            data = b""
            while True:
                match = regex.search(data.decode("utf-8", "replace"))
                if match:
                    return match
                chunk = sock.recv(4096)
                if not chunk:
                    return regex.search(data.decode("utf-8", "replace"))
                data += chunk
    except OSError:
        return None


def _file_match(path, regex):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    if regex is None:
        return True
    return regex.search(text)


def run(ctx, args):
    state = choice(args, "state", ("started", "stopped", "present", "absent"), "started")
    host = str(args.get("host") or "127.0.0.1")
    port = int(args["port"]) if args.get("port") not in (None, "") else None
    path = os.path.expanduser(str(args["path"])) if args.get("path") else None
    if port is not None and path:
        raise ModuleFailed("port and path parameter can not both be passed to wait_for")
    timeout, delay = float(args.get("timeout", 300)), float(args.get("delay") or 0)
    sleep, connect_timeout = float(args.get("sleep") or 1), float(args.get("connect_timeout") or 5)
    regex = re.compile(str(args["search_regex"]), re.M) if args.get("search_regex") else None
    want_there = state in ("started", "present")
    result = {"changed": False, "state": state, "port": port, "path": path, "search_regex": args.get("search_regex")}

    def probe():
        if path:
            found = _file_match(path, regex)
            return found if want_there else not os.path.exists(path)
        if port is not None:
            if not want_there:
                return not _port_open(host, port, connect_timeout)
            if regex is not None:
                return _read_port(host, port, connect_timeout, regex)
            return _port_open(host, port, connect_timeout)
        return None

    start = time.time()
    if port is None and not path:
        if not ctx.check:
            time.sleep(timeout)
        return dict(result, elapsed=int(time.time() - start))
    if ctx.check:
        found = probe()
        result["elapsed"] = 0
        if not found:
            result["msg"] = "would wait for %s" % (path or "%s:%s" % (host, port))
        return result
    time.sleep(delay)
    while True:
        found = probe()
        if found:
            if hasattr(found, "groups"):
                result.update(match_groups=list(found.groups()), match_groupdict=found.groupdict())
            return dict(result, elapsed=int(time.time() - start))
        if time.time() - start >= timeout:
            what = path or "%s:%s" % (host, port)
            msg = args.get("msg") or "Timeout when waiting for %s%s" % (
                what, " to stop" if not want_there else (" to match %r" % args["search_regex"] if regex else ""))
            raise ModuleFailed(str(msg), elapsed=int(time.time() - start))
        time.sleep(min(sleep, max(0.0, timeout - (time.time() - start))))
