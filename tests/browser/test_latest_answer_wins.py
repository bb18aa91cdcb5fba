"""A slow answer for an earlier drawing never replaces the answer for the latest one.

The app's classifier is wrapped so its first call is held until the test lets
it go: the first digit's answer arrives only after the pad was cleared and a
second digit drawn and answered. The page must keep showing the second digit.
"""

import threading
import time

import pytest

import web
from components import ids
from testkit.browser import (
    clear,
    draw_with_mouse,
    open_page,
    pick_samples,
    predicted_digit,
    wait_for_digit,
)
from testkit.servers import LiveServer

HOLD_LIMIT_SECONDS = 30
FIRST, SECOND = 4, 7


class HeldFirstAnswer:
    """Delegates to a classifier; its first call (predict or predict_batch: the
    page reads numbers in one batch) waits until `release` is set."""

    def __init__(self, classifier):
        self._classifier = classifier
        self._lock = threading.Lock()
        self._calls = 0
        self.release = threading.Event()
        self.first_answered = threading.Event()
        self.card = classifier.card

    def _held(self, call, argument):
        with self._lock:
            self._calls += 1
            first = self._calls == 1
        if first:
            self.release.wait(HOLD_LIMIT_SECONDS)
        outputs = call(argument)
        if first:
            self.first_answered.set()
        return outputs

    def predict(self, image):
        return self._held(self._classifier.predict, image)

    def predict_batch(self, images):
        return self._held(self._classifier.predict_batch, images)


@pytest.fixture(scope="module")
def held(classifier):
    return HeldFirstAnswer(classifier)


@pytest.fixture(scope="module")
def page(browser, held):
    with LiveServer(web.create_app({"classifier": held})) as server:
        open_page(browser, server.url)
        yield browser
        held.release.set()


def test_late_answer_for_an_earlier_drawing_is_dropped(page, held, classifier):
    samples = pick_samples(classifier, (FIRST, SECOND))
    page.execute_script(
        "window.seenDigits = [];"
        "new MutationObserver(function () {"
        "  window.seenDigits.push(document.getElementById(arguments[0]).textContent);"
        "}.bind(null, arguments[0])).observe(document.getElementById(arguments[0]),"
        "  {childList: true, characterData: true, subtree: true});",
        ids.PREDICTED_DIGIT,
    )
    draw_with_mouse(page, samples[FIRST])  # its answer is held on the server
    clear(page)  # waits until the pad is empty
    draw_with_mouse(page, samples[SECOND])
    wait_for_digit(page, str(SECOND))
    assert not held.first_answered.is_set()
    held.release.set()
    assert held.first_answered.wait(10)
    time.sleep(1.0)  # time for the late answer to reach the page, were it to be shown
    assert predicted_digit(page) == str(SECOND)
    seen = page.execute_script("return window.seenDigits;")
    assert str(FIRST) not in seen, f"the stale answer was shown: {seen}"
