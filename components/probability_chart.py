"""The probability chart: ten bars, one per digit, on a fixed 0-100% axis, and
under them a row of ten digit buttons that show each digit's evidence.

The buttons stand in for the axis's digit labels, aligned with the bars, so the
evidence is one click away with a mouse (on a bar or a button), a finger or the
keyboard. Figures are plain dicts, not plotly.graph_objects: building a
validated Figure costs milliseconds per stroke and Dash sends the same JSON
either way.
"""

from collections.abc import Sequence

from dash import dcc, html

from components import ids

DIGITS = [str(digit) for digit in range(10)]
# The heading over the bars; with several characters the page adds which one they are.
CHART_TITLE = "Probabilities"
BAR_COLOR = "#b8c4d6"
TOP_COLOR = "#1f5fbf"
UNSURE_TOP_COLOR = "#c77700"
TRANSITION_MS = 120
MARK_COLOR = "#1d2433"
# The plot area's left and right margins; assets/style.css lines the digit
# buttons up with the bars by the same amounts.
MARGIN_LEFT = 44
MARGIN_RIGHT = 8


def probability_figure(
    probabilities: Sequence[float] | None = None,
    top: int | None = None,
    unsure: bool = False,
    marked: int | None = None,
) -> dict:
    """Bars for `probabilities` (ten values in [0, 1]; None: all empty), `top` highlighted,
    `marked` (the digit whose evidence is shown) outlined."""
    if probabilities is None:
        percents = [0.0] * 10
    else:
        if len(probabilities) != 10:
            raise ValueError(f"expected 10 probabilities, got {len(probabilities)}")
        percents = [round(100.0 * float(p), 1) for p in probabilities]
    top_color = UNSURE_TOP_COLOR if unsure else TOP_COLOR
    colors = [top_color if digit == top else BAR_COLOR for digit in range(10)]
    labels = [f"{p:.0f}%" if probabilities is not None else "" for p in percents]
    outline = [2 if digit == marked else 0 for digit in range(10)]
    return {
        "data": [
            {
                "type": "bar",
                "x": DIGITS,
                "y": percents,
                "text": labels,
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {"color": colors, "line": {"color": MARK_COLOR, "width": outline}},
                "hovertemplate": "digit %{x}: %{y:.1f}%<extra></extra>",
            }
        ],
        "layout": {
            "margin": {"l": MARGIN_LEFT, "r": MARGIN_RIGHT, "t": 18, "b": 6},
            "height": 220,
            # The digit buttons under the chart are the axis's labels.
            "xaxis": {"type": "category", "fixedrange": True, "showticklabels": False},
            "yaxis": {
                "range": [0, 100],
                "fixedrange": True,
                "ticksuffix": "%",
                "dtick": 25,
                "gridcolor": "#e3e8ef",
            },
            "bargap": 0.25,
            # A click anywhere in a digit's column picks its bar, however short.
            "hovermode": "x",
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "font": {"color": "#1d2433", "size": 13},
            "transition": {"duration": TRANSITION_MS, "easing": "cubic-in-out"},
            "uirevision": "probabilities",
        },
    }


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
            dcc.Graph(
                id=ids.PROBABILITY_CHART,
                className="probability-chart",
                figure=probability_figure(None),
                config={"displayModeBar": False, "responsive": True},
            ),
            html.Div(
                className="evidence-tiles",
                role="group",
                **{"aria-label": "Show the evidence for a digit"},
                children=[
                    html.Span("Why?", className="tiles-label", **{"aria-hidden": "true"}),
                    *(evidence_tile(digit) for digit in range(10)),
                ],
            ),
        ],
    )
