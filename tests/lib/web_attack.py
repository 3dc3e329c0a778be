#!/usr/bin/env python3
"""Attacks vntld on loopback while ordinary clients keep asking, and reports both.

  web_attack.py PORT MODE COUNT SECONDS [PATH]
MODE is one of
  idle      COUNT TCP connections that never send a TLS ClientHello
  slowloris COUNT TLS connections that send a request header one byte a second
  slowread  COUNT TLS connections that ask for PATH and then read nothing
The attack connections come from 127.0.0.2 … 127.0.0.17 (so one address does not
hit the per-address limit first). Meanwhile an ordinary client (127.0.0.1) makes
a new TLS connection and GETs /index.json and two lists every 0.1 s.
After SECONDS it prints one JSON object:
  {"mode":…, "opened":N, "closed_by_server":N, "probes":N, "probe_errors":N,
   "p50_ms":…, "p99_ms":…, "max_ms":…, "errors":[first few]}
closed_by_server counts attack connections the server closed (EOF or reset)
before the end, as the attacker saw it (a slow reader may not see it: the data
already sent is still in its buffers); server_held_at_end counts the
connections the server still held established just before the end."""
import asyncio, concurrent.futures, json, socket, ssl, subprocess, sys, threading, time

PROBE = sys.argv[1] == "--probe"
if PROBE:
    # The ordinary client, in its own process so the attacker's event loop
    # cannot slow it down: prints its latencies and errors as JSON.
    sys.argv = sys.argv[1:]
port, mode, count, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
path = sys.argv[5] if len(sys.argv) > 5 else "/roots.xml"
ADDRESSES = [f"127.0.0.{i}" for i in range(2, 18)]

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE

stats = {"opened": 0, "closed_by_server": 0}
POOL = concurrent.futures.ThreadPoolExecutor(max_workers=min(count, 2000)) if mode == "slowread" else None


async def wait_closed(reader, deadline):
    """Reads (and drops) until EOF or the deadline; True when the server closed."""
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            data = await asyncio.wait_for(reader.read(65536), left)
            if not data:
                return True
    except asyncio.TimeoutError:
        return False
    except (ConnectionError, ssl.SSLError, OSError):
        return True


async def open_raw(i):
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    sock.bind((ADDRESSES[i % len(ADDRESSES)], 0))
    await asyncio.wait_for(loop.sock_connect(sock, ("127.0.0.1", port)), 10)
    return sock


async def idle_one(i, deadline):
    try:
        sock = await open_raw(i)
    except (OSError, asyncio.TimeoutError):
        return
    stats["opened"] += 1
    loop = asyncio.get_running_loop()
    try:
        while time.monotonic() < deadline:
            left = deadline - time.monotonic()
            data = await asyncio.wait_for(loop.sock_recv(sock, 4096), left)
            if not data:
                stats["closed_by_server"] += 1
                break
    except asyncio.TimeoutError:
        pass
    except OSError:
        stats["closed_by_server"] += 1
    finally:
        sock.close()


# A Python client is slow at TLS handshakes: a few at a time, so that each
# completes well within the server's handshake deadline.
HANDSHAKES = threading.BoundedSemaphore(32)


async def tls_one(i):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, HANDSHAKES.acquire)
    try:
        sock = await open_raw(i)
        return await asyncio.wait_for(
            asyncio.open_connection(sock=sock, ssl=ctx, server_hostname="localhost"), 15)
    finally:
        HANDSHAKES.release()


async def slowloris_one(i, deadline):
    try:
        reader, writer = await tls_one(i)
    except (OSError, ssl.SSLError, asyncio.TimeoutError):
        return
    stats["opened"] += 1
    header = b"GET /index.json HTTP/1.1\r\nHost: x\r\n" + b"X-a: b\r\n" * 1000
    closed = False
    try:
        for b in header:
            writer.write(bytes([b]))
            await writer.drain()
            if await wait_closed(reader, min(deadline, time.monotonic() + 1.0)):
                closed = True
                break
            if time.monotonic() >= deadline:
                break
    except (ConnectionError, ssl.SSLError, OSError):
        closed = True
    if closed:
        stats["closed_by_server"] += 1
    writer.transport.abort()


