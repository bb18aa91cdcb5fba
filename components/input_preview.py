"""The input preview: the 28x28 image the network saw, one visible cell per pixel,
and, when a digit is chosen, the evidence for and against that digit over it.

The plain preview is in the model's own polarity (ink bright on black, like
MNIST), so a person sees exactly the input, not a prettified copy. The evidence
view draws the same input as grey ink on white and colours each ink pixel by
the evidence of its patch (model/evidence.py): red for the digit, blue against
it, stronger where the ink is darker. Ink is where occlusion finds evidence, so
the colour stays on the strokes.
"""

import numpy as np
from dash import dcc, html

from components import ids
from model.core.contract import IMAGE_SIZE

# Three decimals keep the JSON small (28x28 values) with no visible difference.
DECIMALS = 3
# Seven screen pixels per image pixel: the grid stays visible.
PREVIEW_PX = 7 * IMAGE_SIZE
EVIDENCE_FOR_COLOR = "#c0282d"
EVIDENCE_AGAINST_COLOR = "#2166ac"
PLAIN_CAPTION = "What the network saw: 28 × 28 pixels."
EVIDENCE_HINT = "Press a digit under the bars to see why."


def _rgba(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


# Transparent at zero, so weak evidence leaves the grey ink showing; the repeated
# 0.5 stop keeps blue and red from mixing through purple.
EVIDENCE_COLORSCALE = [
    [0.0, _rgba(EVIDENCE_AGAINST_COLOR, 1)],
    [0.25, _rgba(EVIDENCE_AGAINST_COLOR, 0.85)],
    [0.5, _rgba(EVIDENCE_AGAINST_COLOR, 0)],
    [0.5, _rgba(EVIDENCE_FOR_COLOR, 0)],
    [0.75, _rgba(EVIDENCE_FOR_COLOR, 0.85)],
    [1.0, _rgba(EVIDENCE_FOR_COLOR, 1)],
]


def _grid(z: np.ndarray) -> list:
    return np.round(z, DECIMALS).tolist()


def preview_figure(image: np.ndarray | None = None, evidence: np.ndarray | None = None) -> dict:
    """A heatmap of a 28x28 image in [0, 1] (None: an all-dark field); with a 28x28
    `evidence` map in [-1, 1], the evidence view (the input stays trace 0)."""
    if image is None:
        z = np.zeros((IMAGE_SIZE, IMAGE_SIZE))
    else:
        z = np.asarray(image, dtype=np.float64).reshape(IMAGE_SIZE, IMAGE_SIZE)
    shown = image is not None and evidence is not None
    axis = {
        "visible": False,
        "fixedrange": True,
        "range": [-0.5, IMAGE_SIZE - 0.5],
    }
    background = "#d5dbe5" if shown else "#3a4250"
    cells = {"xgap": 1, "ygap": 1, "showscale": False}
    data = [
        {
            "type": "heatmap",
            "z": _grid(z),
            "zmin": 0.0,
            "zmax": 1.0,
            "colorscale": (
                [[0.0, "#ffffff"], [1.0, "#5a6372"]]
                if shown
                else [[0.0, "#000000"], [1.0, "#ffffff"]]
            ),
            "hovertemplate": "x %{x}, y %{y}: %{z:.2f}<extra></extra>",
            **cells,
        }
    ]
    if shown:
        on_ink = np.asarray(evidence, dtype=np.float64).reshape(IMAGE_SIZE, IMAGE_SIZE) * z
        data.append(
            {
                "type": "heatmap",
                "z": _grid(on_ink),
                "zmin": -1.0,
                "zmax": 1.0,
                "colorscale": EVIDENCE_COLORSCALE,
                "hovertemplate": "x %{x}, y %{y}: evidence %{z:.2f}<extra></extra>",
                **cells,
            }
        )
    return {
        "data": data,
        "layout": {
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "width": PREVIEW_PX,
            "height": PREVIEW_PX,
            "xaxis": dict(axis),
            # Row 0 is the top of the image.
            "yaxis": dict(axis, range=[IMAGE_SIZE - 0.5, -0.5], scaleanchor="x"),
            "paper_bgcolor": background,
            "plot_bgcolor": background,
        },
    }


def preview_caption(evidence_digit: int | None = None, drawn: bool = False) -> list:
    """The words under the preview: what it shows, and how to see or hide the evidence."""
    if evidence_digit is None:
        return [PLAIN_CAPTION, " ", EVIDENCE_HINT] if drawn else [PLAIN_CAPTION]
    digit = str(evidence_digit)
    if not drawn:
        return [f"Draw a digit to see the evidence for {digit}."]
    return [
        "Evidence for ",
        digit,
        ": ",
        html.Span("red", className="evidence-for"),
        " for it, ",
        html.Span("blue", className="evidence-against"),
        f" against it. Press {digit} again for the plain input.",
    ]


def input_preview() -> dcc.Graph:
    """The preview component, dark until something is drawn."""
    return dcc.Graph(
        id=ids.INPUT_PREVIEW,
        className="input-preview",
        figure=preview_figure(None),
        config={"displayModeBar": False, "staticPlot": True},
    )
