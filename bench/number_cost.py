"""What a number costs the server next to a single digit (issue 17: a 5-digit
number at most 2x a single digit's server time), at the function level and at
the request level, in one process, interleaved.

Inputs: 5-digit numbers of the model card's held-out writers
(testkit.numbers, as bench.number_reading draws them on the 400 px pad) and
their digits alone, as canvas json_data and as the pad's PNG data URL.

Function level: today's pipeline.predict_canvas / predict_image of one digit,
and model.number.read_canvas_number / read_image_number of one digit and of
the 5-digit number.

Request level: the whole POST /api/predict through the Flask test client of
dashboard.create_app() (body parsing and checks, the reading, JSON encoding,
the after-request hooks). While the route still reads one digit
(pipeline.predict_*), what it would cost with numbers is estimated per body
as: the route's request today, less today's reading and its JSON encoding,
plus read_*_number and the encoding of its answer (NumberReading.to_json).
Medians are combined as medians; the p99 is the route's median overhead plus
the number reading's p99. Once the route answers numbers itself ("number" in
its JSON), its own timings are shown and used instead.

Memory: the process's resident size and its peak (the server's dyno has 512 MB
for all workers).

    .venv/bin/python -m bench.number_cost              # 400 runs per case
    .venv/bin/python -m bench.number_cost --runs 100   # a quick look
"""

import argparse
import itertools
import json
import os
from pathlib import Path

# One BLAS thread, as gunicorn.conf.py gives each server worker; set before NumPy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from bench.number_reading import TARGET_COST_RATIO, true_characters
from bench.preprocess_latency import measure_interleaved, summarise
from model import pipeline
from model.inference import load_classifier
from model.number import read_canvas_number, read_image_number
from model.training import data
from testkit.numbers import HELD_OUT_WRITERS, numbers_of_writers
from testkit.payloads import PAD_SIZE, canvas_json, pad_png_data_url

INPUTS = 20


def cost_inputs(records) -> dict[str, dict[str, list]]:
    """{"one", "five"} x {"canvas", "image"}: INPUTS drawings each."""
    numbers = numbers_of_writers(records, HELD_OUT_WRITERS, 0)
    five = [n.strokes for n in numbers if len(n.text) == 5][:INPUTS]
    one = [g for n in numbers if len(n.text) == 5 for g in true_characters(n)][:INPUTS]
    return {
        size: {
            "canvas": [canvas_json(strokes) for strokes in drawings],
            "image": [pad_png_data_url(strokes) for strokes in drawings],
        }
        for size, drawings in (("one", one), ("five", five))
    }


def body_of(path: str, payload: str) -> bytes:
    if path == "canvas":
        return json.dumps({"canvas": payload, "width": PAD_SIZE, "height": PAD_SIZE}).encode()
    return json.dumps({"image": payload}).encode()


def cases(classifier, client, encode, inputs) -> dict:
    """name -> (call of one input, inputs)."""
    readers = {
        "canvas": (
            lambda p: pipeline.predict_canvas(classifier, p, PAD_SIZE, PAD_SIZE),
            lambda p: read_canvas_number(classifier, p, PAD_SIZE, PAD_SIZE),
        ),
        "image": (
            lambda p: pipeline.predict_image(classifier, p),
            lambda p: read_image_number(classifier, p),
        ),
    }

    def post(body):
        answer = client.post("/api/predict", data=body, content_type="application/json")
        if answer.status_code != 200:
            raise RuntimeError(f"/api/predict answered {answer.status_code}: {answer.data[:200]}")
        return answer

    table = {}
    for path, (today, number) in readers.items():
        for size in ("one", "five"):
            payloads = inputs[size][path]
            bodies = [body_of(path, payload) for payload in payloads]
            table[f"{path} {size}: today's reading"] = (today, payloads)
            table[f"{path} {size}: read_{path}_number"] = (number, payloads)
            table[f"{path} {size}: today's reading + JSON"] = (
                lambda p, read=today: encode(read(p).to_json()),
                payloads,
            )
            table[f"{path} {size}: read_{path}_number + JSON"] = (
                lambda p, read=number: encode(read(p).to_json()),
                payloads,
            )
            table[f"{path} {size}: POST /api/predict"] = (post, bodies)
    return table


