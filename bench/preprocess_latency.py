"""Preprocessing latency: drawing in, the model's 28x28 input out, in one process.

Measures, side by side in one run, the median and p99 wall time of
  - preprocess_canvas on each recorded dash-canvas fixture (400x400 pad),
  - preprocess_canvas on a typical 280x280 canvas (a recorded drawing scaled to 280 px),
  - preprocess_image on a 280x280 PNG data URL (a transparent canvas export drawn with Pillow),
and, as the naive baseline, dash_canvas.utils.parse_jsonstring (a full-size boolean mask)
followed by skimage.transform.resize to 28x28 on the same payloads. dash-canvas 0.1.0
uses np.bool (removed in NumPy 1.24, back as an alias of np.bool_ since NumPy 2.0): if the
baseline cannot run with the installed NumPy, the output says so and why.

Targets (issue 3): median <= 1 ms for a typical canvas, <= 2 ms for a PNG data URL.

    .venv/bin/python -m bench.preprocess_latency              # 2,000 runs per case
    .venv/bin/python -m bench.preprocess_latency --runs 200   # a quick look
"""

import argparse
import json
import os
import time

# One BLAS thread, as gunicorn.conf.py gives each server worker; set before NumPy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from model.character.preprocess import preprocess_canvas, preprocess_image
from model.inputs.canvas import parse_canvas
from testkit.fixtures import canvas_fixture, canvas_fixture_names
from testkit.payloads import draw_strokes, png_data_url
from testkit.stats import median, percentile

TARGET_CANVAS_MS = 1.0
TARGET_IMAGE_MS = 2.0


def scaled_payload(json_data: str, factor: float) -> str:
    """The same drawing on a canvas `factor` times the size (every coordinate scaled,
    then rounded to the 3 decimals fabric.js writes, as in the recorded payloads)."""
    data = json.loads(json_data)
    for obj in data["objects"]:
        for key in ("left", "top", "width", "height"):
            obj[key] = round(obj[key] * factor, 3)
        obj["path"] = [
            [command[0]] + [round(value * factor, 3) for value in command[1:]]
            for command in obj["path"]
        ]
    return json.dumps(data)


def canvas_export_url(json_data: str, side: int, pen: float) -> str:
    """A transparent side x side PNG of the drawing, as a browser canvas export looks."""
    image = draw_strokes(
        parse_canvas(json_data), side, pen, mode="RGBA", background=(0, 0, 0, 0), ink=(0, 0, 0, 255)
    )
    return png_data_url(image)


def naive_canvas(json_data: str, side: int) -> np.ndarray:
    """What the dash-canvas docs suggest: a full-size mask, then a plain resize."""
    from dash_canvas.utils import parse_jsonstring
    from skimage.transform import resize

    mask = parse_jsonstring(json_data, shape=(side, side))
    return resize(mask.astype(np.float32), (28, 28), anti_aliasing=True)


def measure(call, runs: int) -> tuple[float, float]:
    """(median, p99) in milliseconds of `runs` calls, after a few warm-up calls."""
    return summarise(measure_interleaved([call], runs)[0])


def measure_interleaved(calls, runs: int, chunk: int = 50) -> list[list[float]]:
    """Milliseconds of `runs` calls of each of `calls`, taken in rounds of `chunk`
    calls of each in turn: the shared machine's slow and fast spells fall on every
    case alike rather than on whichever ran during them, and each chunk still
    runs warm, as a server's steady stream of one kind of request does."""
    for call in calls:
        for _ in range(min(20, runs)):
            call()
    times = [[] for _ in calls]
    for done in range(0, runs, chunk):
        for call, samples in zip(calls, times, strict=True):
            for _ in range(min(chunk, runs - done)):
                start = time.perf_counter_ns()
                call()
                samples.append((time.perf_counter_ns() - start) / 1e6)
    return times


def summarise(samples: list[float]) -> tuple[float, float]:
    """(median, p99) of the samples."""
    return median(samples), percentile(samples, 99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="timed calls per case")
    args = parser.parse_args()

    records = {name: canvas_fixture(name) for name in canvas_fixture_names()}
    cases = []  # (name, kind, our call, naive call or None)
    for name, record in records.items():
        if name == "touch_broken_two":
            continue  # bad input: timed by the error path below
        cases.append(
            (
                f"canvas {name} ({record['width']}px)",
                "canvas",
                lambda r=record: preprocess_canvas(r["json_data"], r["width"], r["height"]),
                lambda r=record: naive_canvas(r["json_data"], r["width"]),
            )
        )
    typical = scaled_payload(records["seven_brush12"]["json_data"], 0.7)
    cases.append(
        (
            "canvas typical 280px (seven, 2 strokes)",
            "canvas",
            lambda: preprocess_canvas(typical, 280, 280),
            lambda: naive_canvas(typical, 280),
        )
    )
    url = canvas_export_url(typical, 280, 12 * 0.7)
    cases.append(
        (
            f"image PNG data URL 280px ({len(url)} chars)",
            "image",
            lambda: preprocess_image(url),
            None,
        )
    )
    broken = records["touch_broken_two"]["json_data"]

    def refuse_broken():
        try:
            preprocess_canvas(broken)
        except ValueError:  # InvalidInput, expected
            return

    cases.append(("canvas touch_broken_two (refused)", "error", refuse_broken, None))

    print(f"preprocessing latency, {args.runs} runs per case, one thread, NumPy {np.__version__}")
    header = f"{'case':<48} {'median ms':>10} {'p99 ms':>8} {'naive median':>13} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    naive_failure = None
    ours_times = measure_interleaved([ours for _, _, ours, _ in cases], args.runs)
    for (name, kind, _, naive), samples in zip(cases, ours_times, strict=True):
        median_ms, p99 = summarise(samples)
        naive_text, ratio_text = "-", "-"
        if naive is not None and naive_failure is None:
            try:
                naive_median, _ = measure(naive, max(20, args.runs // 10))
            except Exception as error:
                naive_failure = f"{type(error).__name__}: {error}"
            else:
                naive_text = f"{naive_median:.3f}"
                ratio_text = f"{naive_median / median_ms:.1f}x"
        target = {"canvas": TARGET_CANVAS_MS, "image": TARGET_IMAGE_MS}.get(kind)
        verdict = "" if target is None else ("  ok" if median_ms <= target else "  OVER TARGET")
        row = f"{name:<48} {median_ms:>10.3f} {p99:>8.3f} {naive_text:>13} {ratio_text:>7}"
        print(row + verdict)
    print(
        f"targets: canvas median <= {TARGET_CANVAS_MS} ms, PNG data URL median <= "
        f"{TARGET_IMAGE_MS} ms"
    )
    if naive_failure:
        print(
            f"naive baseline (dash_canvas.utils.parse_jsonstring + skimage resize) does not "
            f"run here: {naive_failure}"
        )
    else:
        print(
            "naive baseline: dash_canvas.utils.parse_jsonstring + skimage resize (no "
            "centring, no aspect handling); ratio = naive median / ours"
        )


if __name__ == "__main__":
    main()
