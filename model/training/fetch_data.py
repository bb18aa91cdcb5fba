"""`make data` (`python -m model.training.fetch_data`): the four data files, downloaded
from their public homes into DIGITS_DATA_DIR (by default a per-user cache folder).

A file already in ../shared/data or in the target folder is not fetched again.
Every download is checked against a published sha256 (below, with where it is
published; UJI's text file has none, so only its conversion is checked), then
converted into the project's format (source_formats.py), and the result is
checked against the content of the files the committed model was trained on. A
download or a result that does not match is deleted and named, with both
sha256s, and the command exits non-zero.
Files are written whole or not at all (a temporary file, then a rename), so an
interrupted run leaves nothing half-written.
"""

import argparse
import functools
import hashlib
import io
import os
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from model.training import data, source_formats, unix_compress

MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
# The file_hash that keras.datasets.mnist.load_data checks (keras-team/keras,
# keras/src/datasets/mnist.py).
MNIST_NPZ_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
PEN_DIGITS_URL = (
    "https://archive.ics.uci.edu/static/public/81/pen+based+recognition+of+handwritten+digits.zip"
)
# UCI's zip of the pen digits (1,668,118 bytes), as pinned by bgtnt/polylinekit
# (scripts/datasets/README.md and import_datasets.py).
PEN_DIGITS_ZIP_SHA256 = "1e02bea023613c2b11c9492f6f34caf975420455934f3527d270cee9a1f03b64"
# The resampled training set inside it. Computed here: ../shared/data/pen-digits-train.json
# written back as UCI text, y flipped back (tests/training/test_fetch_data.py does it).
PENDIGITS_TRA_SHA256 = "e2b9eb9f0d0467e2b64a4816a3420edf2b8043447576f4b84337aba44a9f97d3"
# What the converted files must hold: computed here from ../shared/data, the files
# the committed model was trained on (data.mnist_content_sha256 for MNIST, whose
# zip container depends on the zlib that writes it; the whole file for the others).
MNIST_CONTENT_SHA256 = "e5ea4841dd6fde90b155843179ce5756a4864227194eec7fb09d7cfc4cf702a5"
PEN_DIGITS_SHA256 = "d8b34b405b92f9e9692c911e308b1dab283ccf56acb6ca128fa4939a58be44ac"
PEN_TRAJECTORIES_SHA256 = "3ba0f2a6228ca396e34890c6971c27e4d857bf6a40f4e043d530f7757ca0467a"
# UJI Pen Characters v2's text file (UCI). No sha256 of it is published, so the
# download is checked through its conversion: the digits must be exactly the
# content of ../shared/data/uji-pen-digits.json (this sha256, the shared file's).
UJI_URL = (
    "https://archive.ics.uci.edu/ml/machine-learning-databases/uji-penchars/version2/"
    "ujipenchars2.txt"
)
UJI_SHA256 = "fd251f2634736f7e124d9cac6272a43a7263cafe296e622f9fb5b453f2b13682"
DATA_FILES = (data.MNIST_FILE, data.PEN_DIGITS_FILE, data.PEN_TRAJECTORIES_FILE, data.UJI_FILE)
CHUNK_BYTES = 1 << 20


class ChecksumMismatch(RuntimeError):
    """A downloaded or converted file is not the one the project expects."""

    def __init__(self, name: str, expected: str, actual: str):
        super().__init__(f"{name}: sha256 {actual}, expected {expected}: refused, nothing kept")


def fetch(
    target_dir: Path,
    mnist_url: str = MNIST_URL,
    pen_digits_url: str = PEN_DIGITS_URL,
    shared_dir: Path = data.SHARED_DATA_DIR,
    uji_url: str = UJI_URL,
) -> list[str]:
    """Fetch whichever data files are in neither folder; returns the problems (none: [])."""
    missing = [name for name in DATA_FILES if not _present(name, shared_dir, target_dir)]
    for name in sorted(set(DATA_FILES) - set(missing)):
        print(f"{name}: already there")
    if not missing:
        return []
    target_dir.mkdir(parents=True, exist_ok=True)
    problems = []
    with tempfile.TemporaryDirectory(dir=target_dir, prefix=".download-") as scratch:
        jobs = []
        if data.MNIST_FILE in missing:
            jobs.append((_fetch_mnist, mnist_url))
        if {data.PEN_DIGITS_FILE, data.PEN_TRAJECTORIES_FILE} & set(missing):
            jobs.append((functools.partial(_fetch_pen_digits, missing=missing), pen_digits_url))
        if data.UJI_FILE in missing:
            jobs.append((_fetch_uji, uji_url))
        for job, url in jobs:
            try:
                job(url, Path(scratch), target_dir)
            except ChecksumMismatch as refused:
                problems.append(str(refused))
            except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
                problems.append(f"{url}: {error}")
    return problems


