#!/usr/bin/env python3
"""orchdemo: a tiny web app deployed by orch's sample playbook (stdlib only)."""

import configparser
import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

config = configparser.ConfigParser()
config.read(sys.argv[1] if len(sys.argv) > 1 else "/etc/orchdemo.ini")
app = config["app"]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = {
            "host": socket.gethostname(),
            "version": app.get("version"),
            "message": app.get("message"),
            "path": self.path,
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):  # quiet: the init script keeps no log
        pass


ThreadingHTTPServer((app.get("address"), app.getint("port")), Handler).serve_forever()
