#!/usr/bin/env python3
"""The demo's revocation server, on 127.0.0.1 only (a DEMO, never production).
usage: demo-revocation.py PKI_DIR PORT READY_FILE
  GET  /crl/NAME.crl   the CRL PKI_DIR/crl/NAME.crl (what the certificates'
                       CRL distribution points name)
  POST /ocsp/NAME      an OCSP request about a certificate issued by the CA
                       PKI_DIR/NAME.pem, answered by `openssl ocsp` from that
                       CA's database PKI_DIR/ca/NAME/index.txt, signed by the CA
`openssl ocsp -port` cannot be bound to one address, hence this wrapper: each
request runs `openssl ocsp -reqin - -respout -` once.  Writes READY_FILE once
listening; logs one line per request on stderr."""
import http.server
import os
import re
import subprocess
import sys

pki, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
NAME = re.compile(r"^[A-Za-z0-9-]+$")
MAX_REQUEST = 64 * 1024


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, code, ctype, body):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def named(self, prefix, suffix=""):
        """The NAME in PREFIX/NAME[SUFFIX], or None."""
        if not self.path.startswith(prefix) or not self.path.endswith(suffix):
            return None
        name = self.path[len(prefix):len(self.path) - len(suffix)]
        return name if NAME.match(name) else None

    def do_GET(self):
        name = self.named("/crl/", ".crl")
        path = os.path.join(pki, "crl", f"{name}.crl") if name else None
        if not path or not os.path.isfile(path):
            return self.answer(404, "text/plain", b"no such CRL\n")
        with open(path, "rb") as f:
            self.answer(200, "application/pkix-crl", f.read())

    def do_POST(self):
        name = self.named("/ocsp/")
        ca_dir = os.path.join(pki, "ca", name) if name else None
        if not ca_dir or not os.path.isdir(ca_dir):
            return self.answer(404, "text/plain", b"no OCSP responder for that CA\n")
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_REQUEST:
            return self.answer(400, "text/plain", b"bad OCSP request size\n")
        request = self.rfile.read(length)
        ca, key = os.path.join(pki, f"{name}.pem"), os.path.join(pki, f"{name}.key")
        run = subprocess.run(["openssl", "ocsp", "-index", os.path.join(ca_dir, "index.txt"),
                              "-CA", ca, "-rsigner", ca, "-rkey", key,
                              "-reqin", "-", "-respout", "-"],
                             input=request, capture_output=True, check=False)
        if run.returncode != 0 or not run.stdout:
            return self.answer(500, "text/plain", b"openssl ocsp failed\n")
        self.answer(200, "application/ocsp-response", run.stdout)


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
with open(ready + ".tmp", "w") as f:
    f.write(f"{port}\n")
os.rename(ready + ".tmp", ready)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
