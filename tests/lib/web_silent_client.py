#!/usr/bin/env python3
"""Connects to vntld over TLS, sends SEND (may be empty) and then nothing,
and prints how many seconds passed until the server closed the connection
(or LIMIT when it did not).   web_silent_client.py PORT LIMIT [SEND]"""
import socket, ssl, sys, time

port, limit = int(sys.argv[1]), float(sys.argv[2])
send = sys.argv[3].encode().decode("unicode_escape").encode() if len(sys.argv) > 3 else b""
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
start = time.time()
raw = socket.create_connection(("127.0.0.1", port))
tls = ctx.wrap_socket(raw)
if send:
    tls.sendall(send)
tls.settimeout(limit)
try:
    while tls.recv(4096):
        pass
    print(round(time.time() - start))
except (socket.timeout, TimeoutError):
    print(round(limit))
except (ssl.SSLError, ConnectionError, OSError):
    print(round(time.time() - start))
