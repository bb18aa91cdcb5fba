"""The Dash callbacks, and the plain functions they call.

Callbacks are thin: `view_for_drawing` runs model.pipeline on the canvas JSON
(and model.evidence when a digit's evidence is asked for) and
`view_for_prediction` turns the answer into words and figures; both are tested
as plain functions. Drawing, clearing and choosing a digit's evidence share one
callback on purpose: Dash drops the answer of an earlier call of a callback
when a later call of the same callback is under way, so a slow answer for an
old stroke (or for the drawing before a clear) can never overwrite the newest
one. Choosing the digit and copying the answer into the phone's strip happen in
the browser (assets/page_callbacks.js).
"""

import logging
from dataclasses import dataclass

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, no_update

from components import drawing_pad, ids
from components.input_preview import preview_caption, preview_figure
from components.prediction_text import (
    Headline,
    headline_for,
    headline_for_error,
)
from components.probability_chart import probability_figure
from model import evidence, pipeline
from model.contract import NUM_CLASSES
from model.errors import InvalidInput

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class View:
    """Everything the page shows about one drawing."""

    headline: Headline
    chart: dict
    preview: dict
    caption: list

    def outputs(self) -> tuple:
        """In the order of the prediction callback's first six outputs."""
        return (
            self.headline.digit,
            self.headline.detail,
            f"prediction-detail tone-{self.headline.tone}",
            self.chart,
            self.preview,
            self.caption,
        )


def empty_view(evidence_digit: int | None = None) -> View:
    """The page before anything is drawn, and after clear."""
    return View(
        headline=Headline(digit="", detail="Draw a digit", tone="idle"),
        chart=probability_figure(None, marked=evidence_digit),
        preview=preview_figure(None),
        caption=preview_caption(evidence_digit, drawn=False),
    )


def error_view(message: str, evidence_digit: int | None = None) -> View:
    """A refused drawing: the reason on the page, empty bars and preview."""
    return View(
        headline=headline_for_error(message),
        chart=probability_figure(None, marked=evidence_digit),
        preview=preview_figure(None),
        caption=preview_caption(evidence_digit, drawn=False),
    )


def view_for_prediction(prediction, evidence_digit=None, evidence_map=None) -> View:
    """A model.pipeline.Prediction as words, bars and the 28x28 input; with
    `evidence_map` (28x28, for `evidence_digit`), the evidence over the input."""
    if prediction.empty:
        return empty_view(evidence_digit)
    return View(
        headline=headline_for(prediction),
        chart=probability_figure(
            prediction.probabilities, prediction.digit, prediction.unsure, marked=evidence_digit
        ),
        preview=preview_figure(prediction.image, evidence_map),
        caption=preview_caption(evidence_digit, drawn=True),
    )


def chosen_digit(value) -> int | None:
    """The evidence digit the browser sent, if it is one (anything else: none)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < NUM_CLASSES:
        return value
    return None


def view_for_drawing(
    classifier,
    json_data,
    width: float | None = drawing_pad.CANVAS_SIZE,
    height: float | None = drawing_pad.CANVAS_SIZE,
    evidence_digit: int | None = None,
) -> View:
    """dash-canvas json_data (or nothing yet) to the view; bad input becomes a message.
    With `evidence_digit`, the preview shows that digit's evidence."""
    if not json_data:
        return empty_view(evidence_digit)
    try:
        prediction = pipeline.predict_canvas(classifier, json_data, width, height)
    except InvalidInput as error:
        logger.info("refused a drawing: %s", error)
        return error_view(str(error), evidence_digit)
    if evidence_digit is None or prediction.empty:
        return view_for_prediction(prediction, evidence_digit)
    maps = evidence.evidence_maps(classifier, prediction.image)
    return view_for_prediction(prediction, evidence_digit, maps[evidence_digit])


# The prediction callback's outputs, in order: the View's six, then the pad
# (swapped for a fresh canvas on clear).
PREDICTION_OUTPUTS = (
    (ids.PREDICTED_DIGIT, "children"),
    (ids.PREDICTION_DETAIL, "children"),
    (ids.PREDICTION_DETAIL, "className"),
    (ids.PROBABILITY_CHART, "figure"),
    (ids.INPUT_PREVIEW, "figure"),
    (ids.PREVIEW_CAPTION, "children"),
    (ids.DRAWING_PAD, "children"),
)


def dash_update_request(
    json_data,
    clear_clicks: int = 0,
    changed: str = f"{ids.CANVAS}.json_data",
    evidence_digit: int | None = None,
) -> dict:
    """The body dash-renderer posts to /_dash-update-component for the prediction
    callback, for clients that talk to it without a browser (tests, bench/)."""
    return {
        "output": ".." + "...".join(f"{cid}.{prop}" for cid, prop in PREDICTION_OUTPUTS) + "..",
        "outputs": [{"id": cid, "property": prop} for cid, prop in PREDICTION_OUTPUTS],
        "inputs": [
            {"id": ids.CANVAS, "property": "json_data", "value": json_data},
            {"id": ids.CLEAR_BUTTON, "property": "n_clicks", "value": clear_clicks},
            {"id": ids.EVIDENCE_DIGIT, "property": "data", "value": evidence_digit},
        ],
        "changedPropIds": [changed],
    }


def register_callbacks(app, classifier) -> None:
    """Attach the page's callbacks to `app` for `classifier`."""

    @app.callback(
        *(Output(component, prop) for component, prop in PREDICTION_OUTPUTS),
        Input(ids.CANVAS, "json_data"),
        Input(ids.CLEAR_BUTTON, "n_clicks"),
        Input(ids.EVIDENCE_DIGIT, "data"),
        prevent_initial_call=True,
    )
    def update_prediction(json_data, _clear_clicks, evidence_digit):
        evidence_digit = chosen_digit(evidence_digit)
        if ctx.triggered_id == ids.CLEAR_BUTTON:
            return (*empty_view(evidence_digit).outputs(), drawing_pad.make_canvas())
        view = view_for_drawing(classifier, json_data, evidence_digit=evidence_digit)
        return (*view.outputs(), no_update)

    # A bar or a digit button picks the digit whose evidence is shown; the same
    # one again goes back to the plain input.
    app.clientside_callback(
        ClientsideFunction(namespace="digitPage", function_name="chooseEvidence"),
        Output(ids.EVIDENCE_DIGIT, "data"),
        Output({"type": ids.EVIDENCE_TILE, "digit": ALL}, "aria-pressed"),
        Input(ids.PROBABILITY_CHART, "clickData"),
        Input({"type": ids.EVIDENCE_TILE, "digit": ALL}, "n_clicks"),
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
