"""The input preview: the 28x28 image the network saw, one visible cell per pixel,
and, when a digit is chosen, the evidence for and against that digit on its ink.

The picture is a tiny PNG data URL (28x28, made with Pillow), drawn enlarged
with sharp cells by the browser (assets/style.css), not a plotting library's
heat map: the page loads no chart bundle, and a new picture never changes the
preview's size.

The plain preview is in the model's own polarity (ink bright on black, like
MNIST), so a person sees exactly the input, not a prettified copy. The evidence
view draws the same input on white and colours each ink pixel on a diverging
scale by the evidence of its patch (model/evidence.py, in [-1, 1]): neutral
grey at 0, red for the digit, blue against it, faint where the ink is faint.
Ink is where occlusion finds evidence, so the colour stays on the strokes.
Under the picture a scale says what its colours mean.
"""

import base64
import io

import numpy as np
from dash import html
from PIL import Image

from components import ids
from model.core.contract import IMAGE_SIZE

# Seven screen pixels per image pixel: the grid stays visible (assets/style.css).
PREVIEW_PX = 7 * IMAGE_SIZE
# The diverging scale: -1 (against), 0 (no effect) and +1 (for), as RGB.
EVIDENCE_FOR_COLOR = "#b2182b"
EVIDENCE_AGAINST_COLOR = "#2166ac"
NEUTRAL_INK_COLOR = "#c4c9d1"
BACKGROUND_COLOR = "#ffffff"
PLAIN_CAPTION = "What the network saw: 28 × 28 pixels."
EVIDENCE_HINT = "Press a digit under the bars to see why."
PLAIN_ALT = "The 28 by 28 pixel image the network saw"


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def evidence_colors(values: np.ndarray) -> np.ndarray:
    """Evidence in [-1, 1] to RGB on the diverging scale: NEUTRAL_INK_COLOR at 0,
    EVIDENCE_FOR_COLOR at +1, EVIDENCE_AGAINST_COLOR at -1, linear between."""
    values = np.clip(np.asarray(values, dtype=np.float64), -1.0, 1.0)[..., None]
    neutral = _rgb(NEUTRAL_INK_COLOR)
    toward = np.where(values >= 0, _rgb(EVIDENCE_FOR_COLOR), _rgb(EVIDENCE_AGAINST_COLOR))
    return neutral + np.abs(values) * (toward - neutral)


def _square(image: np.ndarray | None) -> np.ndarray:
    if image is None:
        return np.zeros((IMAGE_SIZE, IMAGE_SIZE))
    values = np.asarray(image, dtype=np.float64).reshape(IMAGE_SIZE, IMAGE_SIZE)
    return np.clip(values, 0.0, 1.0)


def preview_pixels(image: np.ndarray | None = None, evidence: np.ndarray | None = None):
    """The picture as a uint8 array: 28x28 grey for the plain input (None: all
    dark), 28x28x3 RGB with an `evidence` map (28x28 in [-1, 1]) for a drawing."""
    ink = _square(image)
    if image is None or evidence is None:
        return np.round(ink * 255).astype(np.uint8)
    shown = np.asarray(evidence, dtype=np.float64).reshape(IMAGE_SIZE, IMAGE_SIZE)
    colors = evidence_colors(shown)
    alpha = ink[..., None]
    mixed = alpha * colors + (1.0 - alpha) * _rgb(BACKGROUND_COLOR)
    return np.round(mixed).astype(np.uint8)


def preview_image(image: np.ndarray | None = None, evidence: np.ndarray | None = None) -> str:
    """preview_pixels as a PNG data URL."""
    pixels = preview_pixels(image, evidence)
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode="L" if pixels.ndim == 2 else "RGB").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def scale_legend(evidence_digit: int | None) -> html.Div:
    """The scale under the picture: ink's brightness for the plain input; the
    diverging evidence scale, -1 ... 0 ... +1, for the evidence view."""
    if evidence_digit is None:
        return html.Div(
            className="scale plain-scale",
            children=[
                html.Div(className="scale-bar", **{"aria-hidden": "true"}),
                html.Div(
                    className="scale-ticks",
                    children=[html.Span("0: no ink"), html.Span("1: full ink")],
                ),
            ],
        )
    return html.Div(
        className="scale evidence-scale",
        children=[
            html.Div(className="scale-bar", **{"aria-hidden": "true"}),
            html.Div(
                className="scale-ticks",
                children=[
                    html.Span("−1 against", className="evidence-against"),
                    html.Span("0"),
                    html.Span("+1 for", className="evidence-for"),
                ],
            ),
        ],
    )


def preview_caption(
    evidence_digit: int | None = None, drawn: bool = False, where: str | None = None
) -> list:
    """The words under the preview: the scale, which character it is (`where`:
    "Character 2 of 3", for a drawing of several), what the picture shows, and
    how to see or hide the evidence."""
    legend = scale_legend(evidence_digit if drawn else None)
    place = [f"{where}. "] if where else []
    if evidence_digit is None:
        words = [PLAIN_CAPTION, " ", EVIDENCE_HINT] if drawn else [PLAIN_CAPTION]
        return [legend, *place, *words]
    digit = str(evidence_digit)
    if not drawn:
        return [legend, f"Draw a digit to see the evidence for {digit}."]
    return [
        legend,
        *place,
        "Evidence for ",
        digit,
        ": ",
        html.Span("red", className="evidence-for"),
        " ink for it, ",
        html.Span("blue", className="evidence-against"),
        f" against it (without that ink, {digit} would be likelier). "
        f"Press {digit} again for the plain input.",
    ]


def input_preview() -> html.Img:
    """The preview, dark until something is drawn."""
    return html.Img(
        id=ids.INPUT_PREVIEW,
        className="input-preview",
        src=preview_image(None),
        alt=PLAIN_ALT,
        width=PREVIEW_PX,
        height=PREVIEW_PX,
    )
