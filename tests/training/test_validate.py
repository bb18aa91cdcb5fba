"""The validation table: what its lines are made of (canvas PNGs, intervals),
which collections a card trained on, and the table the shipped card keeps."""

import io
import json

import numpy as np
import pytest
from PIL import Image

from model.core.inference import DEFAULT_CARD_PATH
from model.numbers.number import read_image_number
from model.training import validate
from model.training.collection_training import canvas_png
from model.training.line_items import LineItems


def test_wilson_intervals_hold_the_figure_and_stay_within_0_and_1():
    assert validate.wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert validate.wilson_interval(10, 10) == pytest.approx((0.7225, 1.0), abs=1e-4)
    assert validate.wilson_interval(50, 100) == pytest.approx((0.4038, 0.5962), abs=1e-4)
    low, high = validate.wilson_interval(1496 - 3, 1496)
    assert low < (1496 - 3) / 1496 < high and high - low < 0.006


def test_a_refused_line_shows_the_share_refused_with_its_interval_turned_round():
    line = validate.Line("digits_refused", "refused", np.array([True] * 997 + [False] * 3), None,
                         shown_as="refused")  # fmt: skip
    assert line.figure == pytest.approx(0.003)
    low, high = line.interval
    assert low < 0.003 < high
    assert line.target() == {"target": "<= 0.003", "met": True, "ece_met": None}
    assert line.to_json()["ece_10_bins"] is None


def test_an_mnist_digit_becomes_a_280_px_canvas_export_black_ink_on_white(mnist_fixture):
    images, _ = mnist_fixture
    png = canvas_png(images[0] / 255.0)
    pixels = np.asarray(Image.open(io.BytesIO(png)))
    assert pixels.shape == (280, 280) and pixels.dtype == np.uint8
    assert pixels[0, 0] == 255 and pixels.min() < 10  # white paper, black ink
    ink = pixels < 128
    assert 0.05 < ink.mean() < 0.4


def test_canvas_exports_of_mnist_digits_read_through_the_image_path(mnist_fixture, classifier):
    images, labels = mnist_fixture
    read = [
        read_image_number(classifier, canvas_png(image / 255.0)).number == str(label)
        for image, label in zip(images[:100], labels[:100], strict=True)
    ]
    assert np.mean(read) >= 0.95  # the table's full line: 99.2% for the shipped model


def test_a_card_names_the_collections_its_run_trained_on():
    before = {"training": {"config": {"seed": 1234}}}  # a card from before issue 26
    assert validate.trained_collections(before) == ("pen-digits",)
    shipped = json.loads(DEFAULT_CARD_PATH.read_text())
    assert validate.trained_collections(shipped) == ("pen-digits", "uji")
    both = {"training": {"config": {"collections": {"pen_collections": ["pen-digits", "uji"]}}}}
    assert validate.trained_collections(both) == ("pen-digits", "uji")


def test_the_table_s_items_are_what_the_gate_compares():
    line = validate.Line("a", "a", np.array([True, False]), np.array([0.9, 0.6]))
    (items,) = validate.items_of([line]).values()
    assert isinstance(items, LineItems) and items.correct.tolist() == [True, False]


def test_the_shipped_card_keeps_the_whole_table_with_the_cross_collection_line():
    table = json.loads(DEFAULT_CARD_PATH.read_text())["validation_table"]
    lines = {line["key"]: line for line in table["lines"]}
    # Every line, each with its target; the shipped model trained on pen-digits writers
    # (and UJI writers: its UJI whole-collection line is its sibling run's).
    assert list(lines) == [key for key in validate.TARGETS if key != "pen-digits_whole_held_out"]
    counts = {key: line["count"] for key, line in lines.items()}
    assert counts["mnist_raw"] == counts["mnist_canvas_png"] == 10000
    assert counts["pen-digits_heldout_dense"] == counts["pen-digits_heldout_sparse"] == 1496
    assert counts["uji_heldout_dense"] == 400 and counts["uji_whole_held_out"] == 1200
    # The served model trained on UJI writers: its figure is the sibling run's, which did not.
    note = lines["uji_whole_held_out"]["note"]
    assert "never trained on any UJI writer" in note or "without the UJI writers" in note
    for line in lines.values():
        low, high = line["interval_95"]
        assert low <= line["figure"] <= high
        assert line["ece_10_bins"] is None or 0 <= line["ece_10_bins"] < 1
    card = json.loads(DEFAULT_CARD_PATH.read_text())
    assert lines["mnist_raw"]["figure"] == pytest.approx(card["mnist_test_accuracy"])
