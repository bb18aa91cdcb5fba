"""The README's promises: `make run` serves the dashboard, and CI runs `make test`."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def test_make_run_serves_the_dashboard_page():
    port = _free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
    server = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # so the whole group (make and python) can be stopped
    )
    try:
        deadline = time.monotonic() + 120  # a fresh machine installs requirements first
        while True:
            try:
                status, page = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"make run did not serve the page: {server.stderr.read()[-2000:]}")
                time.sleep(0.5)
        assert status == 200
        assert "<title>Digit reader</title>" in page
        _, layout = _get(f"http://127.0.0.1:{port}/_dash-layout")
        for element_id in ("drawing-pad", "predicted-digit", "probability-chart", "input-preview"):
            assert f'"{element_id}"' in layout
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^make (run|test)$", readme, flags=re.MULTILINE)
    assert {"run", "test"} <= set(commands), "the README shows `make run` and `make test`"
    ci_commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert ci_commands[-1] == "make test"
