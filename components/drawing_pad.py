"""The drawing pad: a square DashCanvas with a brush-width control, undo and clear.

dash-canvas keeps its sketch 200 px tall unless it has a background image; the
square comes from assets/style.css, which sizes the sketch container, and from
assets/drawing_pad.js, which also turns touch into mouse input and sends the
drawing at the end of every stroke (dash-canvas only sends it on its own Save).
"""

from dash import dcc, html
from dash_canvas import DashCanvas

from components import ids

# Pixels on a desktop; assets/style.css shrinks the pad on narrow screens.
CANVAS_SIZE = 400
BRUSH_MIN = 4
BRUSH_MAX = 32
BRUSH_DEFAULT = 16
INK_COLOR = "black"
# Every dash-canvas tool button except undo/redo; those and Save stay in the DOM,
# hidden by CSS, because assets/drawing_pad.js clicks them.
HIDDEN_TOOL_BUTTONS = ["zoom", "pan", "line", "pencil", "rectangle", "select"]


def make_canvas(brush_width: int = BRUSH_DEFAULT) -> DashCanvas:
    """A fresh, empty canvas (the clear button swaps one in)."""
    return DashCanvas(
        id=ids.CANVAS,
        width=CANVAS_SIZE,
        height=CANVAS_SIZE,
        lineWidth=brush_width or BRUSH_DEFAULT,
        lineColor=INK_COLOR,
        tool="pencil",
        hide_buttons=HIDDEN_TOOL_BUTTONS,
    )


def drawing_pad(brush_width: int = BRUSH_DEFAULT) -> html.Div:
    """The pad and its toolbar."""
    return html.Div(
        className="pad-panel",
        children=[
            html.Div(
                id=ids.DRAWING_PAD,
                className="drawing-pad",
                title="Draw one digit here",
                children=make_canvas(brush_width),
            ),
            html.Div(
                className="pad-toolbar",
                children=[
                    html.Label(
                        className="brush-control",
                        children=[
                            html.Span("Brush", className="brush-label"),
                            dcc.Slider(
                                id=ids.BRUSH_WIDTH,
                                min=BRUSH_MIN,
                                max=BRUSH_MAX,
                                step=2,
                                value=brush_width,
                                marks=None,
                                tooltip={
                                    "placement": "bottom",
                                    "always_visible": False,
                                },
                                className="brush-slider",
                            ),
                        ],
                    ),
                    html.Button("Undo", id=ids.UNDO_BUTTON, className="tool-button", n_clicks=0),
                    html.Button(
                        "Clear",
                        id=ids.CLEAR_BUTTON,
                        className="tool-button clear",
                        n_clicks=0,
                    ),
                ],
            ),
        ],
    )
