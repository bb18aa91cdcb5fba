"""Reading whole numbers (issue 17): how many are read exactly, that single digits
lose nothing, and what a number costs next to a digit.

Numbers: every digit of the writers the shipped model never saw (its card's
held-out writers, testkit.numbers.HELD_OUT_WRITERS) in
pen-digits-trajectories.json used once, in numbers of 2 to 5 digits of one
writer (testkit/numbers.py: as written, gaps from touching to wide, a
wandering baseline), drawn on the dashboard's 400 px pad. Read through the
canvas (fabric.js json_data, model.numbers.number.read_canvas_number) and through an
image (the pad exported as a PNG data URL with its 12 px pen,
read_image_number). Beside each rate, the rate with the true characters
given: every digit's strokes alone through today's single-digit path (what
perfect splitting would reach).

Single digits lose nothing: the held-out writers' pen digits as written, read
as numbers, should be one character with the right digit as often as the model
card's pen_writers_heldout_accuracy says they are read one at a time.

Single digits: all 7,494 pen digits as written (real strokes, on the pad)
through the canvas and the image path: how many are read as one character,
and whether the answer equals today's Prediction; the 300 committed pen
digits and the recorded canvas fixtures likewise.

Cost: in one process, interleaved, median and p99 of reading a single digit
and a 5-digit number (held-out writers), canvas and image, next to today's
predict_canvas / predict_image of the single digit. Target (issue 17): a
5-digit number at most 2x a single digit.

    .venv/bin/python -m bench.number_reading             # a few minutes
    .venv/bin/python -m bench.number_reading --quick     # a smoke run
"""

import argparse
import itertools
import json
import os
from collections import Counter
from functools import partial
from pathlib import Path

# One BLAS thread, as gunicorn.conf.py gives each server worker; set before NumPy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from bench.preprocess_latency import measure_interleaved, summarise
from model.core.inference import load_classifier
from model.numbers.number import read_canvas_number, read_image_number
from model.training import data
from testkit.fixtures import canvas_fixture, canvas_fixture_names, pen_digits_sample
from testkit.numbers import HELD_OUT_WRITERS, numbers_of_writers
from testkit.payloads import (
    PAD_SIZE,
    canvas_json,
    densify_by_step,
    pad_png_data_url,
    place_on_pad,
)
from testkit.predict import predict_canvas, predict_image

TARGET_CANVAS = 0.95
TARGET_IMAGE = 0.92
TARGET_COST_RATIO = 2.0
# Tablet pixels (500 a side) to the pen sample's 0..100.
TABLET_TO_SAMPLE = 1 / 5.0


def true_characters(number) -> list[list[np.ndarray]]:
    """The number's strokes, grouped by the digit they were written for."""
    groups = [[] for _ in number.boxes]
    for stroke in number.strokes:
        middle = (stroke.min(axis=0) + stroke.max(axis=0)) / 2
        distance = [max(x0 - middle[0], 0, middle[0] - x1) for x0, _, x1, _ in number.boxes]
        groups[int(np.argmin(distance))].append(stroke)
    return groups


def read_numbers(classifier, numbers) -> dict:
    counts = Counter()
    by_length = Counter()
    for number in numbers:
        length = len(number.text)
        by_length[length] += 1
        canvas = read_canvas_number(classifier, canvas_json(number.strokes), PAD_SIZE, PAD_SIZE)
        image = read_image_number(classifier, pad_png_data_url(number.strokes))
        for path, reading in (("canvas", canvas), ("image", image)):
            counts[path] += reading.number == number.text
            counts[f"{path} {length}"] += reading.number == number.text
            found = len(reading.characters)
            counts[f"{path} fewer"] += found < length
            counts[f"{path} more"] += found > length
        alone = true_characters(number)
        counts["canvas given"] += (
            "".join(
                str(predict_canvas(classifier, canvas_json(g), PAD_SIZE, PAD_SIZE).digit)
                for g in alone
            )
            == number.text
        )
        counts["image given"] += (
            "".join(str(predict_image(classifier, pad_png_data_url(g)).digit) for g in alone)
            == number.text
        )
    return {"counts": counts, "by_length": by_length, "total": len(numbers)}


