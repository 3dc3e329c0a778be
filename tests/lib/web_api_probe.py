#!/usr/bin/env python3
"""Issue 19 probes against a running vntld on 127.0.0.1 (exit 1 with a
message when the server misbehaves).

  web_api_probe.py stall PORT DB      registry write lock held for 4 s while
                                      admin requests wait for it: public GETs
                                      stay fast, a full API queue answers 503
  web_api_probe.py logins PORT N SP SECRET   N provider logins at once:
                                      public GETs stay fast, all logins 200
  web_api_probe.py flood PORT N       N admin requests without a certificate
  web_api_probe.py smuggle PORT       ambiguous framing: 400, connection
                                      closed, the second request unanswered
"""
import http.client, json, socket, sqlite3, ssl, sys, threading, time

CTX = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE
PUBLIC_MAX = 1.0  # seconds: generous, the stall this guards against is the lock's 4 s


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def connect(port):
    return http.client.HTTPSConnection("127.0.0.1", port, context=CTX, timeout=30)


def public_latency(port, keep_going):
    """Worst latency of GET /healthz on one keep-alive connection, measured
    while keep_going() says so."""
    conn, worst = connect(port), 0.0
    while keep_going():
        t = time.time()
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        worst = max(worst, time.time() - t)
        time.sleep(0.02)
    conn.close()
    return worst


def api_request(port, method, path, body, results, i, conn=None):
    try:
        conn = conn or connect(port)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        results[i] = (r.status, r.getheader("Retry-After"), r.read().decode())
        conn.close()
    except Exception as e:  # reported below as a missing answer
        results[i] = (0, None, str(e))


def hold_lock(db, seconds, locked):
    c = sqlite3.connect(db, isolation_level=None, timeout=30)
    c.execute("BEGIN IMMEDIATE")
    locked.set()
    time.sleep(seconds)
    c.execute("ROLLBACK")
    c.close()


def stall(port, db):
    locked = threading.Event()
    holder = threading.Thread(target=hold_lock, args=(db, 4, locked))
    holder.start()
    locked.wait()
    n = 8
    results, threads = [None] * n, []
    for i in range(n):  # staggered: the first holds the worker, then the queue fills
        t = threading.Thread(target=api_request, args=(port, "GET", "/admin/api/providers", None, results, i))
        t.start()
        threads.append(t)
        time.sleep(0.1)
    deadline = time.time() + 2.5  # the lock is held for 4 s
    worst = public_latency(port, lambda: time.time() < deadline)
    holder.join()
    for t in threads:
        t.join()
    if worst >= PUBLIC_MAX:
        fail("public GET took %.2f s while API requests waited for the registry lock" % worst)
    busy = [r for r in results if r[0] == 503]
    if not busy or any(r[1] is None or '"busy"' not in r[2] for r in busy):
        fail("no 503 busy with Retry-After from a full API queue: %s" % results)
    if any(r[0] not in (401, 503) for r in results):
        fail("API answers after the lock: %s" % results)
    print("stall: public max %.3f s, %d of %d API requests busy" % (worst, len(busy), n))


def logins(port, n, sp, secret):
    body = json.dumps({"sp_id": sp, "sp_password": secret})
    results, threads = [None] * n, []
    for i in range(n):
        # TLS handshakes first: they are the serving threads' work either way
        conn = connect(port)
        conn.connect()
        t = threading.Thread(target=api_request,
                             args=(port, "POST", "/api/v1/provider/token", body, results, i, conn))
        threads.append(t)
    start = time.time()
    for t in threads:
        t.start()
    worst = public_latency(port, lambda: any(t.is_alive() for t in threads) or time.time() < start + 0.5)
    elapsed = time.time() - start
    for t in threads:
        t.join()
    # Absolute and relative: logins run one after the other on a serving
    # thread would hold a public GET for about all of their time.
    if worst >= PUBLIC_MAX or (worst >= 0.25 and worst >= elapsed / 2):
        fail("public GET took %.2f s during %d provider logins (%.2f s)" % (worst, n, elapsed))
    if any(r[0] != 200 for r in results):
        fail("logins: %s" % [r[:2] for r in results])
    print("logins: public max %.3f s over %d logins (%.2f s)" % (worst, n, elapsed))


def flood(port, n):
    conn = connect(port)
    for i in range(n):
        conn.request("GET", "/admin/api/providers")
        r = conn.getresponse()
        r.read()
        if r.status != 401:
            fail("request %d without a certificate: %d" % (i, r.status))
    conn.close()


def raw_exchange(port, data, wait=3.0):
    """Sends `data` on a fresh TLS connection; returns (bytes read, closed by server)."""
    s = CTX.wrap_socket(socket.create_connection(("127.0.0.1", port)))
    s.sendall(data)
    s.settimeout(wait)
    got, closed = b"", False
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            got += chunk
    except (socket.timeout, TimeoutError):
        pass
    except (ssl.SSLError, ConnectionError, OSError):
        closed = True
    s.close()
    return got, closed


SECOND = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
SHAPES = {
    "two different Content-Length": b"POST /index.json HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Length: 0\r\nContent-Length: %d\r\n\r\n" % len(SECOND) + SECOND,
    "two equal Content-Length": b"GET /index.json HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Length: 0\r\nContent-Length: 0\r\n\r\n" + SECOND,
    "Transfer-Encoding with Content-Length": b"POST /admin/api/changes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" % (5 + len(SECOND)) + SECOND,
    "Transfer-Encoding with Content-Length, public path": b"POST /roots.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + SECOND,
}


def smuggle(port):
    for name, data in SHAPES.items():
        got, closed = raw_exchange(port, data)
        answers = got.count(b"HTTP/1.1 ")
        if not got.startswith(b"HTTP/1.1 400"):
            fail("%s: not answered 400: %r" % (name, got[:200]))
        if answers != 1:
            fail("%s: %d answers, the smuggled request was served: %r" % (name, answers, got[:400]))
        if not closed:
            fail("%s: connection left open after the 400" % name)
    # one Content-Length alone still works, with keep-alive
    got, _ = raw_exchange(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n" + SECOND, 1.0)
    if got.count(b"HTTP/1.1 ") != 2 or b"HTTP/1.1 400" in got:
        fail("plain keep-alive requests broken: %r" % got[:300])
    print("smuggle: %d shapes refused" % len(SHAPES))


def main():
    cmd, port = sys.argv[1], int(sys.argv[2])
    if cmd == "stall":
        stall(port, sys.argv[3])
    elif cmd == "logins":
        logins(port, int(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif cmd == "flood":
        flood(port, int(sys.argv[3]))
    elif cmd == "smuggle":
        smuggle(port)
    else:
        fail("unknown probe " + cmd)


main()
