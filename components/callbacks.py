"""The Dash callbacks, and the plain functions they call.

Callbacks are thin: `view_for_drawing` reads the canvas JSON as a number
(model.numbers.number: one or more characters, left to right; model.evidence when a
digit's evidence is asked for) and `view_for_reading` turns the reading into
words, bars and pictures; both are tested as plain functions. A single character
looks as a single digit always did; several show the whole number, a button per
character, and the bars and preview of one character (the one pressed, else
`default_character`).

Drawing, clearing, choosing a digit's evidence and choosing a character share
one callback on purpose: Dash drops the answer of an earlier call of a callback
when a later call of the same callback is under way, so a slow answer for an
old stroke (or for the drawing before a clear) can never overwrite the newest
one. Choosing the digit or the character, and copying the answer into the
phone's strip, happen in the browser (assets/page_callbacks.js).
"""

import logging
from dataclasses import dataclass, field

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, no_update

from components import drawing_pad, ids
from components.character_tiles import character_tiles
from components.input_preview import preview_caption, preview_image
from components.prediction_text import (
    Headline,
    digit_class,
    headline_for,
    headline_for_error,
    headline_for_number,
    lean_title,
)
from components.probability_chart import CHART_TITLE, probability_bars
from model import evidence
from model.core.budget import WorkBudget
from model.core.contract import NUM_CLASSES
from model.core.errors import InvalidInput
from model.numbers import number

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class View:
    """Everything the page shows about one drawing."""

    headline: Headline
    chart: list
    preview: str
    caption: list
    tiles: list = field(default_factory=list)
    chart_title: str = CHART_TITLE

    def outputs(self) -> tuple:
        """In the order of the prediction callback's outputs, but the pad."""
        return (
            self.headline.digit,
            digit_class(self.headline.digit),
            self.headline.detail,
            f"prediction-detail tone-{self.headline.tone}",
            self.chart,
            self.preview,
            self.caption,
            self.tiles,
            self.chart_title,
        )


def empty_view(evidence_digit: int | None = None) -> View:
    """The page before anything is drawn, and after clear."""
    return View(
        headline=Headline(digit="", detail="Draw a digit", tone="idle"),
        chart=probability_bars(None, marked=evidence_digit),
        preview=preview_image(None),
        caption=preview_caption(evidence_digit, drawn=False),
    )


def error_view(message: str, evidence_digit: int | None = None) -> View:
    """A refused drawing: the reason on the page, empty bars and preview."""
    return View(
        headline=headline_for_error(message),
        chart=probability_bars(None, marked=evidence_digit),
        preview=preview_image(None),
        caption=preview_caption(evidence_digit, drawn=False),
    )


def view_for_prediction(prediction, evidence_digit=None, evidence_map=None) -> View:
    """A model.core.prediction.Prediction as words, bars and the 28x28 input; with
    `evidence_map` (28x28, for `evidence_digit`), the evidence over the input."""
    if prediction.empty:
        return empty_view(evidence_digit)
    return View(
        headline=headline_for(prediction),
        chart=probability_bars(
            prediction.probabilities, prediction.digit, prediction.unsure, marked=evidence_digit
        ),
        preview=preview_image(prediction.image, evidence_map),
        caption=preview_caption(evidence_digit, drawn=True),
        chart_title=lean_title(prediction) if prediction.not_a_digit else CHART_TITLE,
    )


def view_for_reading(
    reading, selected: int | None = None, evidence_digit=None, evidence_map=None
) -> View:
    """A model.numbers.number.NumberReading as words, bars and a 28x28 input: one
    character exactly as a single digit; several as the number, a button per
    character and the bars and input of character `selected` (when it is one of
    them; else `default_character`). With `evidence_map` (28x28, for
    `evidence_digit`), the evidence over that character's input."""
    characters = reading.characters
    if len(characters) < 2:
        return view_for_prediction(reading.prediction, evidence_digit, evidence_map)
    index = shown_character(reading, selected)
    prediction = characters[index].prediction
    where = f"Character {index + 1} of {len(characters)}"
    return View(
        headline=headline_for_number(characters),
        chart=probability_bars(
            prediction.probabilities,
            characters[index].digit,
            prediction.unsure,
            marked=evidence_digit,
        ),
        preview=preview_image(prediction.image, evidence_map),
        caption=preview_caption(evidence_digit, drawn=True, where=where),
        tiles=character_tiles(characters, index),
        chart_title=(
            lean_title(prediction, where)
            if prediction.not_a_digit
            else f"{CHART_TITLE}: {where.lower()}"
        ),
    )


def default_character(reading) -> int:
    """The character shown before one is chosen: the first that is no digit
    (what makes the number unreadable), else the first."""
    for index, character in enumerate(reading.characters):
        if character.digit is None:
            return index
    return 0


def shown_character(reading, selected: int | None) -> int:
    """The character whose bars and input are shown: `selected` while the
    reading has it, else the default."""
    if selected is not None and selected < len(reading.characters):
        return selected
    return default_character(reading)


