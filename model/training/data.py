"""Training data: MNIST from its .npz file and the pen-written digits, as the pen
wrote them (every sample, every stroke, the writer), rendered through the serving
preprocessing; the seeded split of the 30 writers into training, validation and
held-out writers; and the digests of their content that the model card names them by.

Where the files are: each is looked for first in ../shared/data (beside the
project's root), then in DIGITS_DATA_DIR, which defaults to a per-user cache
folder and is where `make data` downloads them (model/training/fetch_data.py).
Every loader also takes an explicit path. Nothing here downloads anything.
"""

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from model.character.preprocess import preprocess_strokes
from model.training.config import TrainingConfig

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"
MNIST_FILE = "mnist.npz"
PEN_DIGITS_FILE = "pen-digits-train.json"
PEN_TRAJECTORIES_FILE = "pen-digits-trajectories.json"
# A second collection: 60 other writers on other devices (pen_collections.py reads it).
UJI_FILE = "uji-pen-digits.json"
MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")
WRITER_IDS = tuple(range(1, 31))
CONTENT_SHA256_DEFINITION = (
    "sha256 of the content, not of the file (model.training.data): for MNIST, of each "
    "array in the order x_train, y_train, x_test, y_test as '<name> <dtype> <shape>\\n' "
    "then its C-order bytes; for JSON, of the records re-serialised compactly"
)


def download_dir() -> Path:
    """DIGITS_DATA_DIR, or the per-user cache folder: where `make data` writes."""
    explicit = os.environ.get("DIGITS_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "digit-dashboard" / "data"


def data_path(name: str) -> Path:
    """Where the data file `name` is: ../shared/data first, then download_dir()
    (the latter also when neither has it, so messages name where it belongs)."""
    shared = SHARED_DATA_DIR / name
    return shared if shared.is_file() else download_dir() / name


MNIST_PATH = data_path(MNIST_FILE)
PEN_DIGITS_PATH = data_path(PEN_DIGITS_FILE)
PEN_TRAJECTORIES_PATH = data_path(PEN_TRAJECTORIES_FILE)
UJI_PATH = data_path(UJI_FILE)
MISSING_DATA_HINT = "run `make data` (downloads into DIGITS_DATA_DIR) or set DIGITS_DATA_DIR"


def load_mnist(path=MNIST_PATH):
    """MNIST as float32 images in [0, 1] (N, 28, 28) and uint8 labels: train and test."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"MNIST file not found at {path}; pass --mnist, or {MISSING_DATA_HINT}"
        )
    with np.load(path) as data:
        return (
            data["x_train"].astype(np.float32) / 255.0,
            data["y_train"].astype(np.uint8),
            data["x_test"].astype(np.float32) / 255.0,
            data["y_test"].astype(np.uint8),
        )


def load_pen_digits(path=PEN_DIGITS_PATH):
    """The pen-written digits rendered through the serving path: (N, 28, 28) float32, labels."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"pen digits not found at {path}; pass --pen, or {MISSING_DATA_HINT}"
        )
    records = json.loads(path.read_text())
    images = np.empty((len(records), 28, 28), dtype=np.float32)
    labels = np.empty(len(records), dtype=np.uint8)
    for index, record in enumerate(records):
        strokes = [np.asarray(stroke, dtype=np.float64) for stroke in record["strokes"]]
        images[index] = preprocess_strokes(strokes).image
        labels[index] = record["label"]
    return images, labels


def load_pen_trajectories(path=PEN_TRAJECTORIES_PATH):
    """The pen digits as written: (list of strokes, each an (n, 2) float array in
    tablet pixels, y down), labels (uint8) and writer ids (1-30), index for index."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"pen trajectories not found at {path}; pass --pen, or {MISSING_DATA_HINT}"
        )
    records = json.loads(path.read_text())
    strokes = [
        [np.asarray(stroke, dtype=np.float64) for stroke in record["strokes"]] for record in records
    ]
    labels = np.array([record["label"] for record in records], dtype=np.uint8)
    writers = np.array([record["writer"] for record in records], dtype=np.int64)
    return strokes, labels, writers


def render(drawings) -> np.ndarray:
    """Stroke drawings through the serving preprocessing: (N, 28, 28) float32."""
    images = np.zeros((len(drawings), 28, 28), dtype=np.float32)
    for index, strokes in enumerate(drawings):
        result = preprocess_strokes(strokes)
        if not result.empty:
            images[index] = result.image
    return images


def split_writers(config: TrainingConfig) -> dict[str, tuple[int, ...]]:
    """The seeded writer split: {"heldout": ids, "validation": ids, "train": ids}.
    Whole writers: a random split of digits would put every writer on both sides."""
    order = np.random.default_rng(config.writer_split_seed).permutation(WRITER_IDS)
    held = config.heldout_writers
    validation = held + config.validation_writers
    return {
        "heldout": tuple(sorted(int(w) for w in order[:held])),
        "validation": tuple(sorted(int(w) for w in order[held:validation])),
        "train": tuple(sorted(int(w) for w in order[validation:])),
    }


def mnist_content_sha256(file) -> str:
    """sha256 of MNIST's arrays themselves in an .npz path or file (see
    CONTENT_SHA256_DEFINITION): the same for the shared file and a `make data`
    one, whose zip container may differ."""
    digest = hashlib.sha256()
    with np.load(file) as mnist:
        for key in MNIST_KEYS:
            array = np.ascontiguousarray(mnist[key])
            digest.update(f"{key} {array.dtype.str} {array.shape}\n".encode())
            digest.update(array.tobytes())
    return digest.hexdigest()


def records_json(records) -> bytes:
    """Records as the data files hold them: compact JSON, keys in their order."""
    return json.dumps(records, separators=(",", ":")).encode()


def records_content_sha256(path) -> str:
    """sha256 of a JSON data file's records, whatever its whitespace."""
    return hashlib.sha256(records_json(json.loads(Path(path).read_text()))).hexdigest()
