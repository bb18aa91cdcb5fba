"""The gunicorn worker class the web dyno runs (gunicorn.conf.py names it).

Worker model: threads (gunicorn's gthread), so that a slow client cannot hold
the server. A sync worker serves one connection at a time, so two clients
sending a byte every two seconds, or reading plotly.min.js slowly, held both
workers until their timeout and /healthz stopped answering. Each worker serves
up to `threads` connections at once; the CPU work still runs one request at a
time per process (the GIL, and one LiteRT interpreter behind a lock), so
throughput is the sync workers' (bench/serve_latency.py measures both). A
worker takes no more requests than it has threads, so a request never queues
behind busy threads in one worker while the other has room.

A connection gets a thread only once it has sent something. gunicorn 27's
gthread hands every accepted connection to a thread, which waits up to 5 s for
its first byte, and counts it against `worker_connections`: a few dozen
connections that never sent a byte held every thread of both workers, and the
accept queue behind them, for seconds. Here an accepted connection waits in the
worker's event loop (a socket in its selector, no thread) until it is readable,
at most `idle_timeout_s`; a worker keeps at most `max_idle` such connections,
closing the oldest for a new one, and they do not count as busy
(web/settings.py; bench/slow_clients.py --idle measures it).

Every connection has deadlines (web/settings.py): its request (line, headers
and body) must arrive within `read_timeout_s` of its first byte, and every
write of the answer must make progress within `send_timeout_s`. A client can
therefore hold a thread for `read_timeout_s` at most while sending, and as long
as it keeps reading while receiving; 2 x `threads` such clients are needed to
make an honest one wait. Beyond that, put a buffering proxy in front (Heroku's
router buffers some of this; nginx buffers both ways).

Errors are JSON, as the app's are: a request gunicorn itself refuses (a
malformed request line, headers over its limits) and a request still running
when its worker is killed for a timeout (503) get {"error": ...}, never
gunicorn's HTML page. The work one request may cost is bounded in the app
(model/character/rasterize.py, model/inputs/images.py), far below the timeout.

Memory: glibc gives every thread that allocates its own heap (arena), and a
heap holds on to what a large request freed; with many threads a worker's
resident size crept up request after request. Two arenas, large blocks always
mapped (and so returned when freed), and free memory handed back after a large
request (`post_request`) keep a worker near its idle size. A fixed mapping
threshold also fixes glibc's trim threshold at its smallest, so every request
handed its freed heap back and faulted it in again (a large share of an
image request's time): each heap keeps a little free memory at its top instead.
`tune_malloc()` is called in the master, before it forks.
"""

import contextlib
import ctypes
import errno
import functools
import json
import os
import selectors
import socket
import threading
import time
from concurrent import futures

from gunicorn import util
from gunicorn.http.unreader import SocketUnreader
from gunicorn.workers.gthread import TConn, ThreadWorker

from web.settings import Settings

_LARGE_REQUEST_BYTES = 256 * 1024
# Free memory a heap keeps at its top between requests: what one drawing's
# arrays take, a few times over (two heaps a worker).
_KEPT_FREE_BYTES = 2 * 1024 * 1024


@functools.cache
def _glibc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to tune
        return None


def tune_malloc() -> None:
    """Two arenas, a fixed mmap threshold and a trim threshold (see the module doc)."""
    libc = _glibc()
    try:
        libc.mallopt(-8, 2)  # M_ARENA_MAX
        libc.mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD (fixed, no longer rising)
        libc.mallopt(-1, _KEPT_FREE_BYTES)  # M_TRIM_THRESHOLD
    except AttributeError:  # not glibc (or no libc): nothing to tune
        pass


def post_request(worker, req, environ, resp):
    """gunicorn's post_request hook: free memory handed back after a large request."""
    libc = _glibc()
    length = environ.get("CONTENT_LENGTH") or "0"
    large = not length.isdigit() or int(length) > _LARGE_REQUEST_BYTES
    if libc is not None and (large or environ.get("HTTP_TRANSFER_ENCODING")):
        # After the answer, off the request's thread: the client is not kept waiting.
        closer = getattr(worker, "_closer", None)
        if closer is None:
            libc.malloc_trim(0)
        else:
            closer.submit(libc.malloc_trim, 0)


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
    """The request did not arrive within the read timeout. A ValueError, so
    that a body read inside the app becomes Werkzeug's ClientDisconnected (the
    app answers 408) rather than an unexpected exception."""


class _DeadlineUnreader(SocketUnreader):
    """Reads a request's bytes for `read_timeout_s` seconds from its first read
    at most, however slowly they come; then RequestTimeout."""

    def __init__(self, sock, settings: Settings, max_chunk=8192):
        super().__init__(sock, max_chunk)
        self.settings = settings
        self.deadline = None

    def chunk(self, size_hint=None):
        read_timeout = self.settings.read_timeout_s
        if self.deadline is None:
            self.deadline = time.monotonic() + read_timeout
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise RequestTimeout(f"the request did not arrive within {read_timeout:g} s")
        self.sock.settimeout(remaining)
        try:
            return super().chunk(size_hint)
        except TimeoutError:
            raise RequestTimeout(f"the request did not arrive within {read_timeout:g} s") from None
        finally:
            self.sock.settimeout(self.settings.send_timeout_s)


class JsonThreadWorker(ThreadWorker):
    """gthread with read deadlines and JSON errors (see the module doc)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.settings = Settings.from_env()

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

    # ---- connections wait for their first byte in the event loop, not in a thread

    def accept(self, listener):
        """Accept what the listener has (a bounded batch), each connection
        into the selector until it sends its first byte; not yet busy."""
        for _ in range(self.cfg.worker_connections):
            try:
                client, address = listener.accept()
            except OSError as error:
                if error.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                    return
                raise
            conn = TConn(self.cfg, client, address, listener.getsockname())
            conn.timeout = time.monotonic() + self.settings.idle_timeout_s
            while len(self.pending_conns) >= self.settings.max_idle:
                self._close_idle(self.pending_conns.popleft())
            self.pending_conns.append(conn)
            self.poller.register(
                conn.sock,
                selectors.EVENT_READ,
                functools.partial(self.on_pending_socket_readable, conn),
            )

    def on_pending_socket_readable(self, conn, client):
        # Busy from here: it counts against worker_connections (= threads).
        self.nr_conns += 1
        super().on_pending_socket_readable(conn, client)

    def murder_pending(self):
        """Close the connections that sent nothing within the idle timeout;
        they were never counted as busy."""
        now = time.monotonic()
        while self.pending_conns and self.pending_conns[0].timeout <= now:
            self._close_idle(self.pending_conns.popleft())

    def _close_idle(self, conn):
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        conn.close()

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
                reader = _DeadlineUnreader(conn.sock, self.settings)
                reader.buf = conn.parser.unreader.buf
                conn.parser.unreader = reader
            conn.sock.settimeout(self.settings.send_timeout_s)

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