def chosen_digit(value) -> int | None:
    """The evidence digit the browser sent, if it is one (anything else: none)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < NUM_CLASSES:
        return value
    return None


def chosen_character(value) -> int | None:
    """The character index the browser sent, if it is one (anything else: none);
    model.numbers.number reads at most a bounded number of characters, so any larger
    index only falls back to the default."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def view_for_drawing(
    classifier,
    json_data,
    width: float | None = drawing_pad.CANVAS_SIZE,
    height: float | None = drawing_pad.CANVAS_SIZE,
    evidence_digit: int | None = None,
    selected: int | None = None,
) -> View:
    """dash-canvas json_data (or nothing yet) to the view; bad input becomes a message.
    With `evidence_digit`, the preview shows that digit's evidence (for the
    character shown, when there are several); `selected` picks that character.
    Reading and evidence share one model.core.budget.WorkBudget: once the
    reading has spent it, the evidence is coarser, or not shown."""
    if not json_data:
        return empty_view(evidence_digit)
    budget = WorkBudget()
    try:
        reading = number.read_canvas_number(classifier, json_data, width, height, budget)
    except InvalidInput as error:
        logger.info("refused a drawing: %s", error)
        return error_view(str(error), evidence_digit)
    if evidence_digit is None or reading.empty:
        return view_for_reading(reading, selected, evidence_digit)
    image = reading.characters[shown_character(reading, selected)].prediction.image
    maps = evidence.evidence_maps(classifier, image, budget=budget)
    if maps is None:  # the reading spent the budget: the plain input, said as such
        return view_for_reading(reading, selected)
    return view_for_reading(reading, selected, evidence_digit, maps[evidence_digit])


# The prediction callback's outputs, in order: the View's, then the pad
# (swapped for a fresh canvas on clear).
PREDICTION_OUTPUTS = (
    (ids.PREDICTED_DIGIT, "children"),
    (ids.PREDICTED_DIGIT, "className"),
    (ids.PREDICTION_DETAIL, "children"),
    (ids.PREDICTION_DETAIL, "className"),
    (ids.PROBABILITY_CHART, "children"),
    (ids.INPUT_PREVIEW, "src"),
    (ids.PREVIEW_CAPTION, "children"),
    (ids.CHARACTER_TILES, "children"),
    (ids.CHART_TITLE, "children"),
    (ids.DRAWING_PAD, "children"),
)
TILES_OUTPUT = PREDICTION_OUTPUTS.index((ids.CHARACTER_TILES, "children"))


def register_callbacks(app, classifier) -> None:
    """Attach the page's callbacks to `app` for `classifier`."""

    @app.callback(
        *(Output(component, prop) for component, prop in PREDICTION_OUTPUTS),
        Input(ids.CANVAS, "json_data"),
        Input(ids.CLEAR_BUTTON, "n_clicks"),
        Input(ids.EVIDENCE_DIGIT, "data"),
        Input(ids.SELECTED_CHARACTER, "data"),
        prevent_initial_call=True,
    )
    def update_prediction(json_data, _clear_clicks, evidence_digit, selected):
        evidence_digit = chosen_digit(evidence_digit)
        # A clear comes with the reset of the chosen character and digit
        # (chooseCharacter, chooseEvidence): the empty pad has neither.
        if f"{ids.CLEAR_BUTTON}.n_clicks" in ctx.triggered_prop_ids:
            return (*empty_view().outputs(), drawing_pad.make_canvas())
        view = view_for_drawing(
            classifier,
            json_data,
            evidence_digit=evidence_digit,
            selected=chosen_character(selected),
        )
        outputs = list(view.outputs())
        if f"{ids.CANVAS}.json_data" not in ctx.triggered_prop_ids:
            # The same drawing: its character buttons stay (the browser marks the
            # pressed one), since buttons drawn anew would lose the keyboard's focus.
            outputs[TILES_OUTPUT] = no_update
        return (*outputs, no_update)

    # A character's button shows that character's bars and preview; clear
    # forgets the choice. Buttons drawn anew (every answer) change nothing.
    app.clientside_callback(
        ClientsideFunction(namespace="digitPage", function_name="chooseCharacter"),
        Output(ids.SELECTED_CHARACTER, "data"),
        Output({"type": ids.CHARACTER_TILE, "index": ALL}, "aria-pressed"),
        Input({"type": ids.CHARACTER_TILE, "index": ALL}, "n_clicks"),
        Input(ids.CLEAR_BUTTON, "n_clicks"),
        State(ids.SELECTED_CHARACTER, "data"),
        prevent_initial_call=True,
    )

    # A digit button (or its bar: the browser presses the button) picks the
    # digit whose evidence is shown; the same one again goes back to the plain
    # input. Clear forgets the choice: it belongs to the drawing.
    app.clientside_callback(
        ClientsideFunction(namespace="digitPage", function_name="chooseEvidence"),
        Output(ids.EVIDENCE_DIGIT, "data"),
        Output({"type": ids.EVIDENCE_TILE, "digit": ALL}, "aria-pressed"),
        Input({"type": ids.EVIDENCE_TILE, "digit": ALL}, "n_clicks"),
        Input(ids.CLEAR_BUTTON, "n_clicks"),
        State(ids.EVIDENCE_DIGIT, "data"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        ClientsideFunction(namespace="digitPage", function_name="copyAnswer"),
        Output(ids.STRIP_DIGIT, "children"),
        Output(ids.STRIP_DETAIL, "children"),
        Output(ids.STRIP_DETAIL, "className"),
        Input(ids.PREDICTED_DIGIT, "children"),
        Input(ids.PREDICTION_DETAIL, "children"),
        Input(ids.PREDICTION_DETAIL, "className"),
    )
