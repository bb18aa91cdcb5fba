"""Gunicorn settings for the web dyno (Procfile) and the bench/ servers.

Sized for a 512 MB Heroku dyno: WEB_CONCURRENCY worker processes (Heroku sets
it per dyno size; 2 here), the app and its model loaded once in the master
before forking (preload_app) so the workers share those pages.

Worker model: threads (gunicorn's gthread), so that a slow client cannot hold
the server. A sync worker serves one connection at a time, so two clients
sending a byte every two seconds, or reading plotly.min.js slowly, held both
workers until their timeout and /healthz stopped answering. Here each worker
waits for a connection's first bytes in its event loop, not in a thread, and
serves up to THREADS connections at once; the CPU work still runs one request
at a time per process (the GIL, and one LiteRT interpreter behind a lock), so
throughput is the sync workers' (bench/serve_latency.py measures both). A
worker takes no more connections than it has threads, so a connection never
queues behind busy threads in one worker while the other has room.

Every connection has deadlines: its request (line, headers and body) must
arrive within REQUEST_READ_TIMEOUT seconds of its first byte, and every write
of the answer must make progress within SEND_TIMEOUT seconds. A client can
therefore hold a thread for REQUEST_READ_TIMEOUT seconds at most while sending,
and as long as it keeps reading while receiving; 2 x THREADS such clients are
needed to make an honest one wait. Beyond that, put a buffering proxy in front
(Heroku's router buffers some of this; nginx buffers both ways).

Errors are JSON, as the app's are: a request gunicorn itself refuses (a
malformed request line, headers over its limits) and a request still running
when its worker is killed for a timeout (503) get {"error": ...}, never
gunicorn's HTML page. The work one request may cost is bounded in the app
(model/character/rasterize.py, model/inputs/images.py), far below the timeout.
"""

import ctypes
import errno
import json
import os
import socket
import threading
import time
from concurrent import futures

from gunicorn import util
from gunicorn.http.unreader import SocketUnreader
from gunicorn.workers.gthread import ThreadWorker

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

# Connections one worker serves at once. Each is a thread (a few hundred kB of
# stack touched at most) that is idle while its client is slow.
THREADS = int(os.environ.get("GUNICORN_THREADS", "32"))
threads = THREADS
worker_connections = THREADS
# One request a connection: a kept-alive connection would count against
# worker_connections while idle.
keepalive = 0

# Seconds a client has to send its whole request once it has started, and to
# take each part of the answer (plotly.min.js, compressed, is 1.3 MB: 0.5 Mbit/s).
# (GUNICORN_READ_TIMEOUT and GUNICORN_SEND_TIMEOUT override them, for tests.)
REQUEST_READ_TIMEOUT = float(os.environ.get("GUNICORN_READ_TIMEOUT", "20"))
SEND_TIMEOUT = float(os.environ.get("GUNICORN_SEND_TIMEOUT", "20"))

# NumPy's OpenBLAS starts a thread per core and splits even the rasterizer's
# small centring products across them; between calls those threads spin on CPU
# the other workers need. A worker handles one drawing at a time, so one BLAS
# thread each (LiteRT runs one too). Set here, before preload_app imports NumPy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Memory: glibc gives every thread that allocates its own heap (arena), and a
# heap holds on to what a large request freed; with 32 threads a worker's
# resident size crept up request after request. Two arenas, large blocks always
# mapped (and so returned when freed), and free memory handed back after a
# large request (post_request below) keep a worker near its idle size. Set in
# the master, before it forks.
_LARGE_REQUEST_BYTES = 256 * 1024
try:
    _libc = ctypes.CDLL("libc.so.6")
    _libc.mallopt(-8, 2)  # M_ARENA_MAX
    _libc.mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD (fixed, no longer rising)
except (OSError, AttributeError):  # not glibc: nothing to tune
    _libc = None


def post_request(worker, req, environ, resp):
    length = environ.get("CONTENT_LENGTH") or "0"
    large = not length.isdigit() or int(length) > _LARGE_REQUEST_BYTES
    if _libc is not None and (large or environ.get("HTTP_TRANSFER_ENCODING")):
        # After the answer, off the request's thread: the client is not kept waiting.
        closer = getattr(worker, "_closer", None)
        if closer is None:
            _libc.malloc_trim(0)
        else:
            closer.submit(_libc.malloc_trim, 0)


# Import the app (and load the model) once; the workers fork from it and share
# its memory copy-on-write, and a broken model stops the boot instead of
# every worker crash-looping.
preload_app = True

# Heroku's router gives up after 30 s; a worker whose event loop is stuck longer
# (a request holding the GIL in C code) is killed first. A slow request in a
# thread does not stop the loop: the app bounds each request's work instead.
timeout = 25
graceful_timeout = 20

# Request-line and header limits stay at gunicorn's defaults (4094 bytes a
# line, 100 headers); the body limit is the Flask app's (api.MAX_BODY_BYTES).

# gunicorn's run-time control socket (gunicornc) is not used on a dyno; without
# it, no file is written under $HOME and parallel servers (tests, bench) never
# share one socket path.
control_socket_disable = True


