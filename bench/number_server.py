"""Server time of a number next to a single digit (issue 17): POST /api/predict
on the real server, one digit and a 5-digit number, canvas and image.

Starts the app as the Procfile does (gunicorn, gunicorn.conf.py) on a loopback
port. The requests: 5-digit numbers of the writers the shipped model never saw
(testkit.numbers.HELD_OUT_WRITERS, from pen-digits-trajectories.json; the 300
committed pen digits when the data set is absent) drawn on the dashboard's
400 px pad, and each of their digits alone on the same pad; each sent as the
pad's fabric.js json_data ("canvas") and as the pad's PNG export ("image").
One client, one request at a time, each on a fresh connection, the four cases
interleaved in rounds (bench/preprocess_latency.py: measure_interleaved) so
the shared machine's slow spells fall on all of them alike. Reported: median
and p99 of the wall time from the first byte sent to the last received, and
the ratio of the 5-digit number to the one digit. Target: at most 2x.

    .venv/bin/python -m bench.number_server            # 300 requests per case
    .venv/bin/python -m bench.number_server --quick    # a smoke run
"""

import argparse
import itertools
import json
from pathlib import Path

import numpy as np

from bench.number_reading import true_characters
from bench.preprocess_latency import measure_interleaved, summarise
from model.training import data
from testkit.client import raw_post, send
from testkit.fixtures import pen_digits_sample
from testkit.numbers import HELD_OUT_WRITERS, numbers_of_writers, write_number
from testkit.payloads import PAD_SIZE, canvas_json, pad_png_data_url
from testkit.servers import ROOT, GunicornServer, procfile_args

JSON = "application/json"
DIGITS = 5
NUMBERS = 20
TARGET_RATIO = 2.0


def five_digit_numbers(count: int):
    """`count` 5-digit numbers of the held-out writers (or of the committed sample)."""
    if data.PEN_TRAJECTORIES_PATH.is_file():
        records = json.loads(data.PEN_TRAJECTORIES_PATH.read_text())
        numbers = numbers_of_writers(records, HELD_OUT_WRITERS, seed=0)
        return [n for n in numbers if len(n.text) == DIGITS][:count], "held-out writers"
    print(f"no {data.PEN_TRAJECTORIES_PATH.name}: numbers of the committed pen digits instead")
    sample, rng = pen_digits_sample(), np.random.default_rng(0)
    picks = [sample[i : i + DIGITS] for i in range(0, DIGITS * count, DIGITS)]
    return [write_number(digits, rng) for digits in picks], "committed sample"


def bodies(drawings) -> dict[str, list[bytes]]:
    """The drawings (strokes on the pad) as /api/predict requests, canvas and image."""
    canvas = [
        json.dumps({"canvas": canvas_json(s), "width": PAD_SIZE, "height": PAD_SIZE}).encode()
        for s in drawings
    ]
    image = [json.dumps({"image": pad_png_data_url(s)}).encode() for s in drawings]
    return {
        "canvas": [raw_post("/api/predict", body, JSON) for body in canvas],
        "image": [raw_post("/api/predict", body, JSON) for body in image],
    }


def requester(port: int, requests: list[bytes], statuses: list[int]):
    """A call sending the next of `requests` each time, round and round."""
    upcoming = itertools.cycle(requests)

    def call():
        status, _ = send(port, next(upcoming))
        statuses.append(status)

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="requests per case")
    parser.add_argument("--quick", action="store_true", help="60 requests per case")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "artifacts" / "bench" / "number_server.json"
    )
    options = parser.parse_args()
    runs = 60 if options.quick else options.runs

    numbers, source = five_digit_numbers(NUMBERS)
    singles = [digit for number in numbers for digit in true_characters(number)][:NUMBERS]
    one, five = bodies(singles), bodies([number.strokes for number in numbers])
    cases = {
        "canvas, one digit": one["canvas"],
        "canvas, 5 digits": five["canvas"],
        "image, one digit": one["image"],
        "image, 5 digits": five["image"],
    }
    print(f"{len(numbers)} numbers of {DIGITS} digits ({source}), {len(singles)} single digits")
    with GunicornServer(procfile_args()) as server:
        statuses: list[int] = []
        calls = [requester(server.port, requests, statuses) for requests in cases.values()]
        times = measure_interleaved(calls, runs)
    errors = sum(status != 200 for status in statuses)
    figures = {name: summarise(samples) for name, samples in zip(cases, times, strict=True)}
    report = {"source": source, "runs_per_case": runs, "errors": errors, "cases": {}}
    print(f"POST /api/predict, one client, {runs} requests per case, interleaved (ms):")
    for name, (middle, p99) in figures.items():
        report["cases"][name] = {"median_ms": round(middle, 2), "p99_ms": round(p99, 2)}
        print(f"  {name:18s} median {middle:7.2f}   p99 {p99:7.2f}")
    report["ratios_5_over_1"] = {}
    for path in ("canvas", "image"):
        (one_median, one_p99), (five_median, five_p99) = (
            figures[f"{path}, one digit"],
            figures[f"{path}, 5 digits"],
        )
        ratio = five_median / one_median
        verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
        report["ratios_5_over_1"][path] = {
            "median": round(ratio, 2),
            "p99": round(five_p99 / one_p99, 2),
        }
        print(
            f"  {path}: 5 digits / one digit = {ratio:.2f}x median, "
            f"{five_p99 / one_p99:.2f}x p99 (target {TARGET_RATIO}x: {verdict})"
        )
    print(f"errors (not 200): {errors}")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2))
    print(f"written to {options.out}")


if __name__ == "__main__":
    main()
