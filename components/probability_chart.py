"""The probability chart: ten bars, one per digit, on a fixed 0-100% axis.

Figures are plain dicts, not plotly.graph_objects: building a validated Figure
costs milliseconds per stroke and Dash sends the same JSON either way.
"""

from collections.abc import Sequence

from dash import dcc

from components import ids

DIGITS = [str(digit) for digit in range(10)]
BAR_COLOR = "#b8c4d6"
TOP_COLOR = "#1f5fbf"
UNSURE_TOP_COLOR = "#c77700"
TRANSITION_MS = 120


def probability_figure(
    probabilities: Sequence[float] | None = None,
    top: int | None = None,
    unsure: bool = False,
) -> dict:
    """Bars for `probabilities` (ten values in [0, 1]; None: all empty), `top` highlighted."""
    if probabilities is None:
        percents = [0.0] * 10
    else:
        if len(probabilities) != 10:
            raise ValueError(f"expected 10 probabilities, got {len(probabilities)}")
        percents = [round(100.0 * float(p), 1) for p in probabilities]
    top_color = UNSURE_TOP_COLOR if unsure else TOP_COLOR
    colors = [top_color if digit == top else BAR_COLOR for digit in range(10)]
    labels = [f"{p:.0f}%" if probabilities is not None else "" for p in percents]
    return {
        "data": [
            {
                "type": "bar",
                "x": DIGITS,
                "y": percents,
                "text": labels,
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {"color": colors},
                "hovertemplate": "digit %{x}: %{y:.1f}%<extra></extra>",
            }
        ],
        "layout": {
            "margin": {"l": 44, "r": 8, "t": 18, "b": 36},
            "height": 240,
            "xaxis": {
                "type": "category",
                "fixedrange": True,
                "title": {"text": "digit"},
            },
            "yaxis": {
                "range": [0, 100],
                "fixedrange": True,
                "ticksuffix": "%",
                "dtick": 25,
                "gridcolor": "#e3e8ef",
            },
            "bargap": 0.25,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "font": {"color": "#1d2433", "size": 13},
            "transition": {"duration": TRANSITION_MS, "easing": "cubic-in-out"},
            "uirevision": "probabilities",
        },
    }


def probability_chart() -> dcc.Graph:
    """The chart component, empty until something is drawn."""
    return dcc.Graph(
        id=ids.PROBABILITY_CHART,
        className="probability-chart",
        figure=probability_figure(None),
        config={"displayModeBar": False, "responsive": True},
    )
