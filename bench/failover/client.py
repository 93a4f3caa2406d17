#!/usr/bin/env python3
"""client.py VIP PERIOD_MS TIMEOUT_S: bench/failover's client.

Starts an HTTP GET to VIP:80 every PERIOD_MS milliseconds, each on a new
connection and without waiting for the one before (a request lost in an
outage does not delay the next: the series has the period's resolution),
and prints one line per request as it ends: its start time, its end time
(CLOCK_BOOTTIME seconds, /proc/uptime's clock, which the caller reads too;
this VM's wall clock has been seen to jump) and the real server that
answered ("Test Page of NAME"), or "none" for a refusal, a timeout or
another answer.  TIMEOUT_S stays under TCP's first SYN retransmission
(1 s), so an answered request was answered at its first SYN.  Runs until
killed."""
import asyncio
import sys
import time


def now():
    return time.clock_gettime(time.CLOCK_BOOTTIME)


async def one(vip, timeout):
    t0 = now()
    who = "none"
    try:
        async def get():
            r, w = await asyncio.open_connection(vip, 80)
            w.write(b"GET / HTTP/1.0\r\nHost: vip\r\n\r\n")
            body = await r.read(4096)
            w.close()
            return body
        body = await asyncio.wait_for(get(), timeout)
        i = body.find(b"Test Page of ")
        if i >= 0:
            who = body[i + 13:].split()[0].decode(errors="replace")
    except (OSError, asyncio.TimeoutError):
        pass
    print(f"{t0:.4f} {now():.4f} {who}", flush=True)


async def main():
    vip, period, timeout = sys.argv[1], int(sys.argv[2]) / 1000, float(sys.argv[3])
    tasks = set()
    nxt = now()
    while True:
        t = asyncio.ensure_future(one(vip, timeout))
        tasks.add(t)
        t.add_done_callback(tasks.discard)
        nxt += period
        await asyncio.sleep(max(0, nxt - now()))


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
