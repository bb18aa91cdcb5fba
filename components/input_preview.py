"""The input preview: the 28x28 image the network saw, one visible cell per pixel.

Shown in the model's own polarity (ink bright on black, like MNIST), so a person
sees exactly the input, not a prettified copy of their drawing.
"""

import numpy as np
from dash import dcc

from components import ids
from model.contract import IMAGE_SIZE

# Three decimals keep the JSON small (28x28 values) with no visible difference.
DECIMALS = 3
# Seven screen pixels per image pixel: the grid stays visible.
PREVIEW_PX = 7 * IMAGE_SIZE


def preview_figure(image: np.ndarray | None = None) -> dict:
    """A heatmap of a 28x28 image in [0, 1] (None: an all-dark field)."""
    if image is None:
        z = np.zeros((IMAGE_SIZE, IMAGE_SIZE))
    else:
        z = np.asarray(image, dtype=np.float64).reshape(IMAGE_SIZE, IMAGE_SIZE)
    axis = {
        "visible": False,
        "fixedrange": True,
        "range": [-0.5, IMAGE_SIZE - 0.5],
    }
    return {
        "data": [
            {
                "type": "heatmap",
                "z": np.round(z, DECIMALS).tolist(),
                "zmin": 0.0,
                "zmax": 1.0,
                "colorscale": [[0.0, "#000000"], [1.0, "#ffffff"]],
                "showscale": False,
                "xgap": 1,
                "ygap": 1,
                "hovertemplate": "x %{x}, y %{y}: %{z:.2f}<extra></extra>",
            }
        ],
        "layout": {
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "width": PREVIEW_PX,
            "height": PREVIEW_PX,
            "xaxis": dict(axis),
            # Row 0 is the top of the image.
            "yaxis": dict(axis, range=[IMAGE_SIZE - 0.5, -0.5], scaleanchor="x"),
            "paper_bgcolor": "#3a4250",
            "plot_bgcolor": "#3a4250",
        },
    }


def input_preview() -> dcc.Graph:
    """The preview component, dark until something is drawn."""
    return dcc.Graph(
        id=ids.INPUT_PREVIEW,
        className="input-preview",
        figure=preview_figure(None),
        config={"displayModeBar": False, "staticPlot": True},
    )
