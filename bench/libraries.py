"""The reader's hand-written image operations against SciPy and scikit-image.

The image path hand-writes three operations that SciPy and scikit-image do in
C: connected components (model/numbers/connected.py, a NumPy union-find),
grey dilation (model/character/stroke_width.py `_dilated`) and block
reduction (`_reduced`, Pillow's reduce or a NumPy block maximum); the
normaliser's resize (model/character/normalize.py `_resize`) is Pillow's.
This measures each against the libraries' own, on the very inputs reading
numbers from images passes them (recorded while reading pen-digit numbers
drawn as PNGs with pens from 3 to 16 px): whether they give the same result,
per-call latency (median and p99, the candidates timed in alternating
rounds), the resident memory importing each library adds to a process that
has imported the reader, and the size each adds to the serving install.

    .venv/bin/python -m bench.libraries [--numbers 60] [--rounds 5]
"""

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from packaging.requirements import Requirement
from PIL import Image
from scipy import ndimage
from skimage import measure, morphology, transform

from bench.install_size import closure, installed_bytes, read_requirements
from model.character import normalize, stroke_width
from model.core.inference import load_classifier
from model.numbers import image_characters, number
from model.numbers.connected import connected_components
from testkit.fixtures import pen_digits_sample
from testkit.numbers import write_number
from testkit.payloads import PAD_SIZE, draw_strokes, png_data_url
from testkit.stats import median, percentile

ROOT = Path(__file__).resolve().parent.parent
PENS = (3, 6, 12, 16)
CROSS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], bool)
SQUARE = np.ones((3, 3), bool)


def recorded_inputs(count: int) -> dict[str, list]:
    """The arguments the image path passes each operation while reading
    `count` numbers of 2 to 5 pen digits, each drawn with every pen of PENS."""
    calls = defaultdict(list)
    originals = (
        image_characters.connected_components,
        stroke_width._dilated,
        stroke_width._reduced,
        normalize._resize,
    )

    def components(mask):
        calls["components"].append(mask.copy())
        return originals[0](mask)

    def dilated(ink, diagonals):
        calls["dilation"].append((ink.copy(), diagonals))
        return originals[1](ink, diagonals)

    def reduced(ink, factor, strongest):
        if factor > 1:
            calls["block reduction"].append((ink.copy(), factor, strongest))
        return originals[2](ink, factor, strongest)

    def resize(crop, scale):
        calls["resize"].append((np.asarray(crop).copy(), scale))
        return originals[3](crop, scale)

    image_characters.connected_components = components
    stroke_width._dilated = dilated
    stroke_width._reduced = reduced
    normalize._resize = resize
    try:
        classifier = load_classifier()
        records = pen_digits_sample()
        rng = np.random.default_rng(0)
        for _ in range(count):
            picked = rng.choice(len(records), size=int(rng.integers(2, 6)), replace=False)
            written = write_number([records[int(i)] for i in picked], rng)
            for pen in PENS:
                url = png_data_url(draw_strokes(written.strokes, size=PAD_SIZE, width=pen))
                number.read_image_number(classifier, url)
    finally:
        (
            image_characters.connected_components,
            stroke_width._dilated,
            stroke_width._reduced,
            normalize._resize,
        ) = originals
    return calls


# Each operation's candidates: name -> function of one recorded call's arguments.


def scipy_components(mask):
    labels, count = ndimage.label(mask, structure=SQUARE)
    boxes = ndimage.find_objects(labels)
    sizes = np.bincount(labels.ravel(), minlength=count + 1)[1:]
    return labels, boxes, sizes


def skimage_components(mask):
    labels = measure.label(mask, connectivity=2)
    return labels, ndimage.find_objects(labels), np.bincount(labels.ravel())[1:]


def same_components(mask) -> bool:
    """The hand-written and SciPy's components: the same pieces, boxes and sizes."""
    ours = connected_components(mask)
    labels, boxes, sizes = scipy_components(mask)
    theirs = sorted(
        ((b[1].start, b[0].start, b[1].stop, b[0].stop), int(s))
        for b, s in zip(boxes, sizes, strict=True)
    )
    mine = sorted(
        (tuple(int(v) for v in box), int(s)) for box, s in zip(ours.boxes, ours.sizes, strict=True)
    )
    return mine == theirs and ours.count == labels.max()


def scipy_dilation(ink, diagonals):
    footprint = SQUARE if diagonals else CROSS
    return ndimage.grey_dilation(ink, footprint=footprint, mode="constant", cval=0)


def skimage_dilation(ink, diagonals):
    return morphology.dilation(ink, SQUARE if diagonals else CROSS)


def skimage_block_reduction(ink, factor, strongest):
    reduce = np.max if strongest else np.mean
    reduced = measure.block_reduce(ink, (factor, factor), reduce, cval=0)
    return reduced if strongest else np.round(reduced).astype(np.uint8)


def scipy_zoom_reduction(ink, factor, strongest):
    return ndimage.zoom(ink, 1 / factor, order=1, grid_mode=True, mode="grid-constant")


def pillow_resize(ink, scale):
    return normalize._resize(Image.fromarray(ink), scale)


def skimage_resize(ink, scale):
    size = (max(1, round(ink.shape[0] * scale)), max(1, round(ink.shape[1] * scale)))
    box = transform.resize(ink, size, order=3, anti_aliasing=True, preserve_range=True)
    return np.pad(np.clip(np.round(box), 0, 255).astype(np.uint8), 2)


