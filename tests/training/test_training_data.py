"""What the retrained model is trained and measured on, without TensorFlow: the
writer split, the synthesised writing styles, the non-digits and the check sets."""

import numpy as np
import pytest

from model.training import check_sets, data, non_digits, styles
from model.training.config import TrainingConfig
from model.training.strokes import densify


def test_the_writer_split_is_whole_writers_disjoint_and_seeded():
    config = TrainingConfig()
    split = data.split_writers(config)
    parts = [set(split[name]) for name in ("train", "validation", "heldout")]
    assert set().union(*parts) == set(range(1, 31))
    assert sum(len(part) for part in parts) == 30
    assert len(split["heldout"]) == config.heldout_writers
    assert len(split["validation"]) == config.validation_writers
    assert data.split_writers(config) == split
    other = data.split_writers(TrainingConfig(writer_split_seed=config.writer_split_seed + 1))
    assert other["heldout"] != split["heldout"]


def test_held_out_writers_are_in_the_card_and_none_of_their_digits_is_trained_on(
    pen_trajectories_path,
):
    strokes, labels, writers = data.load_pen_trajectories(pen_trajectories_path)
    assert len(strokes) == len(labels) == len(writers) == 7494
    split = data.split_writers(TrainingConfig())
    held = np.isin(writers, split["heldout"])
    trained = np.isin(writers, split["train"])
    assert not (held & trained).any()
    assert 1000 < held.sum() < 2000 and set(labels[held].tolist()) == set(range(10))


SEVEN = [np.array([[10.0, 10.0], [90.0, 10.0], [40.0, 100.0]])]
ZERO = [np.stack([50 + 30 * np.cos(t), 50 + 45 * np.sin(t)], 1) for t in [np.linspace(0, 6.3, 40)]]


@pytest.mark.parametrize(("label", "strokes"), [(0, ZERO), (7, SEVEN)])
def test_a_style_adds_a_stroke_and_changes_what_the_model_sees(label, strokes):
    styled = styles.stylise(strokes, label, np.random.default_rng(0))
    assert len(styled) == len(strokes) + 1
    plain, changed = data.render([strokes, styled])
    assert np.abs(plain - changed).sum() > 10  # a real extra stroke, not a speck


def test_a_crossed_sevens_bar_crosses_the_stem_about_half_way_down():
    sampled = [densify(SEVEN[0], 3.0)]  # a pen's samples are dense, as the tablet's are
    for seed in range(20):
        bar = styles.stylise(sampled, 7, np.random.default_rng(seed))[-1]
        assert 40 <= bar[:, 1].mean() <= 75
        stem_x = 90 - 50 * (bar[:, 1].mean() - 10) / 90  # the diagonal at the bar's height
        assert bar[:, 0].min() < stem_x < bar[:, 0].max()


@pytest.mark.parametrize(("kind", "label"), [(0, 4), (1, 4), (2, 9)])
def test_templates_draw_their_digit_in_their_stroke_count(kind, label):
    strokes, drawn_label = styles.template(kind, np.random.default_rng(kind))
    assert drawn_label == label
    assert len(strokes) == (1 if kind == 1 else 2)
    assert data.render([strokes])[0].sum() > 20


def test_no_letter_that_reads_as_a_digit_is_a_non_digit():
    for letter in "OoQDIilJjZzSsbGBagq":
        assert letter not in non_digits.LETTERS
    assert len(non_digits.LETTERS) >= 30


def test_non_digits_are_seeded_and_render_as_ink():
    first = non_digits.generate(("futural",), 1, 5, len(non_digits.SHAPES), seed=3)
    again = non_digits.generate(("futural",), 1, 5, len(non_digits.SHAPES), seed=3)
    assert len(first["letters"]) == len(non_digits.LETTERS)
    for kind in first:
        for a, b in zip(first[kind], again[kind], strict=True):
            np.testing.assert_array_equal(np.concatenate(a), np.concatenate(b))
        images = data.render(first[kind])
        assert (images.reshape(len(images), -1).sum(axis=1) > 20).all(), kind


def test_check_sets_are_built_apart_from_training():
    config = TrainingConfig()
    assert not set(check_sets.CHECK_FONTS) & set(config.non_digits.fonts)
    assert check_sets.SEED not in (config.seed, config.seed + 1)
    assert set(check_sets.STYLE_LABELS) == set(check_sets.TEMPLATES)


def test_style_check_sets_use_held_out_writers_and_templates(pen_trajectories_path):
    strokes, labels, writers = data.load_pen_trajectories(pen_trajectories_path)
    held = np.flatnonzero(np.isin(writers, data.split_writers(TrainingConfig())["heldout"]))
    sets = check_sets.style_sets([strokes[i] for i in held], labels[held])
    for style, made in sets.items():
        assert made["label"] == check_sets.STYLE_LABELS[style]
        assert made["from_templates"] == len(check_sets.TEMPLATES[style]) * 40
        assert len(made["drawings"]) == made["from_writers"] + made["from_templates"]
        if style != "four_open":
            assert made["from_writers"] >= 25, style
    one_stroke = sets["four_one_stroke"]["drawings"][: sets["four_one_stroke"]["from_writers"]]
    assert all(len(drawing) == 1 for drawing in one_stroke)
