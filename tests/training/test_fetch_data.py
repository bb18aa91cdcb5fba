"""`make data`: downloads checked against their sha256, converted to the project's
formats, written whole or not at all, and never fetched twice.

Every download comes from a loopback HTTP server serving files these tests make;
no test contacts a real URL. Files made here cannot have the public files'
sha256, so those tests set the expected download sha256 to their own files'; the
converted results are checked against expectations written out independently
(by hand, or the shared data files where they exist).
"""

import functools
import hashlib
import http.server
import io
import json
import os
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

from model.training import data, fetch_data, source_formats, unix_compress

# --- the formats of the public homes, written by these tests ------------------------


def compress_z(content: bytes, max_width: int = 16, clear_after: int = 0) -> bytes:
    """Unix `compress` in block mode, clearing the table whenever it fills or, as
    `compress` also does, mid-group: after `clear_after` codes (checked against
    `gzip -d` when written)."""
    limit = 1 << max_width
    out, pending, pending_bits = bytearray(b"\x1f\x9d" + bytes([0x80 | max_width])), 0, 0
    width, group_bits, codes = 9, 0, 0
    table, next_code = {bytes([i]): i for i in range(256)}, 257

    def write(code, bits):
        nonlocal pending, pending_bits, group_bits
        pending |= code << pending_bits
        pending_bits += bits
        group_bits += bits
        while pending_bits >= 8:
            out.append(pending & 0xFF)
            pending >>= 8
            pending_bits -= 8

    def end_group():
        nonlocal group_bits
        write(0, -group_bits % (8 * width))
        group_bits = 0

    word = b""
    for value in content:
        longer = word + bytes([value])
        if longer in table:
            word = longer
            continue
        write(table[word], width)
        codes += 1
        if next_code < limit:
            table[longer] = next_code
            next_code += 1
        if next_code > 1 << width and width < max_width:
            end_group()
            width += 1
        elif next_code == limit or codes == clear_after:
            write(256, width)
            end_group()
            width, table, next_code, codes = 9, {bytes([i]): i for i in range(256)}, 257, 0
        word = bytes([value])
    if word:
        write(table[word], width)
    if pending_bits:
        out.append(pending & 0xFF)
    return bytes(out)


def uci_text(records) -> bytes:
    """pendigits.tra: x1,y1..x8,y8,label a line, y growing upward, as UCI writes it."""
    lines = []
    for record in records:
        values = [v for x, y in record["strokes"][0] for v in (x, source_formats.UCI_SCALE - y)]
        lines.append(",".join(f"{value:3d}" for value in values) + f",{record['label']:2d}\n")
    return "".join(lines).encode()


def unipen_text(records) -> bytes:
    """pendigits-orig.tra: UNIPEN segments, one comment naming the writer, y upward."""
    lines = [".INCLUDE dene.doc", '.LEXICON "0" "1" "2"', ".HIERARCHY DIGIT"]
    first = 0
    for index, record in enumerate(records):
        last = first + len(record["strokes"]) - 1
        span = str(first) if last == first else f"{first}-{last}"
        lines.append(f'.SEGMENT DIGIT {span} ? "{record["label"]}"')
        lines.append(f".COMMENT {record['label']} {record['writer']} {index}")
        for stroke in record["strokes"]:
            lines.append(".PEN_DOWN")
            lines += [f"{x:4d} {source_formats.TABLET_BOX - y:4d}" for x, y in stroke]
            lines += [".PEN_UP", ".DT 100"]
        first = last + 1
    return ("\n".join(lines) + "\n").encode()


