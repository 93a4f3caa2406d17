# filesrv.py FILE PORT [ADDR]: the end-to-end tests' file server (test_nat.sh,
# netns.sh's xl_start_filesrv), on ADDR (default 0.0.0.0; an IPv6 address,
# "::" for any, listens for IPv6 only).  GET answers FILE whole; POST answers the
# SHA-256 of the body it got, so an upload is checked without storing it.
# Threaded, so a stalled transfer does not block the next one.
import hashlib, http.server, socket, sys

class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        data = open(sys.argv[1], 'rb').read()
        self.send_response(200)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers['Content-Length'])
        h, left = hashlib.sha256(), n
        while left:
            b = self.rfile.read(min(left, 65536))
            if not b:
                break
            h.update(b)
            left -= len(b)
        body = (h.hexdigest() + '\n').encode()
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


class Server6(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6

    def server_bind(self):
        # IPv6 only, so an IPv4 file server can share the port.
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        super().server_bind()


addr = sys.argv[3] if len(sys.argv) > 3 else '0.0.0.0'
cls = Server6 if ':' in addr else http.server.ThreadingHTTPServer
cls((addr, int(sys.argv[2])), H).serve_forever()
