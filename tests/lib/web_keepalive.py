#!/usr/bin/env python3
"""Holds one TLS keep-alive connection to vntld across an event.

  web_keepalive.py PORT FLAGFILE
Makes a request, prints the server certificate's SHA-256 ("before <fp>"),
waits until FLAGFILE exists, then makes a second request on the same
connection and prints "after <fp> <status>". Exits 1 if the connection
was not kept."""
import hashlib, http.client, os, ssl, sys, time

port, flag = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=20)
conn.request("GET", "/index.json")
r = conn.getresponse()
r.read()
sock = conn.sock
fp = hashlib.sha256(sock.getpeercert(binary_form=True)).hexdigest()
print("before", fp, r.status, flush=True)
deadline = time.time() + 20
while not os.path.exists(flag) and time.time() < deadline:
    time.sleep(0.05)
conn.request("GET", "/index.json")
r = conn.getresponse()
r.read()
if conn.sock is not sock:
    print("connection was not kept", flush=True)
    sys.exit(1)
print("after", hashlib.sha256(conn.sock.getpeercert(binary_form=True)).hexdigest(), r.status,
      flush=True)
