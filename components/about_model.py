"""The "About the model" panel: the figures that matter, read from the model card.

Every figure comes from the card (model/shipped/model_card.json); a figure the
card lacks is left out or said to be missing, never made up. The pen-written
digits' figure in the current card is from a random split, which puts every
writer on both sides of it, so it is labelled as such. A writer-independent
figure is shown when the card has one, under the keys
`pen_writers_heldout_accuracy` and `pen_writers_heldout` (the same shape as
`pen_digits_heldout`: count, accuracy, per_class_accuracy, confusion_matrix).
The cross-collection figure (a whole collection of other writers on other
devices held out, model/training/validate.py) is shown beside them when the
card's `validation_table` has it.

Which model version serves can change while the server runs (a promoted
fine-tune, web/serving.py), and the layout is built once at start: so the
panel's version line and that version's table (`model_version`) are filled by
a callback, on the page's load and whenever the panel is clicked open.
"""

from datetime import date

from dash import Input, Output, html

from components import ids

# (card key of the summary dict, label): the test sets, most telling first.
TEST_SETS = (
    ("pen_writers_heldout", "Pen digits by writers it never saw"),
    ("pen_digits_heldout", "Pen digits, random split (writers seen in training)"),
    ("mnist_test", "MNIST test set"),
)
WRITERS_KEY = "pen_writers_heldout_accuracy"
SHORT_NAMES = {
    "pen_writers_heldout": "New writers",
    "pen_digits_heldout": "Pen, random split",
    "mnist_test": "MNIST",
}
RANDOM_SPLIT_NOTE = (
    "The pen-written digits were split at random, so the people who wrote the test "
    "digits also wrote training digits: that figure flatters how well the model "
    "reads someone new. No writer-independent figure has been measured for this model yet."
)
ERROR_COLOR = "#f4a582"
MISTAKE_COLOR = "#fde0d2"
CORRECT_COLOR = "#dbe4f0"


def model_note(card: dict) -> str:
    """One line on the model from its card; parts the card lacks are left out."""
    parts = []
    mnist = card.get("mnist_test_accuracy")
    pen = card.get("pen_digits_heldout_accuracy")
    writers = card.get(WRITERS_KEY)
    # Two decimals: near 99.5% a tenth of a point is the difference that matters.
    if _is_number(writers):
        parts.append(f"{writers:.2%} on digits by writers it never saw")
    if _is_number(mnist):
        parts.append(f"{mnist:.2%} on the MNIST test set")
    if _is_number(pen):
        parts.append(
            f"{pen:.2%} on held-out pen-written digits (a random split: "
            "their writers also wrote training digits)"
        )
    base = "A small convolutional network trained on MNIST and pen-written digits"
    return f"{base}: {', '.join(parts)}." if parts else f"{base}."


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def test_sets(card: dict) -> list[tuple[str, str, dict]]:
    """(key, label, summary) for each test set the card measured, most telling first."""
    found = []
    for key, label in TEST_SETS:
        summary = card.get(key)
        if isinstance(summary, dict) and _is_number(summary.get("accuracy")):
            found.append((key, label, summary))
    return found


def training_date(card: dict) -> str | None:
    """The card's `trained` date (ISO, date or date-time) as "24 November 2026"."""
    value = card.get("trained")
    if not isinstance(value, str):
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return f"{day.day} {day:%B %Y}"


def cross_collection(card: dict) -> tuple[str, str] | None:
    """(label, value) of the validation table's whole-collection-held-out line."""
    table = card.get("validation_table")
    lines = table.get("lines") if isinstance(table, dict) else None
    for line in lines if isinstance(lines, list) else []:
        if not isinstance(line, dict) or not str(line.get("key", "")).endswith("_whole_held_out"):
            continue
        figure, count = line.get("figure"), line.get("count")
        if not _is_number(figure) or not isinstance(count, int):
            continue
        name = str(line["key"]).removesuffix("_whole_held_out").replace("uji", "UJI")
        label = f"Another collection it never trained on ({name}, other writers and devices)"
        if "sibling" in str(line.get("note", "")):
            # Trained on it: the figure is a run of the same recipe without it.
            label = f"Another collection ({name}), held out of a run of the same recipe"
        return label, f"{figure:.2%} of {count:,} digits"
    return None


