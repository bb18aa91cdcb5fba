"""The public homes' formats, read into the project's three data files.

- Keras's mnist.npz already holds MNIST as the project keeps it; it is checked
  (keys, shapes, dtypes) and rewritten as `np.savez_compressed` writes it.
- UCI `pendigits.tra`: one digit a line, 16 integers x1,y1..x8,y8 in 0..100 with
  y growing upward, then the label. The project's pen-digits-train.json keeps the
  order and flips y to grow downward, as on a screen canvas.
- UCI `pendigits-orig.tra` (UNIPEN): per digit a `.SEGMENT DIGIT <strokes> ? "<label>"`
  line, a `.COMMENT <label> <writer> <n>` line, then each stroke's points ("x y"
  in tablet pixels of the 500x500 box, y growing upward) between `.PEN_DOWN` and
  `.PEN_UP`, each stroke followed by `.DT`. The project's
  pen-digits-trajectories.json keeps the order and flips y in the 500-pixel box.
- UJI `ujipenchars2.txt`: per character a `WORD <char> <trn|tst>_<site>_W<nn>-<rep>`
  line, `NUMSTROKES <k>`, then k `POINTS <n> # x1 y1 x2 y2 ...` lines (device
  pixels, y growing downward), `//` comments between. uji-pen-digits.json keeps
  the digits only, numbers the writers (site and W<nn>) 1-60 in the order they
  first appear (in any character), and sorts by writer, then label, then repetition.
"""

import io
import re

import numpy as np

from model.training.data import MNIST_KEYS

MNIST_SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}
UCI_SCALE = 100  # the resampled set's coordinates run 0..100
TABLET_BOX = 500  # the writing box of the original trajectories, in tablet pixels
SEGMENT = re.compile(r'\.SEGMENT DIGIT \d+(?:-\d+)? \S+ "(\d)"')
HEADER_DIRECTIVES = (".INCLUDE", ".LEXICON", ".HIERARCHY")
UJI_WORD = re.compile(r"WORD (\S+) (?:trn|tst)_(\w+_W\d+)-(\d+)")


def mnist_npz(source: bytes) -> bytes:
    """The project's mnist.npz from Keras's: the four uint8 arrays, checked."""
    with np.load(io.BytesIO(source), allow_pickle=False) as mnist:
        arrays = {key: mnist[key] for key in MNIST_KEYS if key in mnist}
    for key, shape in MNIST_SHAPES.items():
        array = arrays.get(key)
        if array is None or array.shape != shape or array.dtype != np.uint8:
            found = "missing" if array is None else f"{array.dtype} {array.shape}"
            raise ValueError(f"mnist.npz: {key} should be uint8 {shape}, is {found}")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def pen_digits_from_uci(text: str) -> list[dict]:
    """Records {"label", "strokes": [8 points]} from pendigits.tra's text."""
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        values = [int(value) for value in line.split(",")]
        if len(values) != 17:
            raise ValueError(f"pendigits line {number}: {len(values)} values, not 17")
        points = [[x, UCI_SCALE - y] for x, y in zip(values[0:16:2], values[1:16:2], strict=True)]
        records.append({"label": values[16], "strokes": [points]})
    return records


def trajectories_from_unipen(text: str) -> list[dict]:
    """Records {"label", "writer", "strokes"} from pendigits-orig.tra's UNIPEN text."""
    records, stroke = [], None
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        where = f"pendigits-orig line {number}"
        if not line or line.startswith(HEADER_DIRECTIVES) or line.startswith(".DT"):
            continue
        if line.startswith(".SEGMENT"):
            match = SEGMENT.fullmatch(line)
            if match is None:
                raise ValueError(f"{where}: unexpected segment {line!r}")
            records.append({"label": int(match[1]), "writer": None, "strokes": []})
        elif line.startswith(".COMMENT"):
            fields = line.split()
            if not records or len(fields) < 3:
                raise ValueError(f"{where}: a comment without a digit's writer: {line!r}")
            records[-1]["writer"] = int(fields[2])
        elif line == ".PEN_DOWN":
            if not records:
                raise ValueError(f"{where}: a stroke before any digit")
            stroke = []
            records[-1]["strokes"].append(stroke)
        elif line == ".PEN_UP":
            stroke = None
        elif stroke is not None and not line.startswith("."):
            x, y = (int(value) for value in line.split())
            stroke.append([x, TABLET_BOX - y])
        else:
            raise ValueError(f"{where}: unexpected {line!r}")
    unnamed = [index for index, record in enumerate(records) if record["writer"] is None]
    if unnamed:
        raise ValueError(f"pendigits-orig: digit {unnamed[0]} has no writer comment")
    return records


def uji_digits_from_text(text: str) -> list[dict]:
    """Records {"label", "writer", "strokes"} of the digits in ujipenchars2.txt."""
    found, writers, current = [], {}, None
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        where = f"ujipenchars2 line {number}"
        if not line or line.startswith("//"):
            continue
        if line.startswith("WORD"):
            match = UJI_WORD.fullmatch(line)
            if match is None:
                raise ValueError(f"{where}: unexpected word {line!r}")
            current = None
            writer = writers.setdefault(match[2], len(writers) + 1)
            if len(match[1]) == 1 and match[1] in "0123456789":
                current = {"label": int(match[1]), "writer": writer, "strokes": []}
                found.append(((writer, current["label"], int(match[3])), current, []))
        elif line.startswith("NUMSTROKES"):
            if current is not None:
                found[-1][2].append(int(line.split()[1]))
        elif line.startswith("POINTS"):
            count, _, values = line.partition("#")
            values = [int(value) for value in values.split()]
            if len(values) != 2 * int(count.split()[1]):
                raise ValueError(f"{where}: {count.split()[1]} points but {len(values)} values")
            if current is not None:
                current["strokes"].append([values[i : i + 2] for i in range(0, len(values), 2)])
        else:
            raise ValueError(f"{where}: unexpected {line!r}")
    for key, record, declared in found:
        if declared != [len(record["strokes"])]:
            raise ValueError(f"ujipenchars2: digit {key} declares {declared} strokes, has "
                             f"{len(record['strokes'])}")  # fmt: skip
    return [record for _, record, _ in sorted(found, key=lambda item: item[0])]
