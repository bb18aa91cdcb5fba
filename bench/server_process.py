"""Start and stop a gunicorn server on a free loopback port for the benchmarks.

The server runs exactly as the Procfile starts it (or any other WSGI app and
options), with its log collected on a thread; cold start is measured from
process start to the first 200 from /healthz.
"""

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Self

import psutil

ROOT = Path(__file__).resolve().parent.parent


def procfile_args() -> list[str]:
    line = (ROOT / "Procfile").read_text().strip()
    words = line.partition(":")[2].split()
    return words[1:]  # everything after "gunicorn"


class GunicornServer:
    def __init__(self, args: list[str], env: dict | None = None, health_path: str = "/healthz"):
        self.args = args
        self.env = {**os.environ, **(env or {})}
        self.env.pop("DASH_DEBUG", None)
        self.health_path = health_path
        self.port = None
        self.log: list[str] = []
        self.cold_start_s = None

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
                found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
                if found:
                    self.port = int(found.group(1))
                    listening.set()

        threading.Thread(target=read_log, daemon=True).start()
        deadline = time.monotonic() + 180
        if not listening.wait(180):
            self.__exit__()
            raise RuntimeError("gunicorn did not start:\n" + "".join(self.log))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + "".join(self.log))
            try:
                if self.get(self.health_path) == 200:
                    self.cold_start_s = time.perf_counter() - started
                    return self
            except OSError:
                pass
            time.sleep(0.01)
        self.__exit__()
        raise RuntimeError("no healthy answer:\n" + "".join(self.log))

    def get(self, path: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def workers(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children()

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
