"""The drawing pad: a square DashCanvas with undo and clear.

dash-canvas keeps its sketch 200 px tall unless it has a background image; the
square comes from assets/style.css, which sizes the sketch container, and from
assets/drawing_pad.js, which also turns touch into mouse input and sends the
drawing at the end of every stroke (dash-canvas only sends it on its own Save).

There is no brush-width control: the network always sees the same fixed pen
(model/character/rasterize.py), whatever the ink looks like on screen, so a width slider
changed nothing but the look of the ink.
"""

from dash import html

from components import ids
from dash_canvas import DashCanvas

# Pixels on a desktop; assets/style.css shrinks the pad on narrow or short
# screens (by the smaller of the screen's width and height). The server reads
# strokes in whatever pixels the pad had: a drawing is scaled to the network's
# input by its own size, and this side only sets the smallest stroke that counts.
CANVAS_SIZE = 400
INK_WIDTH = 16
INK_COLOR = "black"
# Every dash-canvas tool button except undo/redo; those and Save stay in the DOM,
# hidden by CSS, because assets/drawing_pad.js clicks them.
HIDDEN_TOOL_BUTTONS = ["zoom", "pan", "line", "pencil", "rectangle", "select"]


def make_canvas() -> DashCanvas:
    """A fresh, empty canvas (the clear button swaps one in)."""
    return DashCanvas(
        id=ids.CANVAS,
        width=CANVAS_SIZE,
        height=CANVAS_SIZE,
        lineWidth=INK_WIDTH,
        lineColor=INK_COLOR,
        tool="pencil",
        hide_buttons=HIDDEN_TOOL_BUTTONS,
    )


def drawing_pad() -> html.Div:
    """The pad and its toolbar."""
    return html.Div(
        className="pad-panel",
        children=[
            html.Div(
                id=ids.DRAWING_PAD,
                className="drawing-pad",
                title="Draw a digit or a number here",
                children=make_canvas(),
            ),
            html.Div(
                className="pad-toolbar",
                children=[
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
