"""What a first visit costs on the wire: headless Chromium loads the page.

Starts the app as the Procfile does (gunicorn), opens the page in a fresh
headless Chromium (empty cache), waits until the chart and the preview have
been drawn, and reads the browser's own resource timing: for every response,
the bytes that crossed the wire (transferSize: headers and the body as sent,
compressed where it was) and the body once decoded (what an uncompressed
server would have sent). Target (issue 15): at most 2,000 kB on the wire.

    .venv/bin/python -m bench.first_visit
"""

import argparse
import json
import time
from pathlib import Path

from testkit.browser import CHROME_FLAGS
from testkit.servers import ROOT, GunicornServer, procfile_args

TARGET_KB = 2000
ENTRIES = """
return performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'))
    .map(e => [e.name, e.transferSize, e.encodedBodySize, e.decodedBodySize]);
"""


def visit(port: int) -> list:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(f"http://127.0.0.1:{port}/")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            drawn = driver.execute_script(
                "return document.querySelectorAll('.js-plotly-plot .main-svg').length"
            )
            if drawn >= 4:  # both figures, each with its layers
                break
            time.sleep(0.2)
        else:
            log = [entry["message"][:300] for entry in driver.get_log("browser")]
            loaded = [row[0].split("/")[-1][:50] for row in driver.execute_script(ENTRIES)]
            raise RuntimeError(f"the page did not draw its figures in 60 s: {log} {loaded}")
        time.sleep(1.0)  # anything still loading after the first draw
        return driver.execute_script(ENTRIES)
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "visit.json")
    options = parser.parse_args()
    with GunicornServer(procfile_args()) as server:
        entries = visit(server.port)
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
        "met": wire / 1000 <= TARGET_KB,
        "largest": [(row[0].split("?")[0], row[1]) for row in rows[:5]],
    }
    print(json.dumps(report, indent=2))
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
