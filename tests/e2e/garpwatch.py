# garpwatch.py DEV SECONDS: what a neighbour sees of a takeover's
# announcements, one line each, for SECONDS (no tcpdump needed):
#   MS arp request|reply SENDER-MAC SENDER-IP TARGET-MAC TARGET-IP
#   MS na SRC-MAC TARGET FLAGS(R,S,O as letters) TLLADDR
# MS: milliseconds since the start.  "ready" on stderr once it listens.
import socket, struct, sys, time

ETH_P_ALL = 3


def mac(b):
    return ':'.join('%02x' % x for x in b)


def main():
    dev, secs = sys.argv[1], float(sys.argv[2])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((dev, 0))
    s.settimeout(0.1)
    t0 = time.monotonic()
    print('ready', file=sys.stderr, flush=True)
    while time.monotonic() - t0 < secs:
        try:
            f, addr = s.recvfrom(2048)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING or len(f) < 14:
            continue
        ms = int((time.monotonic() - t0) * 1000)
        et = struct.unpack('!H', f[12:14])[0]
        if et == 0x0806 and len(f) >= 42:
            op = struct.unpack('!H', f[20:22])[0]
            print(ms, 'arp', {1: 'request', 2: 'reply'}.get(op, str(op)), mac(f[22:28]),
                  socket.inet_ntoa(f[28:32]), mac(f[32:38]), socket.inet_ntoa(f[38:42]),
                  flush=True)
        elif et == 0x86dd and len(f) >= 78 and f[20] == 58 and f[54] == 136:
            fl = f[58]
            flags = ''.join(c for c, b in (('R', 0x80), ('S', 0x40), ('O', 0x20)) if fl & b)
            tll = mac(f[80:86]) if len(f) >= 86 and f[78] == 2 else '-'
            print(ms, 'na', mac(f[6:12]), socket.inet_ntop(socket.AF_INET6, f[62:78]),
                  flags or '-', tll, flush=True)


main()
