#!/usr/bin/env python3
"""hbsend.py DEST PORT SRC KEY HG COUNT [HOLDS]: heartbeat 3.0.6 status
packets (netstring wire format, heartbeat.md A.1-A.5, written from the
reference, not from failoverd's encoder) signed "1 sha1 KEY", sent every
200 ms to DEST:PORT, seq 1..COUNT, generation HG.  HOLDS (default 1) goes
into xlvs-failoverd's own xlvs_holds field."""
import hashlib
import hmac
import socket
import sys
import time


def field(name, value):
    body = b"(0)" + name.encode() + b"=" + value.encode()
    return str(len(body)).encode() + b":" + body + b","


def packet(src, key, hg, seq, holds):
    msg = b"###\n"
    for n, v in (("t", "status"), ("st", "active"), ("dt", "7d0"), ("src", src),
                 ("seq", "%x" % seq), ("hg", "%x" % hg), ("ts", "%x" % int(time.time())),
                 ("ttl", "3"), ("xlvs_holds", holds)):
        msg += field(n, v)
    msg += b"%%%\n"
    tok = hmac.new(key.encode(), msg, hashlib.sha1).hexdigest()
    trailer = ("1 " + tok).encode()
    return msg + str(len(trailer)).encode() + b":" + trailer + b","


def main():
    dest, port, src, key, hg, count = sys.argv[1:7]
    holds = sys.argv[7] if len(sys.argv) > 7 else "1"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for seq in range(1, int(count) + 1):
        s.sendto(packet(src, key, int(hg), seq, holds), (dest, int(port)))
        time.sleep(0.2)


main()
