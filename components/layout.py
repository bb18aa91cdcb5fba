"""The page layout: a short header, the pad on one side and the answers on the
other (stacked on a phone, with the answer in a strip above the pad), and the
"About the model" panel under them; and the HTML page around it."""

from dash import dcc, html
from dash.dash import _default_index

from components import (
    character_tiles,
    correction_form,
    drawing_pad,
    ids,
    input_preview,
    prediction_text,
    probability_chart,
)
from components.about_model import about_model

# One name for the app: the tab title, the page heading and the README say it.
APP_NAME = "Digit reader"

# Dash's own page, saying its language, so screen readers pronounce it as English.
INDEX_STRING = _default_index.replace("<html>", '<html lang="en">', 1)


def build_layout(card: dict | None = None, corrections_off: str | None = None) -> html.Div:
    """The whole page; `card` is the model card dict (DigitClassifier.card);
    `corrections_off` says why corrections are off, when they are."""
    return html.Div(
        className="page",
        children=[
            html.Header(
                className="page-header",
                children=[
                    html.H1(APP_NAME),
                    html.P(
                        "Draw a digit, or a number, with your mouse, pen or finger; "
                        "the answer updates as you lift it.",
                        className="lede",
                    ),
                ],
            ),
            html.Main(
                className="board",
                children=[
                    html.Section(
                        className="panel pad-card",
                        **{"aria-label": "Drawing pad"},
                        children=[prediction_text.answer_strip(), drawing_pad.drawing_pad()],
                    ),
                    html.Section(
                        className="panel results",
                        **{"aria-label": "What the network read"},
                        children=[
                            html.Div(
                                className="answer-row",
                                children=[
                                    html.Div(
                                        className="answer-column",
                                        children=[
                                            prediction_text.prediction_panel(),
                                            # Outside the live region: the
                                            # panel's words already say it all.
                                            character_tiles.tiles_row(),
                                        ],
                                    ),
                                    html.Figure(
                                        className="preview-block",
                                        children=[
                                            input_preview.input_preview(),
                                            html.Figcaption(
                                                input_preview.preview_caption(),
                                                id=ids.PREVIEW_CAPTION,
                                                className="caption",
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                            correction_form.correction_form(corrections_off),
                            html.H2(
                                probability_chart.CHART_TITLE,
                                id=ids.CHART_TITLE,
                                className="panel-title",
                            ),
                            probability_chart.probability_chart(),
                            dcc.Store(id=ids.EVIDENCE_DIGIT, data=None),
                            dcc.Store(id=ids.SELECTED_CHARACTER, data=None),
                        ],
                    ),
                ],
            ),
            html.Aside(about_model(card or {}), **{"aria-label": "About the model"}),
        ],
    )
