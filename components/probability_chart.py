"""The probability chart: ten bars, one per digit, on a fixed 0-100% scale, and
under them a row of ten digit buttons that show each digit's evidence.

Plain HTML and CSS, not a plotting library: ten bars need no more, and the page
then loads no chart bundle at all (bench/first_visit.py). Each bar is a full
height block scaled with a CSS transform (assets/style.css), so a new answer
moves nothing on the page: a transform is no layout shift. The bars jump to
their new heights: Dash draws a callback's new children afresh, so there is
nothing to animate from.

The buttons stand in for the axis's digit labels, aligned with the bars, so the
evidence is one click away with a mouse (on a bar or a button), a finger or the
keyboard; a click on a bar presses its button (assets/page_callbacks.js). Where
the chart is too narrow for ten buttons of a finger's size side by side, they
wrap into two rows of five and each bar carries its own small digit label.
"""

from collections.abc import Sequence

from dash import html

from components import ids

DIGITS = [str(digit) for digit in range(10)]
# The heading over the bars; with several characters the page adds which one they are.
CHART_TITLE = "Probabilities"
# The scale's gridlines, in percent.
GRIDLINES = (100, 75, 50, 25, 0)
# CSS classes of a bar: the answer (unsure: in the warning colour) and the
# digit whose evidence is shown (outlined).
TOP_CLASS = "top"
UNSURE_CLASS = "unsure"
MARKED_CLASS = "marked"


def percents(probabilities: Sequence[float] | None) -> list[float]:
    """Ten probabilities in [0, 1] as percentages to one decimal (None: all 0)."""
    if probabilities is None:
        return [0.0] * 10
    if len(probabilities) != 10:
        raise ValueError(f"expected 10 probabilities, got {len(probabilities)}")
    return [round(100.0 * min(max(float(p), 0.0), 1.0), 1) for p in probabilities]


def bar_classes(digit: int, top: int | None, unsure: bool, marked: int | None) -> str:
    names = ["bar-column"]
    if digit == top:
        names += [TOP_CLASS, UNSURE_CLASS] if unsure else [TOP_CLASS]
    if digit == marked:
        names.append(MARKED_CLASS)
    return " ".join(names)


def probability_bars(
    probabilities: Sequence[float] | None = None,
    top: int | None = None,
    unsure: bool = False,
    marked: int | None = None,
) -> list:
    """The chart's ten bars for `probabilities` (ten values in [0, 1]; None: all
    empty, no labels), `top` highlighted, `marked` (the digit whose evidence is
    shown) outlined. Each bar's `data-percent` is its height in percent."""
    values = percents(probabilities)
    bars = []
    for digit, percent in enumerate(values):
        label = f"{percent:.0f}%" if probabilities is not None else ""
        scale = f"{percent / 100:.3f}"
        bars.append(
            html.Div(
                className=bar_classes(digit, top, unsure, marked),
                **{"data-digit": str(digit)},
                children=[
                    html.Div(
                        className="bar-area",
                        children=[
                            html.Div(
                                className="bar",
                                style={"transform": f"scaleY({scale})"},
                                **{"data-percent": f"{percent:.1f}"},
                            ),
                            # A box as tall as the area, its text at its foot, moved up
                            # by the bar's height: the label sits on the bar's top.
                            html.Div(
                                html.Span(label),
                                className="bar-label",
                                style={"transform": f"translateY(-{percent:.1f}%)"},
                            ),
                        ],
                    ),
                    html.Div(
                        [html.Span("digit ", className="visually-hidden"), str(digit)],
                        className="bar-digit",
                    ),
                ],
            )
        )
    return bars


def evidence_tile(digit: int) -> html.Button:
    """The button under a bar; its name for a screen reader is "Evidence for <digit>"."""
    return html.Button(
        [html.Span("Evidence for ", className="visually-hidden"), str(digit)],
        id={"type": ids.EVIDENCE_TILE, "digit": digit},
        className="evidence-tile",
        n_clicks=0,
        **{"aria-pressed": "false"},
    )


def probability_chart() -> html.Div:
    """The chart, empty until something is drawn, with the digit buttons under it."""
    return html.Div(
        className="chart-block",
        children=[
            html.Div(
                className="chart-frame",
                children=[
                    html.Div(
                        className="chart-scale",
                        **{"aria-hidden": "true"},
                        children=[html.Span(f"{value}%") for value in GRIDLINES],
                    ),
                    html.Div(
                        probability_bars(None),
                        id=ids.PROBABILITY_CHART,
                        className="probability-chart",
                    ),
                ],
            ),
            html.Div(
                className="evidence-tiles",
                role="group",
                **{"aria-label": "Show the evidence for a digit"},
                children=[
                    html.Span(
                        [
                            "Why?",
                            html.Span(" Press a digit to see its evidence.", className="hint"),
                        ],
                        className="tiles-label",
                        **{"aria-hidden": "true"},
                    ),
                    *(evidence_tile(digit) for digit in range(10)),
                ],
            ),
        ],
    )