def key_figures(card: dict) -> list[tuple[str, str]]:
    """(label, value) pairs: accuracy on each test set and on a whole other
    collection, parameters, training date."""
    figures = []
    if not any(key == "pen_writers_heldout" for key, _, _ in test_sets(card)):
        figures.append(("Pen digits by writers it never saw", "not measured yet"))
    for _, label, summary in test_sets(card):
        count = summary.get("count")
        of = f" of {count:,} digits" if isinstance(count, int) else ""
        figures.append((label, f"{summary['accuracy']:.2%}{of}"))
    other = cross_collection(card)
    if other:
        figures.insert(1, other)
    if isinstance(card.get("parameters"), int):
        figures.append(("Parameters", f"{card['parameters']:,}"))
    trained = training_date(card)
    if trained:
        figures.append(("Trained", trained))
    return figures


def per_class_rows(card: dict) -> tuple[list[str], list[list[str]]]:
    """(column names, one row per digit) of per-class accuracy on each test set."""
    sets = [
        (key, summary["per_class_accuracy"])
        for key, _, summary in test_sets(card)
        if isinstance(summary.get("per_class_accuracy"), list)
        and len(summary["per_class_accuracy"]) == 10
    ]
    columns = ["Digit"] + [SHORT_NAMES[key] for key, _ in sets]
    rows = [[str(digit)] + [f"{values[digit]:.1%}" for _, values in sets] for digit in range(10)]
    return columns, rows


def confusion_source(card: dict) -> tuple[str, list] | None:
    """(label, 10x10 matrix) of the most telling pen-written test set the card has."""
    for key, label, summary in test_sets(card):
        matrix = summary.get("confusion_matrix")
        if key != "mnist_test" and isinstance(matrix, list) and len(matrix) == 10:
            return label, matrix
    for _, label, summary in test_sets(card):
        if isinstance(summary.get("confusion_matrix"), list):
            return label, summary["confusion_matrix"]
    return None


# The column of the answers "not a digit", in a confusion matrix that has one.
NOT_A_DIGIT_COLUMN = "none"


def _mix(low: str, high: str, share: float) -> str:
    """The colour `share` (0-1) of the way from `low` to `high` (#rrggbb)."""
    ends = [[int(color[i : i + 2], 16) for i in (1, 3, 5)] for color in (low, high)]
    return "#" + "".join(f"{round(a + share * (b - a)):02x}" for a, b in zip(*ends, strict=True))


def confusion_cells(matrix: list) -> list[list[tuple[str, str | None]]]:
    """(text, background) for every cell, rows the true digit, columns the answer
    (a model that can say "not a digit" has an eleventh column, "none"): right
    answers in one pale colour, mistakes shaded by how many, empty cells blank."""
    size = range(len(matrix))
    answers = range(len(matrix[0]))
    most = max([1] + [matrix[t][a] for t in size for a in answers if t != a])
    cells = []
    for t in size:
        row = []
        for a in answers:
            count = matrix[t][a]
            if t == a:
                row.append((str(count), CORRECT_COLOR))
            elif count:
                row.append((str(count), _mix(MISTAKE_COLOR, ERROR_COLOR, count / most)))
            else:
                row.append(("", None))
        cells.append(row)
    return cells


def confusion_table(matrix: list) -> html.Table:
    """The confusion matrix as a table: every count written in its cell, mistakes
    shaded (confusion_cells); read across a row for what a true digit was read as."""
    names = [str(d) if d < 10 else NOT_A_DIGIT_COLUMN for d in range(len(matrix[0]))]
    head = html.Tr(
        [html.Th(["true \u2193", html.Br(), "read \u2192"], scope="col", className="corner")]
        + [html.Th(name, scope="col") for name in names]
    )
    body = [
        html.Tr(
            [html.Th(str(t), scope="row")]
            + [html.Td(text, style={"background": color} if color else None) for text, color in row]
        )
        for t, row in enumerate(confusion_cells(matrix))
    ]
    return html.Table(
        id=ids.CONFUSION_MATRIX,
        className="confusion-table",
        children=[html.Thead(head), html.Tbody(body)],
    )


