"""uri: talk to HTTP services from the host, Ansible's semantics (changed is false).

Check mode sends only safe methods (GET/HEAD/OPTIONS: they change nothing);
any other method is reported as "would send" without sending it.
"""

import json
import os
import time
import urllib.parse

from ..context import ModuleFailed
from ..sys_common import as_list, choice, opt_bool, write_atomic
from .. import sys_http

_SAFE = ("GET", "HEAD", "OPTIONS")


def _body(args, headers):
    body, fmt = args.get("body"), choice(args, "body_format", ("raw", "json", "form-urlencoded", "form-multipart"), "raw")
    if fmt == "form-multipart":
        raise ModuleFailed("body_format form-multipart is not supported by orch")
    if body is None:
        return None
    lowered = {k.lower() for k in headers}
    if fmt == "json":
        if not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        if "content-type" not in lowered:
            headers["Content-Type"] = "application/json"
    elif fmt == "form-urlencoded":
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body, doseq=True)
        elif isinstance(body, list):
            body = urllib.parse.urlencode(body)
        if "content-type" not in lowered:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
    return body if isinstance(body, bytes) else str(body).encode()


def run(ctx, args):
    url = args.get("url")
    if not url:
        raise ModuleFailed("missing required argument: url")
    url = str(url)
    method = str(args.get("method") or "GET").upper()
    for key, want in (("creates", True), ("removes", False)):
        if args.get(key) and os.path.exists(os.path.expanduser(str(args[key]))) == want:
            return {"changed": False, "skipped": True, "url": url,
                    "msg": "%s %s %s" % (key, args[key], "exists" if want else "does not exist")}
    headers = sys_http.headers_of(args.get("headers"))
    data = _body(args, headers)
    codes = [int(c) for c in as_list(args.get("status_code") or [200])]
    if ctx.check and method not in _SAFE:
        return {"changed": False, "unknown": True, "url": url, "msg": "would send %s %s (not sent in check mode)" % (method, url)}
    start = time.time()
    response, final = sys_http.open_url(args, url, method=method, data=data, headers=headers,
                                        timeout=args.get("timeout") or 30,
                                        redirects=str(args.get("follow_redirects") or "safe"))
    status = getattr(response, "status", None) or response.getcode()
    content = response.read() if method != "HEAD" else b""
    result = sys_http.response_headers(response)
    result.update(status=status, url=final, redirected=final != url, changed=False,
                  elapsed=int(time.time() - start), headers=sys_http.response_headers(response),
                  cookies_string=response.headers.get("Set-Cookie", ""))
    text = content.decode(response.headers.get_content_charset() or "utf-8", "replace")
    ctype = result.get("content_type", "")
    if "json" in ctype.split(";")[0]:
        try:
            result["json"] = json.loads(text)
        except ValueError:
            pass
    if opt_bool(args, "return_content", False):
        result["content"] = text
    dest = args.get("dest")
    if dest:
        dest = os.path.expanduser(str(dest))
        if os.path.isdir(dest):
            dest = os.path.join(dest, os.path.basename(urllib.parse.urlparse(final).path) or "index.html")
        try:
            with open(dest, "rb") as handle:
                same = handle.read() == content
        except OSError:
            same = False
        if not same and status in codes:
            result["changed"] = True
            if not ctx.check:
                write_atomic(dest, content)
        result["path"] = dest
    result["msg"] = "OK (%s bytes)" % (len(content) if content else "unknown")
    if status not in codes:
        msg = "Status code was %s and not %s: %s" % (status, codes, getattr(response, "reason", "") or "")
        result.pop("msg")
        raise ModuleFailed(msg, **result)
    return result