def _cycle(read, inputs):
    upcoming = itertools.cycle(inputs)
    return lambda: read(next(upcoming))


def memory_kb() -> dict[str, int]:
    """VmRSS and VmHWM (peak) of this process, in kB."""
    status = Path("/proc/self/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in status if ":" in line)
    return {key: int(fields[key].split()[0]) for key in ("VmRSS", "VmHWM") if key in fields}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", default=str(data.PEN_TRAJECTORIES_PATH))
    parser.add_argument("--runs", type=int, default=400, help="timed calls per case")
    args = parser.parse_args()
    records = json.loads(Path(args.trajectories).read_text())
    inputs = cost_inputs(records)

    from dashboard import create_app  # imports Dash: after the inputs are drawn

    classifier = load_classifier()
    server = create_app({"classifier": classifier}).server
    client = server.test_client()
    before = memory_kb()
    answers_numbers = (
        "number"
        in client.post(
            "/api/predict",
            data=body_of("canvas", inputs["five"]["canvas"][0]),
            content_type="application/json",
        ).get_json()
    )
    table = cases(classifier, client, server.json.dumps, inputs)
    calls = [_cycle(read, payloads) for read, payloads in table.values()]
    times = measure_interleaved(calls, args.runs)
    figures = {name: summarise(samples) for name, samples in zip(table, times, strict=True)}
    after = memory_kb()

    print(f"{args.runs} runs per case, interleaved, one process (median, p99 ms):")
    for name, (median_ms, p99) in figures.items():
        print(f"  {name:44} {median_ms:7.3f} {p99:7.3f}")
    route = "reads numbers" if answers_numbers else "reads one digit (today's pipeline)"
    print(f"/api/predict {route}")
    for path in ("canvas", "image"):
        reader = f"read_{path}_number"
        function = {size: figures[f"{path} {size}: {reader}"] for size in ("one", "five")}
        today_one = figures[f"{path} one: today's reading"]
        request = {}
        for size in ("one", "five"):
            post = figures[f"{path} {size}: POST /api/predict"]
            if answers_numbers:
                request[size] = post
                continue
            today = figures[f"{path} {size}: today's reading + JSON"][0]
            number = figures[f"{path} {size}: {reader} + JSON"]
            overhead = post[0] - today
            request[size] = (overhead + number[0], overhead + number[1])
        print(f"  {path}:")
        print(
            f"    function: today one digit {today_one[0]:.3f} (p99 {today_one[1]:.3f}); "
            f"{reader} one digit {function['one'][0]:.3f} (p99 {function['one'][1]:.3f}), "
            f"5 digits {function['five'][0]:.3f} (p99 {function['five'][1]:.3f}): "
            f"{_ratio(function)}"
        )
        kind = "measured" if answers_numbers else "estimated"
        print(
            f"    request ({kind}): one digit {request['one'][0]:.3f} "
            f"(p99 {request['one'][1]:.3f}), 5 digits {request['five'][0]:.3f} "
            f"(p99 {request['five'][1]:.3f}): {_ratio(request)}"
        )
    print(
        f"memory: resident {after['VmRSS'] / 1024:.1f} MB (at start {before['VmRSS'] / 1024:.1f}), "
        f"peak {after['VmHWM'] / 1024:.1f} MB"
    )


def _ratio(pair: dict) -> str:
    ratio = pair["five"][0] / pair["one"][0]
    verdict = "ok" if ratio <= TARGET_COST_RATIO else "over"
    return (
        f"{ratio:.2f}x median, {pair['five'][1] / pair['one'][1]:.2f}x p99 "
        f"(target {TARGET_COST_RATIO}x: {verdict})"
    )


if __name__ == "__main__":
    main()
