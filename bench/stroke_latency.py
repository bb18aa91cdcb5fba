"""From the end of a stroke to the answer on the page, in headless Chromium.

Starts the app as the Procfile does (gunicorn on a loopback port), opens it in
headless Chromium, and for each of N pen-written digits: clears the pad, draws
the digit with real W3C mouse input, and takes, in the page's own clock
(performance.now()), the time from the stroke's mouseup (recorded by
assets/drawing_pad.js as window.digitPad.strokeEndedAt) to the later of the
predicted digit's text appearing and the probability chart's next change
(the bars drawn at their new heights, with no transition). Prints median and
p99.

With --numbers N it then draws N numbers of two and three digits (pen digits
side by side, testkit.browser.number_on_pad) and takes, from the end of each
number's last stroke, the time until the whole number is in #predicted-digit
and until its character buttons are drawn (the bars keep showing the first
character, so they need not move).

    .venv/bin/python -m bench.stroke_latency            # 30 digits
    .venv/bin/python -m bench.stroke_latency --digits 10 --numbers 10
Targets: median <= 150 ms (issue 4, a digit; issue 17, a number).
"""

import argparse
import time

from selenium.webdriver.support.ui import WebDriverWait

# The browser tests' pad driver: the same real input the tests use.
from model.core.inference import load_classifier
from testkit.browser import (
    clear,
    draw_with_mouse,
    find_browser,
    number_on_pad,
    open_page,
    predicted_digit,
    start_chromium,
    to_canvas,
)
from testkit.fixtures import pen_digits_sample
from testkit.servers import GunicornServer
from testkit.stats import median, percentile

WATCH = """
window.benchAnswer = {text: null, chart: null};
var digit = document.getElementById('predicted-digit');
new MutationObserver(function () {
  if (digit.textContent && window.benchAnswer.text === null) {
    window.benchAnswer.text = performance.now();
  }
}).observe(digit, {childList: true, characterData: true, subtree: true});
var chart = document.getElementById('probability-chart');
// The bars are drawn anew at their new heights (Dash's loading attributes aside).
new MutationObserver(function () {
  if (window.benchAnswer.chart === null) { window.benchAnswer.chart = performance.now(); }
}).observe(chart, {childList: true});
"""

# From the next change on: when the page first shows `arguments[0]`, and when
# it first has `arguments[1]` character buttons.
WATCH_NUMBER = """
var expected = arguments[0], count = arguments[1];
window.benchNumber = {text: null, tiles: null};
var digit = document.getElementById('predicted-digit');
var tiles = document.getElementById('character-tiles');
function look() {
  var now = performance.now();
  if (window.benchNumber.text === null && digit.textContent === expected) {
    window.benchNumber.text = now;
  }
  if (window.benchNumber.tiles === null && tiles.children.length === count) {
    window.benchNumber.tiles = now;
  }
}
new MutationObserver(look).observe(digit, {childList: true, characterData: true, subtree: true});
new MutationObserver(look).observe(tiles, {childList: true, subtree: true});
"""
# Two- and three-digit numbers whose pen digits model.numbers.number reads right
# outside the browser (number_on_pad checks).
NUMBERS = ("42", "305", "17", "86", "913", "250", "74", "639")


def time_numbers(driver, classifier, count: int) -> tuple[list[float], list[float]]:
    """(stroke end -> number shown, stroke end -> buttons drawn) for `count` numbers."""
    drawings = {text: number_on_pad(classifier, text) for text in NUMBERS}
    shown, buttons = [], []
    for turn in range(count):
        text = NUMBERS[turn % len(NUMBERS)]
        strokes = drawings[text]
        clear(driver)
        draw_with_mouse(driver, strokes[:-1])
        # Every stroke but the last answered: only then does the watch start.
        WebDriverWait(driver, 10).until(lambda d: predicted_digit(d) != "")
        time.sleep(0.3)
        if predicted_digit(driver) == text:
            continue  # the number was read before its last stroke: nothing to time
        driver.execute_script(WATCH_NUMBER, text, len(text))
        draw_with_mouse(driver, strokes[-1:])
        WebDriverWait(driver, 10).until(
            lambda d: d.execute_script(
                "var a = window.benchNumber; return a.text !== null && a.tiles !== null;"
            )
        )
        end, at_text, at_tiles = driver.execute_script(
            "var a = window.benchNumber; return [window.digitPad.strokeEndedAt, a.text, a.tiles];"
        )
        shown.append(at_text - end)
        buttons.append(at_tiles - end)
    return shown, buttons


def report(name: str, values: list[float]) -> None:
    if not values:
        print(f"stroke end -> {name:<32} n=0")
        return
    print(
        f"stroke end -> {name:<32} n={len(values)}  median {median(values):6.1f} ms"
        f"  p99 {percentile(values, 99):6.1f} ms  max {max(values):6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=30)
    parser.add_argument("--numbers", type=int, default=0, help="numbers of 2-3 digits to time")
    args = parser.parse_args()
    chromium, chromedriver = find_browser()
    if chromium is None or chromedriver is None:
        raise SystemExit("needs chromium and chromedriver (CHROMIUM_BIN / CHROMEDRIVER_BIN)")
    digits = pen_digits_sample()[: args.digits]
    latencies, text_only = [], []
    with GunicornServer() as server:
        driver = start_chromium(chromium, chromedriver)
        try:
            open_page(driver, f"http://127.0.0.1:{server.port}/")
            for digit in digits:
                clear(driver)
                time.sleep(0.3)  # let the clear's own chart redraw finish
                driver.execute_script(WATCH)
                draw_with_mouse(driver, to_canvas(digit["strokes"]))
                WebDriverWait(driver, 10).until(
                    lambda d: d.execute_script(
                        "var a = window.benchAnswer;return a.text !== null && a.chart !== null;"
                    )
                )
                end, text, chart = driver.execute_script(
                    "var a = window.benchAnswer;"
                    "return [window.digitPad.strokeEndedAt, a.text, a.chart];"
                )
                latencies.append(max(text, chart) - end)
                text_only.append(text - end)
            if args.numbers:
                shown, buttons = time_numbers(driver, load_classifier(), args.numbers)
        finally:
            driver.quit()
    for name, values in (
        ("answer on page (text and bars)", latencies),
        ("digit text", text_only),
    ):
        report(name, values)
    if args.numbers:
        report("number text (2-3 digits)", shown)
        report("number's buttons drawn", buttons)


if __name__ == "__main__":
    main()
