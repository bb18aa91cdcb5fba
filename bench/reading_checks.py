"""Reading checks for issue 16: what the served model reads through the two serving paths
on inputs whose preprocessing the issue found wrong, measured with the shipped model (LiteRT).

strokes: the 8-point pen digits (pen-digits-train.json, all 7,494), each sent as the
  fabric.js pencil path dash-canvas makes of it (M p0, Q p0 mid(p0,p1), ..., L pn) on the
  dashboard's 400x400 pad, through preprocess_canvas; beside it the same samples through
  preprocess_strokes, as training renders them; then the recorded dash-canvas fixtures'
  readings. The model was trained on a random split of these writers, so the pen figure
  is a before/after comparison, not an estimate for unseen writers.
images: the MNIST test digits (all 10,000) through preprocess_image as PNG files: plain
  28x28 (README: 99.69%), cropped tight to the ink's bounding box (white on black as MNIST
  is, and inverted, dark on light, as a scan is; also cropped at half-strength ink, which
  cuts into the strokes' soft edges), and as a photo (dark on light, 8x the size, light
  falling off across it, JPEG quality 75) of the whole 28x28 and of the tight crop.

    .venv/bin/python -m bench.reading_checks                 # both, every digit
    .venv/bin/python -m bench.reading_checks images --count 2000
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
from PIL import Image

from model.character.preprocess import preprocess_canvas, preprocess_image, preprocess_strokes
from model.core.inference import load_classifier
from model.training import data
from testkit.fixtures import canvas_fixture, canvas_fixture_names
from testkit.payloads import PAD_SIZE as CANVAS_SIDE
from testkit.payloads import canvas_json, place_on_pad
from testkit.payloads import image_bytes as encoded

PHOTO_SCALE = 8
# The light on the far corner of a photo is this fraction of the light on the near one.
PHOTO_FALLOFF = 0.55
PHOTO_JPEG_QUALITY = 75


def images_or_blank(results) -> np.ndarray:
    return np.stack([np.zeros((28, 28), np.float32) if r.empty else r.image for r in results])


def accuracy(classifier, images: np.ndarray, labels: np.ndarray) -> float:
    return float((classifier.predict_batch(images).argmax(axis=1) == labels).mean())


def check_strokes(classifier, count: int | None) -> None:
    records = json.loads(Path(data.PEN_DIGITS_PATH).read_text())[:count]
    labels = np.array([record["label"] for record in records])
    drawings = [place_on_pad(record["strokes"]) for record in records]
    start = time.perf_counter()
    canvas = images_or_blank(
        preprocess_canvas(canvas_json(d), CANVAS_SIDE, CANVAS_SIDE) for d in drawings
    )
    seconds = time.perf_counter() - start
    trained = images_or_blank(preprocess_strokes(d, CANVAS_SIDE, CANVAS_SIDE) for d in drawings)
    difference = np.abs(canvas - trained).mean(axis=(1, 2))
    print(f"pen digits, 8-point strokes ({len(labels)}, canvas path {seconds:.1f} s)")
    print(f"  as fabric Q-paths via preprocess_canvas  {accuracy(classifier, canvas, labels):.2%}")
    print(f"  raw samples via preprocess_strokes       {accuracy(classifier, trained, labels):.2%}")
    print(
        f"  canvas 28x28 vs training's, mean |diff|: median {np.median(difference):.4f}, "
        f"max {difference.max():.4f} (a one-pixel shift is about 0.08)"
    )
    print("recorded dash-canvas fixtures (digit drawn -> read, confidence)")
    for name in canvas_fixture_names(drawn_digits_only=True):
        record = canvas_fixture(name)
        result = preprocess_canvas(record["json_data"], record["width"], record["height"])
        probabilities = classifier.predict(result.image)
        read = int(probabilities.argmax())
        print(f"  {name:<22} {record['digit']} -> {read} ({probabilities[read]:.4f})")


def tight(digit: np.ndarray, level: int = 0) -> np.ndarray:
    """The digit cropped to the bounding box of its pixels above `level` (0: of all its ink;
    127: of its half-strength ink, as a scanner's auto-crop at a threshold cuts it)."""
    rows = np.flatnonzero((digit > level).any(axis=1))
    cols = np.flatnonzero((digit > level).any(axis=0))
    return digit[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def photo(digit: np.ndarray) -> Image.Image:
    """A dark-on-light digit PHOTO_SCALE times the size, lit unevenly: the light falls
    off linearly from the top-left corner to PHOTO_FALLOFF at the bottom-right."""
    paper = Image.fromarray(255 - digit)
    big = paper.resize(
        (paper.width * PHOTO_SCALE, paper.height * PHOTO_SCALE), Image.Resampling.BICUBIC
    )
    height, width = big.height, big.width
    rows, cols = np.mgrid[0:height, 0:width]
    light = 1 - (1 - PHOTO_FALLOFF) * (rows / max(height - 1, 1) + cols / max(width - 1, 1)) / 2
    return Image.fromarray(np.round(np.asarray(big) * light).astype(np.uint8))


IMAGE_VARIANTS = {
    "plain 28x28 PNG, white on black": lambda d: encoded(Image.fromarray(d)),
    "tight crop PNG, white on black": lambda d: encoded(Image.fromarray(tight(d))),
    "tight crop PNG, black on white": lambda d: encoded(Image.fromarray(255 - tight(d))),
    "crop at half ink PNG, black on white": lambda d: encoded(Image.fromarray(255 - tight(d, 127))),
    "photo: 8x, uneven light, JPEG": lambda d: encoded(
        photo(d), "JPEG", quality=PHOTO_JPEG_QUALITY
    ),
    "tight crop photo: 8x, uneven light, JPEG": lambda d: encoded(
        photo(tight(d)), "JPEG", quality=PHOTO_JPEG_QUALITY
    ),
}


def check_images(classifier, count: int | None) -> None:
    with np.load(data.MNIST_PATH) as mnist:
        digits, labels = mnist["x_test"][:count], mnist["y_test"][:count]
    print(f"MNIST test digits through preprocess_image ({len(labels)})")
    for name, make in IMAGE_VARIANTS.items():
        start = time.perf_counter()
        images = images_or_blank(preprocess_image(make(digit)) for digit in digits)
        seconds = time.perf_counter() - start
        print(f"  {name:<44} {accuracy(classifier, images, labels):.2%}  ({seconds:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="?", choices=["strokes", "images", "both"], default="both")
    parser.add_argument("--count", type=int, default=None, help="only the first COUNT digits")
    args = parser.parse_args()
    classifier = load_classifier()
    if args.which in ("strokes", "both"):
        check_strokes(classifier, args.count)
    if args.which in ("images", "both"):
        check_images(classifier, args.count)


if __name__ == "__main__":
    main()
