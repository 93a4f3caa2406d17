#!/usr/bin/env python3
"""hbsend.py DEST PORT SRC KEY HG COUNT [HOLDS]: heartbeat 3.0.6 status
packets (netstring wire format, heartbeat.md A.1-A.5, written from the
reference, not from failoverd's encoder) signed "1 sha1 KEY", sent every
200 ms to DEST:PORT, COUNT of them, generation HG.  With HOLDS 1 (the
default) each is followed by the resource report heartbeat sends when it
holds its own groups (t=resource rsc_hold=local rtype=full isstable=1,
hb_resource.c hb_send_resources_held): "SRC is alive and holds them".
With HOLDS 0 only the status packets; with HOLDS none only a report
saying it holds nothing (t=resource rsc_hold=none rtype=full isstable=1),
no status: a peer whose first message is not a heartbeat, which keeps a
real heartbeat's flow control on (A.8).
Sequence numbers count every message, as heartbeat's do."""
import hashlib
import hmac
import socket
import sys
import time


def field(name, value):
    body = b"(0)" + name.encode() + b"=" + value.encode()
    return str(len(body)).encode() + b":" + body + b","


def packet(src, key, hg, seq, body):
    msg = b"###\n"
    for n, v in body + (("src", src), ("seq", "%x" % seq), ("hg", "%x" % hg),
                        ("ts", "%x" % int(time.time())), ("ttl", "3")):
        msg += field(n, v)
    msg += b"%%%\n"
    tok = hmac.new(key.encode(), msg, hashlib.sha1).hexdigest()
    trailer = ("1 " + tok).encode()
    return msg + str(len(trailer)).encode() + b":" + trailer + b","


def main():
    dest, port, src, key, hg, count = sys.argv[1:7]
    holds = sys.argv[7] if len(sys.argv) > 7 else "1"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    status = (("t", "status"), ("st", "active"), ("dt", "7d0"))
    report = (("t", "resource"), ("rsc_hold", "local"), ("rtype", "full"), ("isstable", "1"))
    bodies = {"1": (status, report), "0": (status,),
              "none": ((("t", "resource"), ("rsc_hold", "none"), ("rtype", "full"),
                        ("isstable", "1")),)}[holds]
    seq = 0
    for _ in range(int(count)):
        for body in bodies:
            seq += 1
            s.sendto(packet(src, key, int(hg), seq, body), (dest, int(port)))
        time.sleep(0.2)


main()
