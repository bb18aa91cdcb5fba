"""From the end of a stroke to the answer on the page, in headless Chromium.

Starts the app as the Procfile does (gunicorn on a loopback port), opens it in
headless Chromium, and for each of N pen-written digits: clears the pad, draws
the digit with real W3C mouse input, and takes, in the page's own clock
(performance.now()), the time from the stroke's mouseup (recorded by
assets/drawing_pad.js as window.digitPad.strokeEndedAt) to the later of the
predicted digit's text appearing and the probability chart's next redraw
(plotly_transitioning: the bars start moving to their new heights), and the
time until the chart has settled (plotly_afterplot, after its short
transition). Prints median and p99.

    .venv/bin/python bench/stroke_latency.py              # 30 digits
    .venv/bin/python bench/stroke_latency.py --digits 10
Target (issue 4): median <= 150 ms.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from server_process import GunicornServer, procfile_args

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

# The browser tests' pad driver: the same real input the tests use.
from pad_driver import (  # noqa: E402
    CHROME_FLAGS,
    clear,
    draw_with_mouse,
    load_pen_digits,
    open_page,
    to_canvas,
)
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WATCH = """
window.benchAnswer = {text: null, chart: null, settled: null};
var digit = document.getElementById('predicted-digit');
new MutationObserver(function () {
  if (digit.textContent && window.benchAnswer.text === null) {
    window.benchAnswer.text = performance.now();
  }
}).observe(digit, {childList: true, characterData: true, subtree: true});
var chart = document.querySelector('#probability-chart .js-plotly-plot');
// The bars start moving to their new heights (a short transition), then settle.
chart.once('plotly_transitioning', function () { window.benchAnswer.chart = performance.now(); });
chart.once('plotly_afterplot', function () { window.benchAnswer.settled = performance.now(); });
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=30)
    args = parser.parse_args()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    digits = load_pen_digits()[: args.digits]
    latencies, text_only, settled_all = [], [], []
    with GunicornServer(procfile_args()) as server:
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            open_page(driver, f"http://127.0.0.1:{server.port}/")
            for digit in digits:
                clear(driver)
                time.sleep(0.3)  # let the clear's own chart redraw finish
                driver.execute_script(WATCH)
                draw_with_mouse(driver, to_canvas(digit["strokes"]))
                WebDriverWait(driver, 10).until(
                    lambda d: d.execute_script(
                        "var a = window.benchAnswer;"
                        "return a.text !== null && a.chart !== null && a.settled !== null;"
                    )
                )
                end, text, chart, settled = driver.execute_script(
                    "var a = window.benchAnswer;"
                    "return [window.digitPad.strokeEndedAt, a.text, a.chart, a.settled];"
                )
                latencies.append(max(text, chart) - end)
                text_only.append(text - end)
                settled_all.append(settled - end)
        finally:
            driver.quit()
    for name, values in (
        ("answer on page (text, bars moving)", latencies),
        ("digit text", text_only),
        ("chart settled", settled_all),
    ):
        ms = sorted(values)
        p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
        print(
            f"stroke end -> {name:<32} n={len(ms)}  median {statistics.median(ms):6.1f} ms"
            f"  p99 {p99:6.1f} ms  max {ms[-1]:6.1f} ms"
        )


if __name__ == "__main__":
    main()
