# peek.py: single packets, and where what arrives came from, with what TTL:
# what udpask and curl cannot tell (test_nat.sh).  Every wait is bounded.
#
#   peek.py ask HOST PORT      UDP, connected to HOST:PORT: send one datagram,
#                              print "SRC:SPORT TTL PAYLOAD" of the reply
#                              (HOST IPv4, or IPv6: "[SRC]:SPORT HOPLIMIT ...")
#   peek.py ping6 ADDR         one ICMPv6 echo request to ADDR: print
#                              "SRC HOPLIMIT" of the echo reply (no ping
#                              binary needed)
#   peek.py listen PORT        print "SRC:SPORT TTL PAYLOAD" of the first
#                              datagram to UDP PORT ("ready" on stderr
#                              once it listens; catch too)
#   peek.py send SRC SPORT DST DPORT     one datagram from SRC:SPORT (bound
#                              beside a server already there)
#   peek.py synack SRC SPORT DST DPORT   one TCP SYN-ACK from SRC:SPORT that
#                              no SYN asked for (a raw socket)
#   peek.py catch PORT         print "SRC:SPORT TTL FLAGS" of the first TCP
#                              segment to PORT (a raw socket sees it before
#                              the kernel answers it with a reset)
# Exit status 1 when nothing came within 3 s.
import select, socket, struct, sys, time

IP_RECVTTL = getattr(socket, 'IP_RECVTTL', 12)
IP_TTL = getattr(socket, 'IP_TTL', 2)
IPV6_RECVHOPLIMIT = getattr(socket, 'IPV6_RECVHOPLIMIT', 51)
IPV6_HOPLIMIT = getattr(socket, 'IPV6_HOPLIMIT', 52)


def nothing():
    print('nothing in 3 s', file=sys.stderr)
    sys.exit(1)


def ready():
    # For the caller waiting to send: the socket is there.
    print('ready', file=sys.stderr, flush=True)


def report_udp(s):
    s.settimeout(3)
    try:
        data, anc, _, src = s.recvmsg(2048, socket.CMSG_SPACE(4))
    except socket.timeout:
        nothing()
    ttl = hops(anc)
    host = '[%s]' % src[0] if ':' in src[0] else src[0]
    print('%s:%d %s %s' % (host, src[1], ttl, data.decode().strip()))


def hops(anc):
    # The TTL (IPv4) or hop limit (IPv6) the packet arrived with.
    for level, kind, val in anc:
        if (level, kind) in ((socket.IPPROTO_IP, IP_TTL),
                             (socket.IPPROTO_IPV6, IPV6_HOPLIMIT)):
            return struct.unpack('i', val[:4])[0]
    return '?'


def ping6(dst):
    # The kernel fills in an ICMPv6 raw socket's checksum.
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)
    ident = 0x7800 | (time.monotonic_ns() & 0xff)
    s.sendto(struct.pack('!BBHHH', 128, 0, 0, ident, 1) + b'peek', (dst, 0))
    end = time.monotonic() + 3
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            nothing()
        data, anc, _, src = s.recvmsg(2048, socket.CMSG_SPACE(4))
        if len(data) >= 8 and data[0] == 129 and \
                struct.unpack('!H', data[4:6])[0] == ident:
            print('%s %s' % (src[0], hops(anc)))
            return


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def synack(src, sport, dst, dport):
    # The TCP header alone; the kernel adds the IP header (no IP_HDRINCL).
    hdr = struct.pack('!HHIIBBHHH', sport, dport, 1000, 1, 5 << 4, 0x12,
                      65535, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack('!BBH', 0, socket.IPPROTO_TCP, len(hdr))
    hdr = hdr[:16] + struct.pack('!H', csum(pseudo + hdr)) + hdr[18:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    s.bind((src, 0))
    s.sendto(hdr, (dst, 0))


def catch(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    ready()
    end = time.monotonic() + 3
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            nothing()
        pkt = s.recv(65535)
        ihl = (pkt[0] & 15) * 4
        sport, dport = struct.unpack('!HH', pkt[ihl:ihl + 4])
        if dport != port:
            continue
        flags = ''.join(f for f, bit in zip('FSRPAU', range(6))
                        if pkt[ihl + 13] >> bit & 1)
        print('%s:%d %d %s' % (socket.inet_ntoa(pkt[12:16]), sport, pkt[8], flags))
        return


cmd = sys.argv[1]
if cmd == 'ping6':
    ping6(sys.argv[2])
elif cmd == 'synack':
    synack(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
elif cmd == 'catch':
    catch(int(sys.argv[2]))
elif cmd == 'ask' and ':' in sys.argv[2]:
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)
    s.connect((sys.argv[2], int(sys.argv[3])))
    s.send(b'peek\n')
    report_udp(s)
elif cmd in ('ask', 'listen', 'send'):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
    if cmd == 'ask':
        # connect(): the kernel drops any answer from another address or port.
        s.connect((sys.argv[2], int(sys.argv[3])))
        s.send(b'peek\n')
        report_udp(s)
    elif cmd == 'listen':
        s.bind(('0.0.0.0', int(sys.argv[2])))
        ready()
        report_udp(s)
    else:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((sys.argv[2], int(sys.argv[3])))
        s.sendto(b'unasked\n', (sys.argv[4], int(sys.argv[5])))
else:
    sys.exit(2)