def single_digits(classifier, records) -> Counter:
    counts = Counter()
    for record in records:
        strokes = place_on_pad([np.asarray(s) * TABLET_TO_SAMPLE for s in record["strokes"]])
        payload, url = canvas_json(strokes), pad_png_data_url(strokes)
        canvas = read_canvas_number(classifier, payload, PAD_SIZE, PAD_SIZE)
        image = read_image_number(classifier, url)
        counts["canvas one"] += len(canvas.characters) == 1
        counts["image one"] += len(image.characters) == 1
        today_canvas = predict_canvas(classifier, payload, PAD_SIZE, PAD_SIZE)
        counts["canvas same"] += _same(canvas, today_canvas)
        counts["image same"] += _same(image, predict_image(classifier, url))
        counts[f"{len(record['strokes'])} strokes"] += 1
        counts[f"{len(record['strokes'])} strokes one"] += len(canvas.characters) == 1
    return counts


def held_out_singles(classifier, records) -> Counter:
    """The held-out writers' pen digits as written, each read as a number: how
    many are one character with the right digit (against the model card's
    pen_writers_heldout_accuracy, which reads them one at a time)."""
    counts = Counter()
    for record in records:
        if record["writer"] not in HELD_OUT_WRITERS:
            continue
        strokes = place_on_pad([np.asarray(s) * TABLET_TO_SAMPLE for s in record["strokes"]])
        right = str(record["label"])
        counts["total"] += 1
        canvas = read_canvas_number(classifier, canvas_json(strokes), PAD_SIZE, PAD_SIZE)
        counts["canvas"] += canvas.number == right
        counts["image"] += read_image_number(classifier, pad_png_data_url(strokes)).number == right
    return counts


def _same(reading, prediction) -> bool:
    fields = ("digit", "confidence", "probabilities", "empty")
    ours, today = reading.to_json(), prediction.to_json()
    return all(ours[field] == today[field] for field in fields)


def committed_samples(classifier) -> Counter:
    counts = Counter()
    for digit in pen_digits_sample():
        strokes = [densify_by_step(s, 4.0) for s in place_on_pad(digit["strokes"])]
        reading = read_canvas_number(classifier, canvas_json(strokes), PAD_SIZE, PAD_SIZE)
        counts["sample one"] += len(reading.characters) == 1
        image = read_image_number(classifier, pad_png_data_url(strokes))
        counts["sample image one"] += len(image.characters) == 1
    for name in canvas_fixture_names(drawn_digits_only=True):
        record = canvas_fixture(name)
        args = (record["json_data"], record["width"], record["height"])
        reading = read_canvas_number(classifier, *args)
        counts["fixtures"] += 1
        counts["fixtures one and same"] += len(reading.characters) == 1 and _same(
            reading, predict_canvas(classifier, *args)
        )
    return counts


def cost(classifier, numbers, runs: int) -> list[tuple[str, tuple[float, float]]]:
    """(case, (median ms, p99 ms)) for single digits and 5-digit numbers."""
    five = [n for n in numbers if len(n.text) == 5][:20]
    singles = [g for n in five for g in true_characters(n)][:20]
    one_payloads = [canvas_json(g) for g in singles]
    five_payloads = [canvas_json(n.strokes) for n in five]
    one_urls = [pad_png_data_url(g) for g in singles]
    five_urls = [pad_png_data_url(n.strokes) for n in five]
    canvas_today = partial(predict_canvas, classifier, width=PAD_SIZE, height=PAD_SIZE)
    canvas_number = partial(read_canvas_number, classifier, width=PAD_SIZE, height=PAD_SIZE)
    image_today = partial(predict_image, classifier)
    image_number = partial(read_image_number, classifier)
    cases = {
        "today: predict_canvas, one digit": (canvas_today, one_payloads),
        "read_canvas_number, one digit": (canvas_number, one_payloads),
        "read_canvas_number, 5 digits": (canvas_number, five_payloads),
        "today: predict_image, one digit": (image_today, one_urls),
        "read_image_number, one digit": (image_number, one_urls),
        "read_image_number, 5 digits": (image_number, five_urls),
    }
    calls = [_cycle(read, inputs) for read, inputs in cases.values()]
    times = measure_interleaved(calls, runs)
    return [(name, summarise(samples)) for name, samples in zip(cases, times, strict=True)]


