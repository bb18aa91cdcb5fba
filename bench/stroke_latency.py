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

    .venv/bin/python -m bench.stroke_latency            # 30 digits
    .venv/bin/python -m bench.stroke_latency --digits 10
Target (issue 4): median <= 150 ms.
"""

import argparse
import time

from selenium.webdriver.support.ui import WebDriverWait

# The browser tests' pad driver: the same real input the tests use.
from testkit.browser import (
    clear,
    draw_with_mouse,
    find_browser,
    open_page,
    start_chromium,
    to_canvas,
)
from testkit.fixtures import pen_digits_sample
from testkit.servers import GunicornServer
from testkit.stats import median, percentile

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
    chromium, chromedriver = find_browser()
    if chromium is None or chromedriver is None:
        raise SystemExit("needs chromium and chromedriver (CHROMIUM_BIN / CHROMEDRIVER_BIN)")
    digits = pen_digits_sample()[: args.digits]
    latencies, text_only, settled_all = [], [], []
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
        print(
            f"stroke end -> {name:<32} n={len(values)}  median {median(values):6.1f} ms"
            f"  p99 {percentile(values, 99):6.1f} ms  max {max(values):6.1f} ms"
        )


if __name__ == "__main__":
    main()