def _present(name: str, *folders: Path) -> bool:
    return any((folder / name).is_file() for folder in folders)


def _fetch_mnist(url: str, scratch: Path, target_dir: Path) -> None:
    source = download(url, scratch / "keras-mnist.npz", MNIST_NPZ_SHA256)
    converted = source_formats.mnist_npz(source.read_bytes())
    content = data.mnist_content_sha256(io.BytesIO(converted))
    _check(data.MNIST_FILE, MNIST_CONTENT_SHA256, content)
    install(converted, target_dir / data.MNIST_FILE)


def _fetch_pen_digits(url: str, scratch: Path, target_dir: Path, missing: list[str]) -> None:
    archive = download(url, scratch / "pendigits.zip", PEN_DIGITS_ZIP_SHA256)
    with zipfile.ZipFile(archive) as members:
        if data.PEN_DIGITS_FILE in missing:
            text = _member(members, "pendigits.tra")
            _check("pendigits.tra", PENDIGITS_TRA_SHA256, hashlib.sha256(text).hexdigest())
            records = source_formats.pen_digits_from_uci(text.decode("ascii"))
            _install_checked(records, target_dir / data.PEN_DIGITS_FILE, PEN_DIGITS_SHA256)
        if data.PEN_TRAJECTORIES_FILE in missing:
            text = unix_compress.decompress(_member(members, "pendigits-orig.tra.Z"))
            records = source_formats.trajectories_from_unipen(text.decode("ascii"))
            path = target_dir / data.PEN_TRAJECTORIES_FILE
            _install_checked(records, path, PEN_TRAJECTORIES_SHA256)


def _fetch_uji(url: str, scratch: Path, target_dir: Path) -> None:
    text = download(url, scratch / "ujipenchars2.txt", None).read_bytes()
    records = source_formats.uji_digits_from_text(text.decode("latin-1"))
    _install_checked(records, target_dir / data.UJI_FILE, UJI_SHA256)


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    """The archive's one member called `name`, at its root or in a folder."""
    found = [member for member in archive.namelist() if member.rsplit("/", 1)[-1] == name]
    if len(found) != 1:
        raise KeyError(f"{name} is not in the archive once (found {found})")
    return archive.read(found[0])


def _install_checked(records: list[dict], path: Path, expected: str) -> None:
    content = data.records_json(records)
    _check(path.name, expected, hashlib.sha256(content).hexdigest())
    install(content, path)


def _check(name: str, expected: str, actual: str) -> None:
    if actual != expected:
        raise ChecksumMismatch(name, expected, actual)


def download(url: str, path: Path, expected_sha256: str | None) -> Path:
    """`url` saved at `path` if its sha256 is `expected_sha256`; deleted and refused if not.
    None: no published sha256; the caller checks what it converts the file into."""
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=60) as response, open(path, "wb") as out:
        for block in iter(lambda: response.read(CHUNK_BYTES), b""):
            digest.update(block)
            out.write(block)
    if expected_sha256 is not None and digest.hexdigest() != expected_sha256:
        path.unlink()
        raise ChecksumMismatch(f"{path.name} from {url}", expected_sha256, digest.hexdigest())
    return path


def install(content: bytes, path: Path) -> None:
    """Write `path` whole or not at all: a temporary file beside it, then a rename."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    print(f"{path.name}: written to {path}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="target folder (DIGITS_DATA_DIR)")
    parser.add_argument("--shared-dir", type=Path, default=data.SHARED_DATA_DIR)
    parser.add_argument("--mnist-url", default=MNIST_URL)
    parser.add_argument("--pen-digits-url", default=PEN_DIGITS_URL)
    parser.add_argument("--uji-url", default=UJI_URL)
    args = parser.parse_args(argv)
    target = args.dir or data.download_dir()
    problems = fetch(target, args.mnist_url, args.pen_digits_url, args.shared_dir, args.uji_url)
    for problem in problems:
        print(f"make data: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"data ready: {args.shared_dir} first, then {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
