"""The row of character buttons under the answer when a drawing holds several
characters: one small button per character, left to right, showing the 28x28
the network saw and the digit it read ("?" for a character that is no digit).
Pressing one shows that character's bars and preview.

Each picture is a tiny PNG data URL (a few hundred bytes, made with Pillow in
well under a millisecond), as the preview is: a dozen of them cost the page
nothing to draw. A single digit gets no buttons: the page looks as it always
did. The row keeps its height, empty or full, and scrolls sideways when the
buttons outrun it (assets/style.css), so an answer never moves what is below.
"""

import base64
import io

import numpy as np
from dash import html
from PIL import Image

from components import ids
from model.core.contract import IMAGE_SIZE

NOT_A_DIGIT_MARK = "?"
GROUP_LABEL = "Characters read, left to right"


def image_data_url(image: np.ndarray | None) -> str:
    """A 28x28 image in [0, 1] as a grey PNG data URL, ink bright on black like
    the preview (None: an all-dark square)."""
    if image is None:
        pixels = np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.uint8)
    else:
        values = np.asarray(image, dtype=np.float64).reshape(IMAGE_SIZE, IMAGE_SIZE)
        pixels = np.round(np.clip(values, 0.0, 1.0) * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode="L").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def character_mark(character) -> str:
    """What a character reads as on its button: its digit, or "?"."""
    return NOT_A_DIGIT_MARK if character.digit is None else str(character.digit)


def tile_label(index: int, character) -> str:
    """The button's name for a screen reader: "Character 1: 4"."""
    read = "not a digit" if character.digit is None else str(character.digit)
    return f"Character {index + 1}: {read}"


def character_tile(index: int, character, selected: bool) -> html.Button:
    """The button for one model.numbers.number.CharacterReading; `selected`: its bars are shown."""
    tone = (
        "not-a-digit"
        if character.digit is None
        else ("unsure" if character.prediction.unsure else "sure")
    )
    return html.Button(
        [
            html.Img(
                src=image_data_url(character.prediction.image), alt="", className="tile-image"
            ),
            html.Span(character_mark(character), className="tile-mark", **{"aria-hidden": "true"}),
        ],
        id={"type": ids.CHARACTER_TILE, "index": index},
        className=f"character-tile tile-{tone}",
        n_clicks=0,
        title=f"{tile_label(index, character)}. Show its probabilities.",
        **{"aria-label": tile_label(index, character), "aria-pressed": str(selected).lower()},
    )


def character_tiles(characters, selected: int | None) -> list:
    """The buttons for a reading's characters (none for fewer than two)."""
    if len(characters) < 2:
        return []
    return [character_tile(i, c, i == selected) for i, c in enumerate(characters)]


def tiles_row() -> html.Div:
    """The row's container, empty until a drawing of several characters."""
    return html.Div(
        id=ids.CHARACTER_TILES,
        className="character-tiles",
        role="group",
        **{"aria-label": GROUP_LABEL},
        children=[],
    )
