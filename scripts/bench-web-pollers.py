#!/usr/bin/env python3
"""Idle keep-alive pollers for scripts/bench-web.sh.

  bench-web-pollers.py PORT COUNT PATH ETAG PIDFILE_OR_-
Opens COUNT TLS connections (at most 256 handshakes at a time), makes one
conditional GET on each (expects 304), keeps them all open and idle for a
few seconds, then polls again on every one of them. Prints one line:
  connections=N errors=E open_s=… idle_s=… repoll_s=… rss_kb=… cpu_idle_s=…
rss_kb and cpu_idle_s are the server's (PID read from PIDFILE), measured
while all connections are open and idle."""
import asyncio, os, ssl, sys, time

port, count, path, etag, pidfile = (int(sys.argv[1]), int(sys.argv[2]), sys.argv[3],
                                    sys.argv[4], sys.argv[5])
request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: {etag}\r\n\r\n").encode()
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ctx.minimum_version = ssl.TLSVersion.TLSv1_3


def server_stats():
    if pidfile == "-":
        return 0, 0.0
    pid = open(pidfile).read().strip()
    rss = 0
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return rss, cpu


async def poll(reader, writer):
    writer.write(request)
    await writer.drain()
    status = await reader.readline()
    while (await reader.readline()) not in (b"\r\n", b""):
        pass  # headers; a 304 has no body
    if b" 304 " not in status:
        raise RuntimeError(status)


async def open_one(sem, conns, errors):
    async with sem:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx)
            await poll(reader, writer)
            conns.append((reader, writer))
        except Exception:
            errors.append(1)


async def main():
    sem = asyncio.Semaphore(256)
    conns, errors = [], []
    t0 = time.time()
    await asyncio.gather(*(open_one(sem, conns, errors) for _ in range(count)))
    opened = time.time() - t0
    rss0, cpu0 = server_stats()
    idle = 5.0
    await asyncio.sleep(idle)
    rss, cpu1 = server_stats()
    t1 = time.time()
    results = await asyncio.gather(*(poll(r, w) for r, w in conns), return_exceptions=True)
    repoll = time.time() - t1
    errors += [1 for r in results if isinstance(r, Exception)]
    print(f"connections={len(conns)} errors={len(errors)} open_s={opened:.1f} idle_s={idle:.0f} "
          f"repoll_s={repoll:.2f} rss_kb={max(rss, rss0)} cpu_idle_s={cpu1 - cpu0:.2f}", flush=True)
    for _, w in conns:
        w.close()


asyncio.run(main())
