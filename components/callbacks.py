"""The Dash callbacks, and the plain functions they call.

Callbacks are thin: `view_for_drawing` runs model.pipeline on the canvas JSON
and `view_for_prediction` turns the answer into words and figures; both are
tested as plain functions. Drawing and clearing share one callback on purpose:
Dash drops the answer of an earlier call of a callback when a later call of the
same callback is under way, so a slow answer for an old stroke (or for the
drawing before a clear) can never overwrite the newest one.
"""

import logging
from dataclasses import dataclass

from dash import Input, Output, State, ctx, no_update

from components import drawing_pad, ids
from components.input_preview import preview_figure
from components.prediction_text import (
    Headline,
    headline_for,
    headline_for_error,
)
from components.probability_chart import probability_figure
from model import pipeline
from model.errors import InvalidInput

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class View:
    """Everything the page shows about one drawing."""

    headline: Headline
    chart: dict
    preview: dict

    def outputs(self) -> tuple:
        """In the order of the prediction callback's first five outputs."""
        return (
            self.headline.digit,
            self.headline.detail,
            f"prediction-detail tone-{self.headline.tone}",
            self.chart,
            self.preview,
        )


def empty_view() -> View:
    """The page before anything is drawn, and after clear."""
    return View(
        headline=Headline(digit="", detail="Draw a digit", tone="idle"),
        chart=probability_figure(None),
        preview=preview_figure(None),
    )


def error_view(message: str) -> View:
    """A refused drawing: the reason on the page, empty bars and preview."""
    return View(
        headline=headline_for_error(message),
        chart=probability_figure(None),
        preview=preview_figure(None),
    )


def view_for_prediction(prediction) -> View:
    """A model.pipeline.Prediction as words, bars and the 28x28 input."""
    if prediction.empty:
        return empty_view()
    return View(
        headline=headline_for(prediction),
        chart=probability_figure(prediction.probabilities, prediction.digit, prediction.unsure),
        preview=preview_figure(prediction.image),
    )


def view_for_drawing(
    classifier,
    json_data,
    width: float | None = drawing_pad.CANVAS_SIZE,
    height: float | None = drawing_pad.CANVAS_SIZE,
) -> View:
    """dash-canvas json_data (or nothing yet) to the view; bad input becomes a message."""
    if not json_data:
        return empty_view()
    try:
        prediction = pipeline.predict_canvas(classifier, json_data, width, height)
    except InvalidInput as error:
        logger.info("refused a drawing: %s", error)
        return error_view(str(error))
    return view_for_prediction(prediction)


def brush_for(value) -> int:
    """The slider's brush width as the fresh canvas takes it: a number the slider
    can give, else the default (a request can send anything as the slider's value)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return drawing_pad.BRUSH_DEFAULT
    if not drawing_pad.BRUSH_MIN <= value <= drawing_pad.BRUSH_MAX:  # NaN fails too
        return drawing_pad.BRUSH_DEFAULT
    return round(value)


# The prediction callback's outputs, in order: the View's five, then the pad
# (swapped for a fresh canvas on clear).
PREDICTION_OUTPUTS = (
    (ids.PREDICTED_DIGIT, "children"),
    (ids.PREDICTION_DETAIL, "children"),
    (ids.PREDICTION_DETAIL, "className"),
    (ids.PROBABILITY_CHART, "figure"),
    (ids.INPUT_PREVIEW, "figure"),
    (ids.DRAWING_PAD, "children"),
)


def dash_update_request(
    json_data, clear_clicks: int = 0, changed: str = f"{ids.CANVAS}.json_data"
) -> dict:
    """The body dash-renderer posts to /_dash-update-component for the prediction
    callback, for clients that talk to it without a browser (tests, bench/)."""
    return {
        "output": ".." + "...".join(f"{cid}.{prop}" for cid, prop in PREDICTION_OUTPUTS) + "..",
        "outputs": [{"id": cid, "property": prop} for cid, prop in PREDICTION_OUTPUTS],
        "inputs": [
            {"id": ids.CANVAS, "property": "json_data", "value": json_data},
            {"id": ids.CLEAR_BUTTON, "property": "n_clicks", "value": clear_clicks},
        ],
        "state": [{"id": ids.BRUSH_WIDTH, "property": "value", "value": drawing_pad.BRUSH_DEFAULT}],
        "changedPropIds": [changed],
    }


def register_callbacks(app, classifier) -> None:
    """Attach the page's callbacks to `app` for `classifier`."""

    @app.callback(
        *(Output(component, prop) for component, prop in PREDICTION_OUTPUTS),
        Input(ids.CANVAS, "json_data"),
        Input(ids.CLEAR_BUTTON, "n_clicks"),
        State(ids.BRUSH_WIDTH, "value"),
        prevent_initial_call=True,
    )
    def update_prediction(json_data, _clear_clicks, brush_width):
        if ctx.triggered_id == ids.CLEAR_BUTTON:
            return (*empty_view().outputs(), drawing_pad.make_canvas(brush_for(brush_width)))
        return (*view_for_drawing(classifier, json_data).outputs(), no_update)

    # The brush width never needs the server.
    app.clientside_callback(
        "function (width) { return width; }",
        Output(ids.CANVAS, "lineWidth"),
        Input(ids.BRUSH_WIDTH, "value"),
        prevent_initial_call=True,
    )