def slowread_blocking(i, deadline):
    """Blocking, in a thread: asyncio's TLS transport keeps reading into its
    own buffers while paused, which is no slow reader at all."""
    try:
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A tiny receive window: the server's sends stall at once.
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        raw.bind((ADDRESSES[i % len(ADDRESSES)], 0))
        raw.settimeout(15)
        with HANDSHAKES:
            raw.connect(("127.0.0.1", port))
            tls = ctx.wrap_socket(raw, server_hostname="localhost")
        tls.sendall((f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n" * 4).encode())
    except (OSError, ssl.SSLError):
        return
    stats["opened"] += 1
    closed = False
    try:
        while time.monotonic() < deadline:
            # A few bytes every 2 s: far below any sane rate.
            tls.settimeout(max(0.01, min(2.0, deadline - time.monotonic())))
            try:
                if not tls.recv(16):
                    closed = True
                    break
            except (socket.timeout, TimeoutError):
                continue
            time.sleep(min(2.0, max(0.0, deadline - time.monotonic())))
    except (ConnectionError, ssl.SSLError, OSError):
        closed = True
    if closed:
        stats["closed_by_server"] += 1
    raw.close()


async def slowread_one(i, deadline):
    await asyncio.get_running_loop().run_in_executor(POOL, slowread_blocking, i, deadline)


def probe_once(errors, latencies):
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                for p in ("/index.json", "/foreign.xml", "/pointer.xml"):
                    tls.sendall(f"GET {p} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                    head, body = read_response(tls)
                    if not head.startswith(b"HTTP/1.1 200"):
                        raise RuntimeError(f"{p}: {head[:40]!r}")
        latencies.append((time.monotonic() - start) * 1000)
    except Exception as e:  # any failure of an ordinary client counts
        errors.append(f"{type(e).__name__}: {e}")


def read_response(tls):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = tls.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed before the header")
        buf += chunk
    head, body = buf.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(body) < length:
        chunk = tls.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed in the body")
        body += chunk
    return head, body


async def count_held(when):
    await asyncio.sleep(max(0, when - time.monotonic()))
    out = subprocess.run(["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
                         capture_output=True, text=True).stdout
    peers = [l.split()[-1].rsplit(":", 1)[0] for l in out.splitlines() if l.strip()]
    stats["server_held"] = sum(1 for p in peers if p in ADDRESSES)


def probe_main():
    errors, latencies = [], []
    deadline = time.monotonic() + seconds
    time.sleep(min(2.0, seconds / 4))  # let the attack build up first
    while time.monotonic() < deadline - 0.5:
        probe_once(errors, latencies)
        time.sleep(0.1)
    print(json.dumps({"errors": errors, "latencies": latencies}))


async def main():
    deadline = time.monotonic() + seconds
    one = {"idle": idle_one, "slowloris": slowloris_one, "slowread": slowread_one}[mode]
    prober = subprocess.Popen([sys.executable, __file__, "--probe"] + sys.argv[1:],
                              stdout=subprocess.PIPE)
    tasks = []
    for i in range(count):
        tasks.append(asyncio.create_task(one(i, deadline)))
    # Attack connections the server still holds open (its side established),
    # counted just before the attack ends: the ordinary client has none then.
    held = asyncio.create_task(count_held(deadline - 0.3))
    await asyncio.gather(*tasks, held, return_exceptions=True)
    out = json.loads(await asyncio.get_running_loop().run_in_executor(None, prober.stdout.read))
    prober.wait()
    errors, latencies = out["errors"], out["latencies"]
    latencies.sort()
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) if latencies else None
    print(json.dumps({"mode": mode, "count": count, "opened": stats["opened"],
                      "closed_by_server": stats["closed_by_server"],
                      "server_held_at_end": stats.get("server_held"),
                      "probes": len(latencies) + len(errors), "probe_errors": len(errors),
                      "p50_ms": pick(0.5), "p99_ms": pick(0.99),
                      "max_ms": round(latencies[-1], 1) if latencies else None,
                      "errors": errors[:3]}))


if PROBE:
    probe_main()
else:
    asyncio.run(main())
