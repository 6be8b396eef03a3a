#!/usr/bin/env python3
"""An independent HTTP(S) peer for the HttpClient tests, on 127.0.0.1:0.

Usage: peer.py PORT_FILE [CERT_PEM KEY_PEM]   (with both: HTTPS)
Writes the bound port to PORT_FILE once listening. Endpoints:
  /sleep?s=N      answers 200 after N seconds (a slow target)
  /echo           200 with JSON {method, headers (lower-case), body}
  /status?code=N  answers with status N
  /gate?n=N       answers 200 once N /gate requests are in flight at the
                  same time, 504 if that does not happen within 20 s
  anything else   200 "ok"
"""
import http.server
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse

gate = threading.Condition()
gate_count = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body, ctype="text/plain"):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def gate(self, n):
        global gate_count
        with gate:
            gate_count += 1
            gate.notify_all()
            opened = gate.wait_for(lambda: gate_count >= n, timeout=20)
        self.reply(200 if opened else 504, "gate")

    def handle_any(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if url.path == "/sleep":
            time.sleep(float(query.get("s", ["5"])[0]))
            self.reply(200, "slept")
        elif url.path == "/echo":
            headers = {k.lower(): v for k, v in self.headers.items()}
            self.reply(200, json.dumps({"method": self.command, "headers": headers,
                                        "body": body}), "application/json")
        elif url.path == "/status":
            self.reply(int(query["code"][0]), "status")
        elif url.path == "/gate":
            self.gate(int(query["n"][0]))
        else:
            self.reply(200, "ok")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if len(sys.argv) > 3:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    server.socket = context.wrap_socket(server.socket, server_side=True)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