def uji_text(records: list[dict], letters: bool = True) -> bytes:
    """ujipenchars2.txt: by character, then by session; writer n is session
    "W<n>" of site UJI for odd n and UPV for even n (the file names sites and
    their own writer numbers); each record's repetition is its order within its
    writer and label. Letters (which the project skips) come first, as a, then
    the digits. CRLF line ends, as the published file has."""
    sessions = {}
    for record in records:
        key = (record["writer"], record["label"])
        sessions.setdefault(key, []).append(record)
    lines = ["// UJIpenchars2 (written by tests/test_fetch_data.py)"]
    characters = (["a"] if letters else []) + [str(d) for d in range(10)]
    writers = sorted({record["writer"] for record in records})
    for character in characters:
        lines.append(f"// ASCII char: {character}")
        for writer in writers:
            site = "UJI" if writer % 2 else "UPV"
            label = None if character == "a" else int(character)
            letter = [{"strokes": [[[1, 2], [3, 4]]]}] * 2  # letters are skipped
            drawn = letter if label is None else sessions.get((writer, label), [])
            for repetition, record in enumerate(drawn, 1):
                name = f"{'trn' if writer == 1 else 'tst'}_{site}_W{writer:02d}-{repetition:02d}"
                lines.append(f"WORD {character} {name}")
                lines.append(f"  NUMSTROKES {len(record['strokes'])}")
                for stroke in record["strokes"]:
                    values = " ".join(f"{x} {y}" for x, y in stroke)
                    lines.append(f"  POINTS {len(stroke)} # {values}")
    return ("\r\n".join(lines) + "\r\n").encode()


