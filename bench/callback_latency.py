"""Server time of the dashboard's predict callback, measured at Dash's own endpoint.

Starts the app as the Procfile does (gunicorn on a loopback port), then posts
the body dash-renderer sends at the end of a stroke to /_dash-update-component,
with the recorded dash-canvas payloads of tests/fixtures/canvas (real json_data
strings, cycled) and, for variety, pen-written digits from the shared dev set
in the same fabric.js form. Prints median and p99 of the wall time of each
request on loopback (an upper bound of the callback's server time), and, side
by side, the time of the callback's own work in this process
(components.callbacks.view_for_drawing: preprocessing, inference, figures).

    .venv/bin/python -m bench.callback_latency               # 400 requests
    .venv/bin/python -m bench.callback_latency --requests 100
Targets (issue 4): median <= 10 ms, p99 <= 30 ms.
"""

import argparse
import http.client
import itertools
import json
import time

from testkit.dash_requests import dash_update_request
from testkit.fixtures import canvas_fixture, canvas_fixture_names, pen_digits_sample
from testkit.payloads import canvas_json, pen_digit_drawings
from testkit.servers import GunicornServer
from testkit.stats import median, percentile


def stroke_body(json_data: str) -> bytes:
    """What dash-renderer posts when the pad sends its drawing."""
    return json.dumps(dash_update_request(json_data)).encode()


def payloads(pen_digits: int) -> list[tuple[str, str]]:
    recorded = [(name, canvas_fixture(name)["json_data"]) for name in canvas_fixture_names()]
    pen = [
        (f"pen-{i}", canvas_json(strokes))
        for i, strokes in enumerate(pen_digit_drawings(pen_digits_sample(), pen_digits))
    ]
    return recorded + pen


def post(port: int, body: bytes) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST", "/_dash-update-component", body, {"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def summary(name: str, seconds: list[float]) -> str:
    ms = [1000 * s for s in seconds]
    return (
        f"{name:<44} n={len(ms):4d}  median {median(ms):6.2f} ms  p99 {percentile(ms, 99):6.2f} ms"
    )


def in_process(items: list[tuple[str, str]], count: int) -> list[float]:
    from components.callbacks import view_for_drawing
    from model.core.inference import load_classifier

    classifier = load_classifier()
    times = []
    for _, json_data in itertools.islice(itertools.cycle(items), count):
        started = time.perf_counter()
        view_for_drawing(classifier, json_data).outputs()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--pen-digits", type=int, default=50)
    args = parser.parse_args()

    items = payloads(args.pen_digits)
    bodies = [(name, stroke_body(json_data)) for name, json_data in items]
    by_name: dict[str, list[float]] = {}
    everything: list[float] = []
    with GunicornServer() as server:
        for _, body in itertools.islice(itertools.cycle(bodies), args.warmup):
            post(server.port, body)
        for name, body in itertools.islice(itertools.cycle(bodies), args.requests):
            started = time.perf_counter()
            status, answer = post(server.port, body)
            elapsed = time.perf_counter() - started
            if status != 200:
                raise SystemExit(f"{name}: HTTP {status}: {answer[:300]!r}")
            json.loads(answer)
            everything.append(elapsed)
            group = name if not name.startswith("pen-") else "pen-digits (generated)"
            by_name.setdefault(group, []).append(elapsed)

    print("POST /_dash-update-component on loopback, gunicorn as in the Procfile:")
    print(summary("all payloads", everything))
    for name, times in sorted(by_name.items()):
        print(summary(f"  {name}", times))
    local = in_process(items, args.requests)
    print("Callback work in process (view_for_drawing + outputs), same payloads:")
    print(summary("all payloads", local))
    ratio = median(everything) / median(local)
    print(f"HTTP round trip / in-process work, medians: {ratio:.2f}x")


if __name__ == "__main__":
    main()