def scipy_resize(ink, scale):
    box = ndimage.zoom(ink.astype(np.float32), scale, order=3, grid_mode=True, mode="grid-constant")
    return np.pad(np.clip(np.round(box), 0, 255).astype(np.uint8), 2)


CANDIDATES = {
    "components": {
        "hand-written (NumPy union-find)": lambda args: connected_components(args),
        "scipy.ndimage.label + find_objects": lambda args: scipy_components(args),
        "skimage.measure.label + find_objects": lambda args: skimage_components(args),
    },
    "dilation": {
        "hand-written (NumPy maximum)": lambda args: stroke_width._dilated(*args),
        "scipy.ndimage.grey_dilation": lambda args: scipy_dilation(*args),
        "skimage.morphology.dilation": lambda args: skimage_dilation(*args),
    },
    "block reduction": {
        "hand-written (Pillow reduce / NumPy max)": lambda args: stroke_width._reduced(*args),
        "skimage.measure.block_reduce": lambda args: skimage_block_reduction(*args),
        "scipy.ndimage.zoom (order 1)": lambda args: scipy_zoom_reduction(*args),
    },
    "resize": {
        "Pillow LANCZOS (served)": lambda args: pillow_resize(*args),
        "skimage.transform.resize (order 3)": lambda args: skimage_resize(*args),
        "scipy.ndimage.zoom (order 3)": lambda args: scipy_resize(*args),
    },
}


def agreement(operation: str, name: str, calls: list) -> str:
    """How the candidate's results compare with the served code's."""
    if operation == "components":
        if name.startswith("hand"):
            return "served"
        same = sum(same_components(mask) for mask in calls)
        return f"same pieces, boxes and sizes on {same} of {len(calls)}"
    served = next(iter(CANDIDATES[operation].values()))
    candidate = CANDIDATES[operation][name]
    if candidate is served:
        return "served"
    equal, worst = 0, 0
    for args in calls:
        a, b = np.asarray(served(args)), np.asarray(candidate(args))
        if operation == "dilation":  # the edge is the caller's margin
            a, b = a[1:-1, 1:-1], b[1:-1, 1:-1]
        if a.shape != b.shape:
            worst = max(worst, 255)
            continue
        difference = int(np.abs(a.astype(np.int16) - b.astype(np.int16)).max(initial=0))
        equal += difference == 0
        worst = max(worst, difference)
    return f"identical on {equal} of {len(calls)}, largest difference {worst} of 255"


def timed(operation: str, calls: list, rounds: int) -> dict[str, list[float]]:
    """Per-call seconds of every candidate, in alternating rounds."""
    times = defaultdict(list)
    for _ in range(rounds):
        for name, function in CANDIDATES[operation].items():
            for args in calls:
                started = time.perf_counter()
                function(args)
                times[name].append(time.perf_counter() - started)
    return times


def resident_mb(imports: str) -> float:
    code = (
        "import model.numbers.number, model.character.preprocess\n"
        f"{imports}\n"
        "print([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1])"
    )
    env = {"OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip()) / 1024


def memory() -> dict[str, float]:
    base = statistics_of(lambda: resident_mb("pass"))
    scipy_mb = statistics_of(lambda: resident_mb("import scipy.ndimage"))
    skimage_mb = statistics_of(
        lambda: resident_mb("import skimage.measure, skimage.morphology, skimage.transform")
    )
    return {
        "reader alone": base,
        "+ scipy.ndimage": round(scipy_mb - base, 1),
        "+ skimage (measure, morphology, transform)": round(skimage_mb - base, 1),
    }


def statistics_of(measure_once, times: int = 3) -> float:
    return round(median([measure_once() for _ in range(times)]), 1)


def install_sizes() -> dict[str, float]:
    requirements = read_requirements(ROOT / "requirements.txt")
    # dash-canvas is vendored (dash_canvas/): every requirement is installed with its
    # dependencies, as a build does.
    nodeps, no_deps = [], frozenset()

    def total(extra: list[str]) -> float:
        found = closure(requirements + nodeps + [Requirement(e) for e in extra], no_deps)
        return round(sum(installed_bytes(d) for d in found.values()) / 2**20, 1)

    serving = total([])
    return {
        "serving": serving,
        "+ scipy": round(total(["scipy"]) - serving, 1),
        "+ scikit-image (with scipy)": round(total(["scikit-image"]) - serving, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "libraries.json")
    options = parser.parse_args()
    calls = recorded_inputs(options.numbers)
    report = {"calls_recorded": {op: len(c) for op, c in calls.items()}, "operations": {}}
    for operation in CANDIDATES:
        rows = {}
        times = timed(operation, calls[operation], options.rounds)
        for name, seconds in times.items():
            rows[name] = {
                "median_us": round(median(seconds) * 1e6, 1),
                "p99_us": round(percentile(seconds, 99) * 1e6, 1),
                "result": agreement(operation, name, calls[operation]),
            }
            print(f"{operation:16s} {name:42s} {rows[name]}", flush=True)
        report["operations"][operation] = rows
    report["resident_mb"] = memory()
    print("resident MB:", report["resident_mb"], flush=True)
    report["install_mb"] = install_sizes()
    print("installed MB:", report["install_mb"], flush=True)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
