"""What a first visit costs on the wire: headless Chromium loads the page.

Starts the app as the Procfile does (gunicorn), opens the page in a fresh
headless Chromium (empty cache), waits until the pad, the bars and the preview
are on the page, and reads the browser's own resource timing: for every
response, the bytes that crossed the wire (transferSize: headers and the body as
sent, compressed where it was) and the body once decoded (what an uncompressed
server would have sent). It also says when the pad was first on screen (a
drawable canvas, from the start of navigation, seen at the next animation
frame). Targets (issue 29): at most 800 kB on the wire, and the pad on screen
within 1.5 s on loopback.

    .venv/bin/python -m bench.first_visit
"""

import argparse
import json
import time
from pathlib import Path

from testkit.browser import CHROME_FLAGS
from testkit.servers import ROOT, GunicornServer, procfile_args

TARGET_KB = 800
TARGET_PAD_MS = 1500
ENTRIES = """
return performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'))
    .map(e => [e.name, e.transferSize, e.encodedBodySize, e.decodedBodySize]);
"""

# Before the page's own scripts: note the first animation frame at which the pad
# is a drawable canvas with a size (performance.now(): ms since navigation began).
PAD_WATCH = """
window.padShownAt = null;
(function watch() {
  var c = document.querySelector('#drawing-pad canvas.upper-canvas');
  if (c && c.width > 0 && c.getBoundingClientRect().height > 0) {
    window.padShownAt = performance.now();
    return;
  }
  requestAnimationFrame(watch);
}());
"""
READY = """
return window.padShownAt !== null
    && document.querySelectorAll('#probability-chart .bar').length === 10
    && !!document.querySelector('#input-preview[src^="data:image/png"]');
"""


def visit(port: int) -> tuple[list, float]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PAD_WATCH})
        driver.get(f"http://127.0.0.1:{port}/")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if driver.execute_script(READY):
                break
            time.sleep(0.2)
        else:
            log = [entry["message"][:300] for entry in driver.get_log("browser")]
            loaded = [row[0].split("/")[-1][:50] for row in driver.execute_script(ENTRIES)]
            raise RuntimeError(f"the page did not show its pad and bars in 60 s: {log} {loaded}")
        time.sleep(1.0)  # anything still loading after the first draw
        return driver.execute_script(ENTRIES), driver.execute_script("return window.padShownAt;")
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "visit.json")
    options = parser.parse_args()
    with GunicornServer(procfile_args()) as server:
        entries, pad_ms = visit(server.port)
    rows = sorted(entries, key=lambda row: -row[1])
    wire = sum(row[1] for row in rows)
    decoded = sum(row[3] for row in rows)
    for name, transfer, _, body in rows:
        short = name.split("127.0.0.1:")[-1].split("?")[0]
        print(f"{transfer / 1000:9.1f} kB on the wire {body / 1000:9.1f} kB decoded  {short}")
    report = {
        "requests": len(rows),
        "wire_kB": round(wire / 1000, 1),
        "decoded_kB": round(decoded / 1000, 1),
        "target_kB": TARGET_KB,
        "pad_on_screen_ms": round(pad_ms),
        "target_pad_ms": TARGET_PAD_MS,
        "met": wire / 1000 <= TARGET_KB and pad_ms <= TARGET_PAD_MS,
        "largest": [(row[0].split("?")[0], row[1]) for row in rows[:5]],
    }
    print(json.dumps(report, indent=2))
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
