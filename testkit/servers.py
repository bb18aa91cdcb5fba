"""Servers for tests and benchmarks: gunicorn exactly as the Procfile starts it
(a subprocess on a free loopback port), and a Dash app in a thread of this
process (werkzeug) for the browser tests.

GunicornServer collects the server's log on a thread, so its pipe never fills,
and measures cold start from process start to the first 200 from /healthz.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
BOOT_TIMEOUT_S = 120
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def procfile_args() -> list[str]:
    """The Procfile's web command after `gunicorn` (the `release:` line aside)."""
    lines = (ROOT / "Procfile").read_text().splitlines()
    commands = dict(line.partition(":")[::2] for line in lines if line.strip())
    words = commands.get("web", "").split()
    if words[:1] != ["gunicorn"]:
        raise ValueError(f"the Procfile's web process is not gunicorn: {lines!r}")
    return words[1:]


class GunicornServer:
    """`python -m gunicorn ARGS --bind 127.0.0.1:0`, started on enter, stopped on exit."""

    def __init__(self, args: list[str] | None = None, env: dict | None = None):
        self.args = procfile_args() if args is None else args
        self.env = {**os.environ, **(env or {})}
        self.env.pop("DASH_DEBUG", None)
        self.port: int | None = None
        self.log: list[str] = []
        self.cold_start_s: float | None = None
        self.exit_code: int | None = None

    def __enter__(self) -> Self:
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *self.args, "--bind", "127.0.0.1:0"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        listening = threading.Event()

        def read_log():
            for line in self.process.stderr:
                self.log.append(line)
                found = _LISTENING.search(line)
                if found:
                    self.port = int(found.group(1))
                    listening.set()

        threading.Thread(target=read_log, daemon=True).start()
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        try:
            if not listening.wait(BOOT_TIMEOUT_S):
                raise RuntimeError("gunicorn did not start:\n" + self.text())
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited:\n" + self.text())
                try:
                    if self.request("GET", "/healthz")[0] == 200:
                        self.cold_start_s = time.perf_counter() - started
                        return self
                except OSError:
                    pass
                time.sleep(0.01)
            raise RuntimeError("no healthy answer from /healthz:\n" + self.text())
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def request(self, method: str, path: str, body=None, headers=None, timeout: float = 30):
        """(status, headers, body bytes) of one request on a fresh connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def get(self, path: str) -> int:
        return self.request("GET", path)[0]

    def post_json(self, path: str, payload):
        body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
        return self.request("POST", path, body, {"Content-Type": "application/json"})

    def workers(self):
        import psutil  # a test/bench requirement only

        return psutil.Process(self.process.pid).children()

    def stop(self) -> int:
        """SIGTERM, then the exit code (0 for a clean shutdown); killed after 30 s."""
        if self.exit_code is None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
            try:
                self.exit_code = self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.exit_code = self.process.wait()
        return self.exit_code

    def text(self) -> str:
        return "".join(self.log)


class LiveServer:
    """A Dash app's Flask server on a free loopback port, in a thread."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self._server = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
