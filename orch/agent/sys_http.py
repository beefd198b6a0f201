"""HTTP requests for get_url/uri with urllib: auth, headers, redirects, TLS options."""

from __future__ import annotations

import base64
import ssl
import urllib.error
import urllib.request

from .context import ModuleFailed
from .sys_common import boolean, opt_bool


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Ansible's follow_redirects: all/yes, safe (GET/HEAD only), none/no, urllib2."""

    def __init__(self, policy):
        self.policy = policy

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        method = req.get_method()
        if self.policy in ("none", "no", "false") or (self.policy == "safe" and method not in ("GET", "HEAD")):
            return None
        new = urllib.request.HTTPRedirectHandler.redirect_request(self, req, fp, code, msg, headers, newurl)
        if new is not None and self.policy in ("all", "yes", "true") and method not in ("GET", "HEAD") \
                and code in (307, 308):
            new = urllib.request.Request(newurl, data=req.data, headers=dict(req.header_items()), method=method)
        return new


def headers_of(value):
    if not value:
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    out = {}
    for item in str(value).split(","):
        key, sep, val = item.partition(":")
        if sep:
            out[key.strip()] = val.strip()
    return out


def open_url(args, url, method="GET", data=None, headers=None, timeout=None, redirects="safe"):
    """(response or HTTPError, final url). Network errors fail the step like Ansible's."""
    headers = dict(headers or {})
    user, password = args.get("url_username"), args.get("url_password")
    if user is not None and opt_bool(args, "force_basic_auth", True):
        token = base64.b64encode(("%s:%s" % (user, password or "")).encode()).decode()
        headers.setdefault("Authorization", "Basic " + token)
    headers.setdefault("User-Agent", str(args.get("http_agent") or "ansible-httpget"))
    context = None
    if url.startswith("https:"):
        context = ssl.create_default_context()
        if args.get("ca_path"):
            context.load_verify_locations(str(args["ca_path"]))
        if not boolean(args.get("validate_certs", True), "validate_certs"):
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
    handlers = [_Redirects(str(redirects).lower()), urllib.request.HTTPSHandler(context=context)]
    if not opt_bool(args, "use_proxy", True):
        handlers.append(urllib.request.ProxyHandler({}))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        response = opener.open(request, timeout=float(timeout or 10))
    except urllib.error.HTTPError as exc:
        return exc, exc.geturl() or url
    except urllib.error.URLError as exc:
        raise ModuleFailed("Request failed: %s" % (exc.reason,), url=url, status=-1)
    except (OSError, ValueError) as exc:
        raise ModuleFailed("Request failed: %s" % (exc,), url=url, status=-1)
    return response, response.geturl()


def response_headers(response):
    """Ansible's shape: header names lowercased, '-' as '_'."""
    out = {}
    for key, value in response.headers.items():
        k = key.lower().replace("-", "_")
        out[k] = value if k not in out else out[k] + ", " + value
    return out
