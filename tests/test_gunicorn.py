"""The real server: gunicorn with the Procfile's settings on a free loopback
port, a few requests over HTTP, and a clean shutdown."""

import http.client
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BOOT_TIMEOUT_S = 60
CANVAS = json.dumps(
    {
        "version": "1.7.3",
        "objects": [
            {
                "type": "path",
                "stroke": "#000",
                "strokeWidth": 18,
                "path": [["M", 140, 40], ["Q", 140, 40, 141, 140], ["L", 142, 240]],
            }
        ],
    }
)


def require_gunicorn() -> None:
    if importlib.util.find_spec("gunicorn") is not None:
        return
    message = "gunicorn is not installed; it is the production server (requirements.txt)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def procfile_command() -> list[str]:
    """The Procfile's web command, run with this interpreter's gunicorn."""
    line = (ROOT / "Procfile").read_text().strip()
    kind, _, command = line.partition(":")
    assert kind == "web"
    words = command.split()
    assert words[0] == "gunicorn"
    return [sys.executable, "-m", "gunicorn", *words[1:]]


class Server:
    """A gunicorn process whose log is collected on a thread (so its pipe never fills)."""

    def __init__(self, command: list[str], env: dict):
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
        )
        self.log: list[str] = []
        self._listening = threading.Event()
        self.port = None
        threading.Thread(target=self._read_log, daemon=True).start()

    def _read_log(self):
        for line in self.process.stderr:
            self.log.append(line)
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
                self._listening.set()

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        assert self._listening.wait(BOOT_TIMEOUT_S), "gunicorn did not start:\n" + self.text()
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn exited:\n" + self.text()
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail("no healthy answer from /healthz:\n" + self.text())

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def post_json(self, path, payload):
        body = json.dumps(payload) if not isinstance(payload, (str, bytes)) else payload
        return self.request("POST", path, body, {"Content-Type": "application/json"})

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def text(self) -> str:
        return "".join(self.log)


@pytest.fixture(scope="module")
def server():
    require_gunicorn()
    env = {**os.environ, "WEB_CONCURRENCY": "2"}
    env.pop("DASH_DEBUG", None)
    running = Server([*procfile_command(), "--bind", "127.0.0.1:0"], env)
    try:
        running.wait_until_healthy()
        yield running
    finally:
        code = running.stop()
        assert code == 0, "gunicorn did not shut down cleanly:\n" + running.text()


def test_gunicorn_serves_predictions_and_survives_bad_requests(server):
    status, headers, body = server.request("GET", "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    assert headers["X-Content-Type-Options"] == "nosniff"

    status, headers, body = server.request("GET", "/")
    assert status == 200
    assert b'<script id="_dash-config"' in body

    status, _, body = server.post_json("/api/predict", {"canvas": CANVAS, "width": 280})
    assert status == 200
    first = json.loads(body)
    assert first["empty"] is False
    assert first["digit"] in range(10)
    assert abs(sum(first["probabilities"]) - 1.0) < 1e-4

    bad_requests = [
        ("not json", 400, "not valid JSON"),
        ([1, 2, 3], 400, "must be an object"),
        ({"image": "data:image/png;base64,!!"}, 400, "not valid base64"),
        ({"canvas": '{"objects": [{"type": "path", "path": [["M", NaN, 1]]}]}'}, 400, "NaN"),
        ({"canvas": {"objects": [{"type": "path", "path": [["M"], ["a"]]}]}}, 400, "path"),
    ]
    for payload, expected_status, says in bad_requests:
        status, headers, body = server.post_json("/api/predict", payload)
        assert status == expected_status
        assert headers["Content-Type"] == "application/json"
        assert says in json.loads(body)["error"]

    status, _, body = server.request("GET", "/api/predict")
    assert status == 405
    assert "use POST" in json.loads(body)["error"]

    # The same drawing still gets the same answer after all of that.
    status, _, body = server.post_json("/api/predict", {"canvas": CANVAS, "width": 280})
    assert status == 200
    assert json.loads(body) == first
    assert "Traceback" not in server.text()


def test_gunicorn_runs_without_debug(server):
    status, headers, body = server.request(
        "POST", "/predict", b"digit=nothing", {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 400
    assert b"Werkzeug" not in body
    assert "Werkzeug" not in headers.get("Server", "")
    assert "not valid base64" in json.loads(body)["error"]