def _cycle(read, inputs):
    """A call reading the next of `inputs` each time, round and round."""
    upcoming = itertools.cycle(inputs)
    return lambda: read(next(upcoming))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", default=str(data.PEN_TRAJECTORIES_PATH))
    parser.add_argument("--seeds", type=int, default=3, help="shuffles of the writers' digits")
    parser.add_argument("--runs", type=int, default=400, help="timed calls per cost case")
    parser.add_argument("--quick", action="store_true", help="one shuffle, 1 in 10 single digits")
    args = parser.parse_args()
    records = json.loads(Path(args.trajectories).read_text())
    classifier = load_classifier()
    seeds = 1 if args.quick else args.seeds

    print(f"numbers of held-out writers {HELD_OUT_WRITERS}, {seeds} shuffle(s) of their digits")
    numbers = []
    for seed in range(seeds):
        numbers += numbers_of_writers(records, HELD_OUT_WRITERS, seed)
    result = read_numbers(classifier, numbers)
    counts, total = result["counts"], result["total"]
    for path, target in (("canvas", TARGET_CANVAS), ("image", TARGET_IMAGE)):
        rate = counts[path] / total
        verdict = "ok" if rate >= target else "UNDER TARGET"
        print(
            f"  {path:6} read exactly {counts[path]}/{total} = {rate:.2%} (target {target:.0%}: "
            f"{verdict}); with the true characters given {counts[path + ' given'] / total:.2%}; "
            f"too few characters {counts[path + ' fewer']}, too many {counts[path + ' more']}"
        )
        lengths = ", ".join(
            f"{length} digits {counts[f'{path} {length}'] / n:.1%} of {n}"
            for length, n in sorted(result["by_length"].items())
        )
        print(f"         by length: {lengths}")

    chosen = records if not args.quick else records[::10]
    singles = single_digits(classifier, chosen)
    print(f"single pen digits as written ({len(chosen)}, real strokes, on the pad):")
    for path in ("canvas", "image"):
        print(
            f"  {path:6} one character {singles[path + ' one']}/{len(chosen)} = "
            f"{singles[path + ' one'] / len(chosen):.2%}; the same answer as today "
            f"{singles[path + ' same']}/{len(chosen)}"
        )
    for strokes in (1, 2, 3):
        n = singles[f"{strokes} strokes"]
        if n:
            one = singles[f"{strokes} strokes one"]
            print(f"  canvas, written in {strokes} stroke(s): one character {one}/{n}")
    held = held_out_singles(classifier, records if not args.quick else records[::5])
    card = classifier.card.get("pen_writers_heldout_accuracy")
    print(
        f"held-out writers' single digits ({held['total']}) read as one character, the right "
        f"digit: canvas {held['canvas'] / held['total']:.2%}, image "
        f"{held['image'] / held['total']:.2%} (model card, one digit at a time: "
        f"{card if card is None else f'{card:.2%}'})"
    )
    committed = committed_samples(classifier)
    print(
        f"committed pen sample: one character {committed['sample one']}/300 (canvas), "
        f"{committed['sample image one']}/300 (image); recorded canvas fixtures one character "
        f"and today's answer {committed['fixtures one and same']}/{committed['fixtures']}"
    )

    runs = 50 if args.quick else args.runs
    print(f"cost, in one process, {runs} runs per case (median, p99 ms):")
    figures = dict(cost(classifier, numbers, runs))
    for name, (median_ms, p99) in figures.items():
        print(f"  {name:36} {median_ms:7.3f} {p99:7.3f}")
    for path in ("canvas", "image"):
        reader = f"read_{path}_number"
        one, five = figures[f"{reader}, one digit"], figures[f"{reader}, 5 digits"]
        ratio = five[0] / one[0]
        verdict = "ok" if ratio <= TARGET_COST_RATIO else "OVER TARGET"
        print(
            f"  {path}: 5 digits / one digit = {ratio:.2f}x median, {five[1] / one[1]:.2f}x p99 "
            f"(target {TARGET_COST_RATIO}x: {verdict})"
        )


if __name__ == "__main__":
    main()
