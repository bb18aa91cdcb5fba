"""Browser-test fixtures: headless Chromium through chromedriver (testkit.browser),
the dashboard served for a test module, a screenshot after every test and a
console check.

When Chromium or chromedriver is missing the tests skip with the reason, except
under CI=true, where they fail: a CI run must never pass without having driven
a browser.
"""

import os
from pathlib import Path

import pytest

import web
from testkit.browser import find_browser, settle, start_chromium
from testkit.servers import LiveServer

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"


def _require_browser() -> tuple[str, str]:
    chromium, chromedriver = find_browser()
    missing = [
        name
        for name, path in (("chromium", chromium), ("chromedriver", chromedriver))
        if path is None
    ]
    if missing:
        reason = (
            f"browser tests need {' and '.join(missing)} (Debian's chromium and "
            "chromium-driver, or CHROMIUM_BIN / CHROMEDRIVER_BIN)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; under CI=true this is a failure, not a skip")
        pytest.skip(reason)
    return chromium, chromedriver


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module, with its console log kept."""
    chromium, chromedriver = _require_browser()
    driver = start_chromium(chromium, chromedriver, log_console=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def live_dashboard(classifier):
    """The dashboard with the shipped model, served on a loopback port for one module."""
    with LiveServer(web.create_app({"classifier": classifier})) as server:
        yield server


@pytest.fixture(autouse=True)
def screenshot_and_console(request):
    """After each browser test: a screenshot under artifacts/browser/, and no console errors."""
    yield
    if "browser" not in request.fixturenames:
        return
    driver = request.getfixturevalue("browser")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settle(0.1)  # the last answer drawn
    driver.save_screenshot(str(ARTIFACTS / f"{request.node.name}.png"))
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, f"browser console errors: {errors}"
