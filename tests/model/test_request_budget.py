"""What one request costs is bounded as a whole (model/budget.py): the heaviest
valid number, explained, draws and classifies within one budget, counted in
work units (pen dots drawn, model calls), not timed; a refusal is decided from
the drawing before any candidate is drawn; honest numbers are drawn in full."""

import numpy as np
import pytest

from model import evidence
from model.character import rasterize
from model.character.preprocess import min_extent
from model.character.rasterize import MAX_REFITS, MAX_SAMPLES
from model.core.budget import REQUEST_DOTS, REQUEST_MODEL_CALLS, WorkBudget
from model.core.errors import InputTooLarge
from model.evidence import COARSER_PATCHES, PATCH, ink_patches
from model.numbers.characters import stroke_layout
from model.numbers.grouping import MAX_CHARACTERS
from model.numbers.number import read_canvas_number, read_strokes_number
from model.numbers.splitting import MAX_CANDIDATES
from testkit.counted import Counted
from testkit.hostile_corpus import HEAVY_SCRIBBLES, dense_pair, heavy_scribbles
from testkit.payloads import PAD_SIZE, canvas_json
from testkit.sure_digits import side_by_side
from web import paths


@pytest.fixture
def dots_drawn(monkeypatch):
    """Every pen dot the renderer draws, counted where it draws them."""
    drawn = []
    draw = rasterize._draw

    def counting(xy, ends):
        drawn.append(len(xy))
        return draw(xy, ends)

    monkeypatch.setattr(rasterize, "_draw", counting)
    return drawn


def test_the_heaviest_valid_number_explained_stays_within_one_budget(classifier, dots_drawn):
    counted = Counted(classifier)
    budget = WorkBudget()
    reading = read_canvas_number(counted, HEAVY_SCRIBBLES, budget=budget)
    explained = [evidence.explain(counted, c.prediction, budget) for c in reading.characters]
    assert len(reading.characters) >= 10
    assert all(entry["input"] is not None for entry in explained)
    # The budget counts what was done, and what was done is within it.
    assert sum(dots_drawn) == budget.dots_drawn <= REQUEST_DOTS
    assert counted.calls == budget.calls_made <= REQUEST_MODEL_CALLS


def test_without_a_budget_each_heavy_candidate_would_be_drawn_in_full():
    # What the budget saves: the candidates drawn at full detail cost several
    # times the whole request's dots.
    layout = stroke_layout(heavy_scribbles(), min_extent(), WorkBudget())
    assert len(layout.candidates) == 2 * MAX_CHARACTERS - 1
    full = sum(rasterize.planned_dots(*c.render.args[:4]) for c in layout.candidates)
    assert full > 3 * REQUEST_DOTS


def test_through_the_api_the_heavy_number_draws_within_the_budget(client, dots_drawn):
    response = client.post("/api/predict", json={"canvas": HEAVY_SCRIBBLES, "explain": True})
    assert response.status_code == 200
    assert len(response.get_json()["digits"]) >= 10
    assert 0 < sum(dots_drawn) <= REQUEST_DOTS


def test_through_the_page_the_heavy_number_draws_within_the_budget(classifier, dots_drawn):
    from components.callbacks import view_for_drawing

    view_for_drawing(classifier, HEAVY_SCRIBBLES, evidence_digit=3)
    assert 0 < sum(dots_drawn) <= REQUEST_DOTS


def test_a_candidate_is_drawn_within_its_share_whatever_the_order(classifier):
    layout = stroke_layout(heavy_scribbles(), min_extent(), WorkBudget())
    share = REQUEST_DOTS // (len(layout.candidates) * MAX_REFITS)
    assert {c.render.args[4] for c in layout.candidates} == {share}


@pytest.mark.parametrize("path", ["/api/predict", paths.DASH_CALLBACK_PATH])
def test_two_dense_strokes_answer_alike_overlapping_or_apart(client, classifier, path):
    # Each stroke alone is a drawing within the limit...
    for stroke in dense_pair(-1):
        read_strokes_number(classifier, [stroke])
    statuses = set()
    for gap in (-1, 10, 20):
        drawing = canvas_json(dense_pair(gap), as_fabric=False)
        if path == paths.DASH_CALLBACK_PATH:
            from testkit.hostile_corpus import dash_body

            response = client.post(path, json=dash_body(drawing))
            text = response.get_data(as_text=True)
            assert "output pixels long" not in text
        else:
            response = client.post(path, json={"canvas": drawing})
        statuses.add(response.status_code)
    # ...and so is the two together, however their boxes meet.
    assert statuses == {200}


def test_a_character_too_long_alone_is_refused_before_anything_is_drawn(classifier, dots_drawn):
    strokes = [*heavy_scribbles()[:11], heavy_scribbles(2000)[11]]
    with pytest.raises(InputTooLarge, match="a character's strokes are"):
        read_strokes_number(classifier, strokes)
    assert dots_drawn == []


def test_one_character_keeps_the_one_digit_limit(classifier):
    # The same bound as a drawing of one digit (model.pipeline): as before.
    (scribble,) = heavy_scribbles(2000)[11:]
    with pytest.raises(InputTooLarge, match="the drawing's strokes are"):
        read_strokes_number(classifier, [scribble])
    (within,) = heavy_scribbles()[:1]
    assert rasterize.planned_dots(within, np.array([len(within)]), within.min(0), 100.0) > (
        REQUEST_DOTS // (MAX_REFITS * MAX_CANDIDATES)
    )
    read_strokes_number(classifier, [within])


def test_an_honest_number_is_drawn_exactly_as_with_no_budget_limit(sure_digits):
    shapes = [sure_digits[d] for d in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 4, 7)]
    # Each digit shares a few columns with the next: every pair is tried too.
    strokes, _ = side_by_side(shapes, height=60, gap=-1, left=20, top=100)
    unlimited = WorkBudget(dots=10**9)
    budgeted = stroke_layout(strokes, min_extent(PAD_SIZE, PAD_SIZE), WorkBudget())
    free = stroke_layout(strokes, min_extent(PAD_SIZE, PAD_SIZE), unlimited)
    assert len(budgeted.candidates) == len(free.candidates) > MAX_CHARACTERS
    for one, other in zip(budgeted.candidates, free.candidates, strict=True):
        assert one.render.args[4] < other.render.args[4] == MAX_SAMPLES
        assert np.array_equal(one.image, other.image)


def test_evidence_takes_larger_patches_when_the_budget_is_nearly_spent(classifier):
    scribble = read_strokes_number(classifier, heavy_scribbles()[:1]).characters[0]
    image = scribble.prediction.image
    fine = 1 + len(ink_patches(image, PATCH))
    coarse = 1 + len(ink_patches(image, COARSER_PATCHES[0]))
    assert coarse < fine
    enough = WorkBudget(model_calls=fine)
    assert np.array_equal(
        evidence.evidence_maps(classifier, image, budget=enough),
        evidence.evidence_maps(classifier, image),
    )
    assert enough.calls_left() == 0
    nearly = WorkBudget(model_calls=fine - 1)
    maps = evidence.evidence_maps(classifier, image, budget=nearly)
    assert maps.shape == (10, 28, 28)
    assert nearly.calls_made == coarse
    spent = WorkBudget(model_calls=0)
    assert evidence.explain(classifier, scribble.prediction, spent)["evidence"] is None
    assert spent.calls_made == 0