def uci_zip(resampled: list[dict], trajectories: list[dict]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pendigits.tra", uci_text(resampled))
        archive.writestr("pendigits-orig.tra.Z", compress_z(unipen_text(trajectories)))
        archive.writestr("pendigits.names", "Pen-Based Recognition of Handwritten Digits\n")
    return buffer.getvalue()


def keras_mnist(arrays: dict) -> bytes:
    """An .npz as Keras publishes MNIST: the same arrays, another container."""
    buffer = io.BytesIO()
    np.savez(buffer, **{key: arrays[key] for key in ("x_test", "x_train", "y_train", "y_test")})
    return buffer.getvalue()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# Two digits, written out by hand in both formats: the project's (y down) is what
# the UCI files (y up) must turn into.
RESAMPLED = [
    {"label": 8, "strokes": [[[47, 0], [27, 19], [57, 63], [26, 100], [0, 77], [56, 47],
                              [100, 10], [40, 2]]]},
    {"label": 2, "strokes": [[[0, 11], [27, 0], [42, 25], [29, 55], [15, 85], [37, 100],
                              [69, 98], [100, 94]]]},
]  # fmt: skip
RESAMPLED_UCI = (
    b" 47,100, 27, 81, 57, 37, 26,  0,  0, 23, 56, 53,100, 90, 40, 98, 8\n"
    b"  0, 89, 27,100, 42, 75, 29, 45, 15, 15, 37,  0, 69,  2,100,  6, 2\n"
)
TRAJECTORIES = [
    {"label": 7, "writer": 12, "strokes": [[[100, 100], [300, 100], [170, 350]]]},
    {"label": 4, "writer": 3, "strokes": [[[180, 90], [120, 250]], [[250, 150], [250, 350]]]},
]
UJI = [
    {"label": 1, "writer": 1, "strokes": [[[500, 200], [520, 900]]]},
    {"label": 1, "writer": 1, "strokes": [[[480, 210], [510, 880]]]},
    {"label": 7, "writer": 1,
     "strokes": [[[400, 200], [700, 200], [450, 900]], [[450, 500], [650, 520]]]},
    {"label": 0, "writer": 2, "strokes": [[[1200, 300], [900, 800], [1300, 1300], [1200, 300]]]},
]  # fmt: skip
TRAJECTORIES_UNIPEN_POINTS = [
    " 100  400", " 300  400", " 170  150", " 180  410", " 120  250", " 250  350", " 250  150"
]  # fmt: skip


def small_mnist() -> dict:
    arrays = {key: np.zeros(shape, np.uint8) for key, shape in source_formats.MNIST_SHAPES.items()}
    arrays["x_train"][:, 14, :] = (np.arange(60000) % 251)[:, None]
    arrays["y_train"][:] = np.arange(60000) % 10
    arrays["x_test"][:, :, 3] = 255
    arrays["y_test"][:] = np.arange(10000) % 7
    return arrays


# --- a loopback server and the folders ------------------------------------------------


class Served:
    """Files served on 127.0.0.1, with a log of the paths asked for."""

    def __init__(self, folder: Path, base_url: str, requests: list):
        self.folder, self.base_url, self.requests = folder, base_url, requests

    def put(self, name: str, content: bytes) -> str:
        (self.folder / name).write_bytes(content)
        return f"{self.base_url}/{name}"


@pytest.fixture
def served(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requests.append(self.path)

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Served(folder, f"http://127.0.0.1:{server.server_address[1]}", requests)
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def folders(tmp_path):
    """An empty shared folder (so nothing is found there) and the download target."""
    shared, target = tmp_path / "shared", tmp_path / "cache" / "data"
    shared.mkdir()
    return shared, target


def pin(monkeypatch, **constants):
    for name, value in constants.items():
        monkeypatch.setattr(fetch_data, name, value)


def run_make_data(served_urls, folders, capsys):
    shared, target = folders
    mnist_url, pen_url, uji_url = served_urls
    options = ["--dir", str(target), "--shared-dir", str(shared), "--uji-url", uji_url]
    code = fetch_data.main([*options, "--mnist-url", mnist_url, "--pen-digits-url", pen_url])
    return code, capsys.readouterr()


@pytest.fixture
def small_sources(served, monkeypatch):
    """Small MNIST, UCI and UJI files on the loopback server, the constants pinned to them."""
    mnist_source, archive = keras_mnist(small_mnist()), uci_zip(RESAMPLED, TRAJECTORIES)
    urls = (
        served.put("mnist.npz", mnist_source),
        served.put("pendigits.zip", archive),
        served.put("ujipenchars2.txt", uji_text(UJI)),
    )
    pin(
        monkeypatch,
        UJI_SHA256=sha256(data.records_json(UJI)),
        MNIST_NPZ_SHA256=sha256(mnist_source),
        MNIST_CONTENT_SHA256=_content_sha256(small_mnist()),
        PEN_DIGITS_ZIP_SHA256=sha256(archive),
        PENDIGITS_TRA_SHA256=sha256(RESAMPLED_UCI),
        PEN_DIGITS_SHA256=sha256(data.records_json(RESAMPLED)),
        PEN_TRAJECTORIES_SHA256=sha256(data.records_json(TRAJECTORIES)),
    )
    return urls


def _content_sha256(arrays: dict) -> str:
    digest = hashlib.sha256()
    for key in ("x_train", "y_train", "x_test", "y_test"):
        digest.update(f"{key} |u1 {arrays[key].shape}\n".encode() + arrays[key].tobytes())
    return digest.hexdigest()


def leftovers(target: Path) -> list[str]:
    return sorted(path.name for path in target.iterdir()) if target.exists() else []


# --- the command ------------------------------------------------------------------------


def test_make_data_downloads_checks_and_converts_all_four_files(
    small_sources, folders, served, capsys
):
    code, printed = run_make_data(small_sources, folders, capsys)
    _, target = folders
    assert code == 0, printed.err
    assert leftovers(target) == sorted(fetch_data.DATA_FILES)
    assert json.loads((target / data.PEN_DIGITS_FILE).read_text()) == RESAMPLED
    assert json.loads((target / data.PEN_TRAJECTORIES_FILE).read_text()) == TRAJECTORIES
    assert json.loads((target / data.UJI_FILE).read_text()) == UJI
    with np.load(target / data.MNIST_FILE) as mnist:
        assert list(mnist.keys()) == list(data.MNIST_KEYS)
        for key, array in small_mnist().items():
            np.testing.assert_array_equal(mnist[key], array)
    assert sorted(served.requests) == ["/mnist.npz", "/pendigits.zip", "/ujipenchars2.txt"]


def test_the_loaders_find_what_make_data_wrote_in_DIGITS_DATA_DIR(
    small_sources, folders, capsys, monkeypatch
):
    _, target = folders
    run_make_data(small_sources, folders, capsys)
    monkeypatch.setenv("DIGITS_DATA_DIR", str(target))
    assert data.download_dir() == target
    x_train, _, x_test, _ = data.load_mnist(target / data.MNIST_FILE)
    assert x_train.shape == (60000, 28, 28) and x_test.max() == 1.0
    images, labels = data.load_pen_digits(target / data.PEN_DIGITS_FILE)
    assert labels.tolist() == [8, 2] and images.shape == (2, 28, 28) and images.max() > 0.5


def test_a_corrupt_download_is_deleted_and_named_with_both_sha256(
    small_sources, folders, served, capsys, monkeypatch
):
    corrupt = bytearray((served.folder / "pendigits.zip").read_bytes())
    corrupt[len(corrupt) // 2] ^= 0xFF
    served.put("pendigits.zip", bytes(corrupt))
    code, printed = run_make_data(small_sources, folders, capsys)
    _, target = folders
    assert code == 1
    assert "pendigits.zip" in printed.err
    assert fetch_data.PEN_DIGITS_ZIP_SHA256 in printed.err and sha256(corrupt) in printed.err
    # MNIST and UJI were fine and are kept; nothing of the pen digits, not even a
    # temporary file.
    assert leftovers(target) == sorted([data.MNIST_FILE, data.UJI_FILE])


def test_a_conversion_that_does_not_match_the_project_s_file_is_refused(
    small_sources, folders, capsys, monkeypatch
):
    pin(monkeypatch, PEN_TRAJECTORIES_SHA256="0" * 64)
    code, printed = run_make_data(small_sources, folders, capsys)
    _, target = folders
    assert code == 1
    assert data.PEN_TRAJECTORIES_FILE in printed.err and "0" * 64 in printed.err
    assert sha256(data.records_json(TRAJECTORIES)) in printed.err
    assert data.PEN_TRAJECTORIES_FILE not in leftovers(target)
    assert data.PEN_DIGITS_FILE in leftovers(target)


def test_files_already_in_the_shared_folder_or_the_target_are_not_fetched_again(
    small_sources, folders, served, capsys
):
    shared, target = folders
    (shared / data.MNIST_FILE).write_bytes(b"already here")
    target.mkdir(parents=True)
    (target / data.PEN_DIGITS_FILE).write_text("[]")
    code, printed = run_make_data(small_sources, folders, capsys)
    assert code == 0, printed.err
    assert sorted(served.requests) == ["/pendigits.zip", "/ujipenchars2.txt"]  # not MNIST
    assert (shared / data.MNIST_FILE).read_bytes() == b"already here"
    assert (target / data.PEN_DIGITS_FILE).read_text() == "[]"
    assert not (target / data.MNIST_FILE).exists()

    asked = list(served.requests)
    code, printed = run_make_data(small_sources, folders, capsys)
    assert code == 0 and served.requests == asked, "fetched twice"
    assert printed.out.count("already there") == 4


def test_an_unreachable_server_fails_naming_the_url(folders, capsys):
    _, target = folders
    closed = "http://127.0.0.1:9/mnist.npz"  # the discard port: nothing listens
    code, printed = run_make_data((closed, closed, closed), folders, capsys)
    assert code == 1 and closed in printed.err
    assert leftovers(target) == []


def test_a_uji_conversion_that_does_not_match_the_shared_file_is_refused(
    small_sources, folders, capsys, monkeypatch
):
    pin(monkeypatch, UJI_SHA256="0" * 64)
    code, printed = run_make_data(small_sources, folders, capsys)
    _, target = folders
    assert code == 1
    assert data.UJI_FILE in printed.err and "0" * 64 in printed.err
    assert sha256(data.records_json(UJI)) in printed.err
    assert data.UJI_FILE not in leftovers(target)
    assert data.PEN_TRAJECTORIES_FILE in leftovers(target)


def test_an_interrupted_write_leaves_neither_the_file_nor_a_temporary_one(tmp_path, monkeypatch):
    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch_data.install(b"[1, 2, 3]", tmp_path / data.PEN_DIGITS_FILE)
    assert leftovers(tmp_path) == []


# --- the formats ------------------------------------------------------------------------


def test_uci_lines_become_records_with_y_growing_downward():
    assert source_formats.pen_digits_from_uci(RESAMPLED_UCI.decode()) == RESAMPLED
    assert uci_text(RESAMPLED) == RESAMPLED_UCI


def test_unipen_segments_become_records_with_writers_strokes_and_y_flipped_in_the_box():
    text = unipen_text(TRAJECTORIES).decode()
    points = [line for line in text.splitlines() if not line.startswith(".")]
    assert points == TRAJECTORIES_UNIPEN_POINTS
    assert source_formats.trajectories_from_unipen(text) == TRAJECTORIES


def test_a_unipen_digit_without_its_writer_comment_is_refused():
    text = "\n".join(
        line for line in unipen_text(TRAJECTORIES).decode().splitlines() if "COMMENT" not in line
    )
    with pytest.raises(ValueError, match="no writer"):
        source_formats.trajectories_from_unipen(text)


def test_uji_words_become_digit_records_by_writer_in_order_of_first_appearance():
    text = uji_text(UJI).decode()
    assert "WORD 1 trn_UJI_W01-02" in text and "WORD 0 tst_UPV_W02-01" in text
    assert source_formats.uji_digits_from_text(text) == UJI  # letters skipped, CRLF read
    # Writers are numbered as they first appear, whatever the sites call them.
    renamed = text.replace("UJI_W01", "UPV_W44").replace("UPV_W02", "UJI_W05")
    assert [r["writer"] for r in source_formats.uji_digits_from_text(renamed)] == [1, 1, 1, 2]


def test_a_uji_digit_whose_points_or_strokes_do_not_add_up_is_refused():
    text = uji_text(UJI).decode()
    with pytest.raises(ValueError, match="2 points but 3 values"):
        source_formats.uji_digits_from_text(
            text.replace("POINTS 2 # 500 200 520 900", "POINTS 2 # 500 200 520")
        )
    with pytest.raises(ValueError, match="declares"):
        source_formats.uji_digits_from_text(text.replace("NUMSTROKES 2", "NUMSTROKES 3"))


def test_an_mnist_file_with_other_arrays_is_refused():
    arrays = small_mnist()
    arrays["x_test"] = arrays["x_test"][:100]
    with pytest.raises(ValueError, match=r"x_test should be uint8 \(10000, 28, 28\)"):
        source_formats.mnist_npz(keras_mnist(arrays))


@pytest.mark.parametrize(("max_width", "clear_after"), [(9, 0), (12, 0), (16, 0), (16, 1001)])
def test_unix_compress_data_decodes_to_the_original_bytes(max_width, clear_after):
    rng = np.random.default_rng(max_width)
    # Enough text to fill a 9- or 12-bit table, so the decoder also meets clears.
    words = [b".PEN_DOWN\n", b".PEN_UP\n", b'.SEGMENT DIGIT 0 ? "8"\n', b" 267  167\n"]
    text = b"".join(words[i] for i in rng.integers(0, 4, 20000)) + rng.bytes(5000)
    for content in (b"", b"a", b"abababababababab", text):
        compressed = compress_z(content, max_width, clear_after)
        assert unix_compress.decompress(compressed) == content


def test_damaged_unix_compress_data_is_refused():
    with pytest.raises(ValueError, match="magic"):
        unix_compress.decompress(b"PK\x03\x04 a zip, not .Z")
    with pytest.raises(ValueError, match="beyond the table"):
        unix_compress.decompress(b"\x1f\x9d\x90" + bytes([0x41, 0xFE, 0xFF, 0xFF]))


# --- the real files, where this machine has them ------------------------------------


def test_the_shared_pen_digits_written_back_as_uci_text_have_the_published_sha256(
    pen_digits_path,
):
    records = json.loads(pen_digits_path.read_text())
    text = uci_text(records)
    assert sha256(text) == fetch_data.PENDIGITS_TRA_SHA256
    assert source_formats.pen_digits_from_uci(text.decode()) == records


@pytest.mark.slow  # full-size files through a loopback server: about 10 s
def test_make_data_rebuilds_the_shared_files_exactly_from_sources_in_their_formats(
    mnist_path, pen_digits_path, pen_trajectories_path, uji_path, served, folders, capsys,
    monkeypatch,
):  # fmt: skip
    with np.load(mnist_path) as mnist:
        arrays = {key: mnist[key] for key in data.MNIST_KEYS}
    resampled = json.loads(pen_digits_path.read_text())
    trajectories = json.loads(pen_trajectories_path.read_text())
    mnist_source, archive = keras_mnist(arrays), uci_zip(resampled, trajectories)
    uji = served.put("ujipenchars2.txt", uji_text(json.loads(uji_path.read_text())))
    urls = served.put("mnist.npz", mnist_source), served.put("pendigits.zip", archive), uji
    # Only the downloads' sha256 are this test's own; the results must be the shared files.
    pin(monkeypatch, MNIST_NPZ_SHA256=sha256(mnist_source), PEN_DIGITS_ZIP_SHA256=sha256(archive))
    code, printed = run_make_data(urls, folders, capsys)
    _, target = folders
    assert code == 0, printed.err
    for path in (pen_digits_path, pen_trajectories_path, uji_path):
        assert (target / path.name).read_bytes() == path.read_bytes()
    assert data.mnist_content_sha256(target / data.MNIST_FILE) == data.mnist_content_sha256(
        mnist_path
    )