def about_model(card: dict) -> html.Details:
    """The panel, closed until opened (a <details>: the keyboard opens it too)."""
    columns, rows = per_class_rows(card)
    children = [
        html.Summary("About the model", className="about-summary"),
        html.P(model_note(card), id=ids.MODEL_NOTE, className="model-note"),
        html.Dl(
            className="key-figures",
            children=[
                html.Div([html.Dt(label), html.Dd(value)]) for label, value in key_figures(card)
            ],
        ),
    ]
    if not any(key == "pen_writers_heldout" for key, _, _ in test_sets(card)):
        children.append(html.P(RANDOM_SPLIT_NOTE, className="about-note"))
    details = []
    if len(columns) > 1:
        details.append(
            html.Table(
                className="per-class",
                children=[
                    html.Caption("Accuracy for each digit"),
                    html.Thead(html.Tr([html.Th(name, scope="col") for name in columns])),
                    html.Tbody(
                        [
                            html.Tr([html.Th(row[0], scope="row")] + [html.Td(v) for v in row[1:]])
                            for row in rows
                        ]
                    ),
                ],
            )
        )
    source = confusion_source(card)
    if source:
        label, matrix = source
        errors = sum(matrix[t][a] for t in range(10) for a in range(10) if t != a)
        total = sum(sum(row) for row in matrix)
        details.append(
            html.Figure(
                className="confusion",
                children=[
                    # Scrolls sideways where the screen is narrower than the
                    # table; focusable, so a keyboard can scroll it too.
                    html.Div(
                        confusion_table(matrix),
                        className="confusion-scroll",
                        tabIndex="0",
                        role="region",
                        **{"aria-label": "Confusion matrix"},
                    ),
                    html.Figcaption(
                        f"{label}: what each digit was read as. {errors} mistakes in "
                        f"{total:,} digits, shaded; right answers on the diagonal"
                        + ('; "none": answered "not a digit".' if len(matrix[0]) > 10 else "."),
                        className="caption",
                    ),
                ],
            )
        )
    children.append(html.Div(details, className="about-details"))
    children.append(html.Div(id=ids.MODEL_VERSION, className="model-version"))
    return html.Details(id=ids.ABOUT_MODEL, className="panel about", children=children)


def model_version(version: str, sha256: str | None, card: dict) -> list:
    """The version serving, and its validation table (every line's figure)."""
    short = (sha256 or "unknown")[:12]
    children = [html.P(f"Serving version {version} (sha256 {short}…).", className="about-note")]
    table = card.get("validation_table")
    lines = table.get("lines") if isinstance(table, dict) else None
    rows = [
        html.Tr(
            [
                html.Th(str(line.get("line", line.get("key", ""))), scope="row"),
                html.Td(f"{line['figure']:.2%}"),
                html.Td(f"{line.get('count', 0):,}"),
            ]
        )
        for line in (lines if isinstance(lines, list) else [])
        if isinstance(line, dict) and _is_number(line.get("figure"))
    ]
    if rows:
        children.append(
            html.Table(
                className="validation-table",
                children=[
                    html.Caption(f"Validation table of version {version}"),
                    html.Thead(
                        html.Tr([html.Th(n, scope="col") for n in ("Line", "Figure", "Count")])
                    ),
                    html.Tbody(rows),
                ],
            )
        )
    return children


def register_model_version(app, classifier) -> None:
    """Fill the panel's version part from `classifier.served` (the model this
    request is read with: model.core.serving_model.ServingClassifier)."""

    @app.callback(Output(ids.MODEL_VERSION, "children"), Input(ids.ABOUT_MODEL, "n_clicks"))
    def show_model_version(_clicks):
        served = classifier.served
        return model_version(served.version, served.sha256, served.classifier.card)