def _json_error(status: int, reason: str, message: str) -> bytes:
    body = json.dumps({"error": message}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nCache-Control: no-store\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def _write_json_error(sock, status_int, reason, mesg):
    """gunicorn's util.write_error, in the app's error format."""
    message = mesg or reason
    util.write_nonblock(sock, _json_error(status_int, reason, message))


class RequestTimeout(ValueError):
    """The request did not arrive within REQUEST_READ_TIMEOUT. A ValueError, so
    that a body read inside the app becomes Werkzeug's ClientDisconnected (the
    app answers 408) rather than an unexpected exception."""


class _DeadlineUnreader(SocketUnreader):
    """Reads a request's bytes for REQUEST_READ_TIMEOUT seconds from its first
    read at most, however slowly they come; then RequestTimeout."""

    def __init__(self, sock, max_chunk=8192):
        super().__init__(sock, max_chunk)
        self.deadline = None

    def chunk(self, size_hint=None):
        if self.deadline is None:
            self.deadline = time.monotonic() + REQUEST_READ_TIMEOUT
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise RequestTimeout(f"the request did not arrive within {REQUEST_READ_TIMEOUT:g} s")
        self.sock.settimeout(remaining)
        try:
            return super().chunk(size_hint)
        except TimeoutError:
            raise RequestTimeout(
                f"the request did not arrive within {REQUEST_READ_TIMEOUT:g} s"
            ) from None
        finally:
            self.sock.settimeout(SEND_TIMEOUT)


class JsonThreadWorker(ThreadWorker):
    """gthread with read deadlines and JSON errors (see the module doc)."""

    def load_wsgi(self):
        super().load_wsgi()
        self._closer = futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="closer")
        self._in_flight = {}  # socket -> [method, path, started, answering]
        self._in_flight_lock = threading.Lock()
        app = self.wsgi

        def tracked(environ, start_response):
            entry = [environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), time.monotonic()]
            entry.append(False)
            sock = environ.get("gunicorn.socket")
            with self._in_flight_lock:
                self._in_flight[sock] = entry

            def starting(*args, **kwargs):
                entry[3] = True
                return start_response(*args, **kwargs)

            try:
                return app(environ, starting)
            finally:
                with self._in_flight_lock:
                    self._in_flight.pop(sock, None)

        self.wsgi = tracked
        util.write_error = _write_json_error  # this worker process only

    def handle(self, conn):
        # gthread closes a finished connection on its event loop, lingering up
        # to 2 s for the client to close too (util.close_graceful); a client
        # that does neither stopped the loop, and so every accept, for 2 s.
        # Here the end of the answer (FIN) goes out at once and the lingering
        # happens on the closer threads.
        if not hasattr(conn, "_closes_elsewhere"):
            conn._closes_elsewhere = True
            close = conn.close

            def close_elsewhere(graceful=False):
                if not graceful:
                    return close()
                try:
                    conn.sock.shutdown(socket.SHUT_WR)
                except OSError:
                    return close()
                self._closer.submit(_linger_and_close, conn.sock)
                return None

            conn.close = close_elsewhere
        # Swap in the deadline reader once the connection's parser exists.
        original_init = conn.init

        def init():
            fresh = conn.parser is None
            original_init()
            if fresh and not conn.is_http2:
                reader = _DeadlineUnreader(conn.sock)
                reader.buf = conn.parser.unreader.buf
                conn.parser.unreader = reader
            conn.sock.settimeout(SEND_TIMEOUT)

        conn.init = init
        return super().handle(conn)

    def handle_error(self, req, client, addr, exc):
        if isinstance(exc, RequestTimeout):
            self.log.info("Request timeout from %s: %s", (addr or ("",))[0], exc)
            _send_quietly(client, _json_error(408, "Request Timeout", str(exc)))
            return
        super().handle_error(req, client, addr, exc)

    def handle_abort(self, sig, frame):
        """The arbiter is killing this worker for a timeout: say so to every
        client still waiting (503, JSON) and in the log, then go at once."""
        self.alive = False
        now = time.monotonic()
        with self._in_flight_lock:
            waiting = list(self._in_flight.items())
        for sock, (method, path, started, answering) in waiting:
            self.log.error(
                "Worker timeout: %s %s had run %.1f s; the worker restarts",
                method,
                path,
                now - started,
            )
            if not answering:
                message = "the server took too long to answer; try again"
                _send_quietly(sock, _json_error(503, "Service Unavailable", message))
        self.cfg.worker_abort(self)
        os._exit(1)  # threads may be stuck in C code: do not wait for them


def _linger_and_close(sock, linger=2.0, max_drain=65536) -> None:
    """util.close_graceful after its shutdown: read what the client still sends
    (so that closing does not reset the connection) until it closes, then close."""
    deadline = time.monotonic() + linger
    drained = 0
    try:
        while drained < max_drain and (remaining := deadline - time.monotonic()) > 0:
            sock.settimeout(remaining)
            data = sock.recv(4096)
            if not data:
                break
            drained += len(data)
    except OSError:
        pass
    finally:
        sock.close()


def _send_quietly(sock, data: bytes) -> None:
    try:
        sock.settimeout(1.0)
        sock.sendall(data)
    except OSError as error:
        if error.errno not in (None, errno.EPIPE, errno.ECONNRESET, errno.EBADF):
            raise


worker_class = JsonThreadWorker
