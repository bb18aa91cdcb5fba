"""Reading the page's parts as the server builds them, without a browser: the
bars (components/probability_chart.probability_bars) and the preview's picture
(components/input_preview.preview_image), for tests and bench/."""

import base64
import io

import numpy as np
from PIL import Image


def _props(component) -> dict:
    """A component's props, from the component or from its JSON (as Dash sends it)."""
    if isinstance(component, dict):
        return component.get("props", component)
    return component.to_plotly_json()["props"]


def _bar(column) -> dict:
    area = _props(_props(column)["children"][0])
    return _props(area["children"][0])


def bar_heights(bars) -> list[float]:
    """The ten bars' heights in percent (from components or from Dash's JSON)."""
    return [float(_bar(column)["data-percent"]) for column in bars]


def bar_classes(bars) -> list[set[str]]:
    """Each bar's CSS classes ("top", "unsure", "marked" besides "bar-column")."""
    return [set(_props(column)["className"].split()) for column in bars]


def bar_labels(bars) -> list[str]:
    """The words over each bar ("62%"; "" on an empty chart)."""
    labels = []
    for column in bars:
        area = _props(_props(column)["children"][0])
        label = _props(area["children"][1])
        labels.append(_props(label["children"])["children"])
    return labels


def picture(data_url: str) -> np.ndarray:
    """A data URL's image as an array of 0-255 values: (28, 28) grey or (28, 28, 3) RGB."""
    data = base64.b64decode(data_url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(data)), dtype=float)


def plain_pixels(data_url: str) -> np.ndarray:
    """The plain preview's 28x28 pixels in [0, 1], ink bright like the network's input."""
    image = picture(data_url)
    assert image.ndim == 2, "the picture is the evidence view, not the plain input"
    return image / 255.0


def text_of(part) -> str:
    """All the words in a component tree (or a list of them, or Dash's JSON of one)."""
    if part is None:
        return ""
    if isinstance(part, str | int | float):
        return str(part)
    if isinstance(part, list | tuple):
        return "".join(text_of(child) for child in part)
    return text_of(_props(part).get("children"))
