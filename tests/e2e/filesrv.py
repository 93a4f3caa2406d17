# filesrv.py FILE PORT: the end-to-end tests' file server (test_nat.sh,
# netns.sh's xl_start_filesrv).  GET answers FILE whole; POST answers the
# SHA-256 of the body it got, so an upload is checked without storing it.
# Threaded, so a stalled transfer does not block the next one.
import hashlib, http.server, sys

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

http.server.ThreadingHTTPServer(('0.0.0.0', int(sys.argv[2])), H).serve_forever()
