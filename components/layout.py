"""The page layout: header with the model line, the pad on one side, the answers on the other."""

from dash import html

from components import (
    drawing_pad,
    ids,
    input_preview,
    prediction_text,
    probability_chart,
)


def model_note(card: dict) -> str:
    """One line on the model from its card; parts the card lacks are left out."""
    parts = []
    mnist = card.get("mnist_test_accuracy")
    pen = card.get("pen_digits_heldout_accuracy")
    # Two decimals: near 99.5% a tenth of a point is the difference that matters.
    if isinstance(mnist, (int, float)):
        parts.append(f"{mnist:.2%} on the MNIST test set")
    if isinstance(pen, (int, float)):
        parts.append(f"{pen:.2%} on pen-written digits it never saw")
    base = "A small convolutional network trained on MNIST and pen-written digits"
    return f"{base}: {', '.join(parts)}." if parts else f"{base}."


def build_layout(card: dict | None = None) -> html.Div:
    """The whole page; `card` is the model card dict (DigitClassifier.card)."""
    return html.Div(
        className="page",
        children=[
            html.Header(
                className="page-header",
                children=[
                    html.H1("Handwritten digit recognizer"),
                    html.P(
                        "Draw a digit with your mouse, pen or finger; "
                        "the answer updates as you lift it.",
                        className="lede",
                    ),
                    html.P(
                        model_note(card or {}),
                        id=ids.MODEL_NOTE,
                        className="model-note",
                    ),
                ],
            ),
            html.Main(
                className="board",
                children=[
                    html.Section(className="panel", children=[drawing_pad.drawing_pad()]),
                    html.Section(
                        className="panel results",
                        children=[
                            html.Div(
                                className="answer-row",
                                children=[
                                    prediction_text.prediction_panel(),
                                    html.Figure(
                                        className="preview-block",
                                        children=[
                                            input_preview.input_preview(),
                                            html.Figcaption(
                                                "What the network saw: 28 x 28 pixels",
                                                className="caption",
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                            html.H2("Probabilities", className="panel-title"),
                            probability_chart.probability_chart(),
                        ],
                    ),
                ],
            ),
        ],
    )
