"""The two pen collections: each digit in its own box with its aspect kept, the
fixed writer-disjoint UJI split, and the sparse drawings made from a trajectory."""

import numpy as np

from model.training import pen_collections
from model.training.pen_collections import fit_own_box, sparse, split_uji_writers

TALL_ONE = [np.array([[500.0, 200.0], [520.0, 600.0]])]
FOUR = [np.array([[10.0, 0.0], [0.0, 30.0], [30.0, 30.0]]), np.array([[25.0, 10.0], [25.0, 40.0]])]


def test_a_digit_fills_its_own_box_along_its_longer_side_with_its_aspect_kept():
    (one,) = fit_own_box(TALL_ONE)
    assert one[:, 1].min() == 0 and one[:, 1].max() == 100
    width = one[:, 0].max() - one[:, 0].min()
    assert np.isclose(width, 100 * 20 / 400)  # 20 wide, 400 tall, as written
    assert np.isclose((one[:, 0].min() + one[:, 0].max()) / 2, 50)  # centred across
    # Any device's pixel size gives the same drawing.
    assert np.allclose(fit_own_box([TALL_ONE[0] * 3.7 + 11])[0], one)


def test_a_digit_keeps_its_strokes_and_a_dot_stays_a_dot():
    fitted = fit_own_box(FOUR)
    assert [len(s) for s in fitted] == [3, 2]
    (dot,) = fit_own_box([np.array([[4.0, 4.0]])])
    assert dot.shape == (1, 2) and np.isfinite(dot).all()


def test_the_uji_split_is_whole_writers_disjoint_seeded_and_sized_as_documented():
    split = split_uji_writers()
    parts = [set(split[name]) for name in ("heldout", "validation", "train")]
    assert set().union(*parts) == set(range(1, 61))
    assert sum(len(part) for part in parts) == 60
    assert len(split["heldout"]) == pen_collections.UJI_HELDOUT_WRITERS == 20
    assert len(split["validation"]) == pen_collections.UJI_VALIDATION_WRITERS == 8
    assert split_uji_writers() == split
    assert split_uji_writers(seed=pen_collections.UJI_SPLIT_SEED + 1)["heldout"] != split["heldout"]


def test_a_sparse_drawing_has_about_eight_points_shared_by_length_with_its_ends_kept():
    drawn = fit_own_box(FOUR)
    dense = [
        np.column_stack([np.interp(np.linspace(0, len(s) - 1, 40), np.arange(len(s)), s[:, i])
                         for i in (0, 1)])
        for s in drawn
    ]  # fmt: skip
    few = sparse(dense)
    assert [len(s) for s in few] == [5, 3]  # the bent stroke is the longer
    for stroke, original in zip(few, dense, strict=True):
        assert np.allclose(stroke[0], original[0]) and np.allclose(stroke[-1], original[-1])
    steps = np.hypot(*np.diff(few[1], axis=0).T)
    assert np.allclose(steps, steps[0])  # evenly spaced along the (straight) stroke


def test_the_uji_file_holds_sixty_writers_two_of_each_digit(uji_path):
    uji = pen_collections.load_uji(uji_path)
    assert len(uji.labels) == 1200 and set(uji.writers.tolist()) == set(range(1, 61))
    for writer in (1, 30, 60):
        mine = uji.labels[uji.writers == writer]
        assert sorted(mine.tolist()) == sorted(list(range(10)) * 2)
    held = uji.part("heldout")
    assert len(held) == 400 and set(uji.labels[held].tolist()) == set(range(10))
    assert not set(uji.writers[held].tolist()) & set(uji.split["train"])
    for strokes in uji.strokes[:50]:
        points = np.concatenate(strokes)
        assert np.isclose((points.max(axis=0) - points.min(axis=0)).max(), 100)


def test_the_pen_digits_collection_uses_the_card_s_writer_split(pen_trajectories_path):
    pen = pen_collections.load_pen_digits(pen_trajectories_path)
    assert len(pen.labels) == 7494
    assert pen.split["heldout"] == (5, 7, 17, 19, 25, 27)  # the card's held-out writers
    assert len(pen.part("heldout")) == 1496
