#!/usr/bin/env python3
"""Static file server for the validator tests, on 127.0.0.1 and a free port.
usage: validator_http_server.py DIR PORT_FILE [CERT.pem KEY.pem]
With a certificate it serves HTTPS.  Supports If-Modified-Since (304).
Writes the chosen port to PORT_FILE once listening; logs one line per request."""
import functools, http.server, ssl, sys

root, port_file = sys.argv[1], sys.argv[2]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
if len(sys.argv) > 4:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
