"""Browser-test fixtures: headless Chromium through chromedriver, a live app
server per test module, a screenshot after every test and a console check.

Chromium and chromedriver are /usr/bin/chromium and /usr/bin/chromedriver
unless CHROMIUM_BIN / CHROMEDRIVER_BIN say otherwise. When one is missing the
tests skip with the reason, except under CI=true, where they fail: a CI run
must never pass without having driven a browser.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from pad_driver import CHROME_FLAGS, settle
from werkzeug.serving import make_server

from components.probability_chart import TRANSITION_MS

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"


def _executable(env_name: str, default: str) -> str | None:
    path = os.environ.get(env_name, default)
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else shutil.which(path)


def _require_browser() -> tuple[str, str]:
    chromium = _executable("CHROMIUM_BIN", "/usr/bin/chromium")
    chromedriver = _executable("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
    missing = [
        name
        for name, path in (("chromium", chromium), ("chromedriver", chromedriver))
        if path is None
    ]
    if missing:
        reason = f"browser tests need {' and '.join(missing)} (CHROMIUM_BIN / CHROMEDRIVER_BIN)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; under CI=true this is a failure, not a skip")
        pytest.skip(reason)
    return chromium, chromedriver


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module, with its console log kept."""
    chromium, chromedriver = _require_browser()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:  # selenium is pinned in the dev requirements
        pytest.fail(f"selenium is not installed: {error}")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


class LiveServer:
    """A Dash app's Flask server on a free loopback port, in a thread."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture(autouse=True)
def screenshot_and_console(request):
    """After each browser test: a screenshot under artifacts/browser/, and no console errors."""
    yield
    if "browser" not in request.fixturenames:
        return
    driver = request.getfixturevalue("browser")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # The bars animate to their new heights: picture them where they come to rest.
    settle(3 * TRANSITION_MS / 1000)
    driver.save_screenshot(str(ARTIFACTS / f"{request.node.name}.png"))
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, f"browser console errors: {errors}"
