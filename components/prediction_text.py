"""The prediction's words: the big digit (or number) and the line under it, and
their compact copy above the pad on a phone.

Pure functions of a model.core.prediction.Prediction, a model.numbers.number.NumberReading of
several characters, or an error message, so the exact wording is tested
without Dash or a browser. The panel is the page's one
live region: a screen reader announces each new answer, digit and detail
together; the strip is a visual copy and hidden from screen readers.
"""

import math
from dataclasses import dataclass

from dash import html

from components import ids
from model.core.prediction import UNSURE_BELOW

EMPTY_PROMPT = "Draw a digit"
NOT_A_DIGIT = "That doesn't look like a digit"
# The big readout for a drawing the network says is no digit at all.
NOT_A_DIGIT_MARK = "?"
ERROR_PREFIX = "That drawing could not be read"
# The big readout's class: long numbers get a smaller face so that twelve
# characters still fit beside the preview (assets/style.css).
DIGIT_CLASS = "predicted-digit"
# Lengths from which the readout takes the next smaller face.
FACES = ((10, "size-xs"), (7, "size-s"), (5, "size-m"))


@dataclass(frozen=True)
class Headline:
    """`digit` is the digit alone ("" when there is none); `tone` picks the CSS style."""

    digit: str
    detail: str
    tone: str  # "idle", "sure", "unsure" or "error"


def headline_for(prediction) -> Headline:
    """The words for a Prediction: a prompt when empty, a warning when unsure or
    when the drawing does not look like a digit, with how sure the network is of
    that (the bars still show the digits: see lean_title)."""
    if prediction.not_a_digit:
        return Headline(
            digit=NOT_A_DIGIT_MARK, detail=not_a_digit_detail(prediction), tone="unsure"
        )
    if prediction.empty or prediction.digit is None:
        return Headline(digit="", detail=EMPTY_PROMPT, tone="idle")
    if prediction.unsure:
        (first, p_first), (second, p_second) = prediction.top_two()
        return Headline(
            digit=str(prediction.digit),
            detail=f"Not sure: {first} ({p_first:.0%}) or {second} ({p_second:.0%})?",
            tone="unsure",
        )
    return Headline(
        digit=str(prediction.digit),
        detail=f"{prediction.confidence:.0%} confident",
        tone="sure",
    )


def headline_for_number(characters) -> Headline:
    """The words for several model.numbers.number.CharacterReading, left to right: the
    number, and how sure the model is of all of it (the product of the
    characters' confidences); a character that is no digit shows as "?" and is
    named, since the number cannot be read."""
    marks = "".join("?" if c.digit is None else str(c.digit) for c in characters)
    odd = [i + 1 for i, c in enumerate(characters) if c.digit is None]
    if odd:
        if len(odd) == 1:
            detail = f"Character {odd[0]} doesn't look like a digit"
        else:
            named = ", ".join(str(i) for i in odd[:-1]) + f" and {odd[-1]}"
            detail = f"Characters {named} don't look like digits"
        return Headline(digit=marks, detail=detail, tone="unsure")
    count = len(characters)
    confidence = math.prod(c.prediction.confidence for c in characters)
    if confidence < UNSURE_BELOW:
        weakest = min(range(count), key=lambda i: characters[i].prediction.confidence)
        (first, _), (second, _) = characters[weakest].prediction.top_two()
        return Headline(
            digit=marks,
            detail=(
                f"Not sure: {confidence:.0%} for {all_digits(count)}. "
                f"Character {weakest + 1}: {first} or {second}?"
            ),
            tone="unsure",
        )
    return Headline(
        digit=marks, detail=f"{confidence:.0%} confident in {all_digits(count)}", tone="sure"
    )


def not_a_digit_detail(prediction) -> str:
    """How sure the network is that the drawing is no digit (its confidence is
    then the "not a digit" output's)."""
    return f"{NOT_A_DIGIT} ({prediction.confidence:.0%} sure)"


def lean_title(prediction, where: str | None = None) -> str:
    """The heading over the bars of a drawing that is no digit: they are the ten
    digits' probabilities were it one, so it names the digit they lean to;
    `where` ("Character 2 of 3") says which character it is."""
    (digit, probability), _ = prediction.top_two()
    lean = f"it would lean to {digit} ({probability:.0%})"
    return f"{where}: if it were a digit, {lean}" if where else f"If it were a digit, {lean}"


def all_digits(count: int) -> str:
    return "both digits" if count == 2 else f"all {count} digits"


def digit_class(text: str) -> str:
    """The big readout's CSS classes for `text` (a digit keeps the plain class)."""
    for length, face in FACES:
        if len(text) >= length:
            return f"{DIGIT_CLASS} {face}"
    return DIGIT_CLASS


def headline_for_error(message: str) -> Headline:
    """The words for input the server refused (never an exception on the page)."""
    reason = message.strip().rstrip(".") if message else "unknown problem"
    return Headline(
        digit="",
        detail=f"{ERROR_PREFIX} ({reason}). Clear the pad and draw again.",
        tone="error",
    )


def prediction_panel(headline: Headline | None = None) -> html.Div:
    """The digit, large, with its detail line underneath."""
    headline = headline or Headline(digit="", detail=EMPTY_PROMPT, tone="idle")
    return html.Div(
        id=ids.PREDICTION_PANEL,
        className="prediction-panel",
        role="status",
        **{"aria-live": "polite", "aria-atomic": "true"},
        children=[
            html.Span("Answer: ", className="visually-hidden"),
            html.Div(headline.digit, id=ids.PREDICTED_DIGIT, className=DIGIT_CLASS),
            html.Div(
                headline.detail,
                id=ids.PREDICTION_DETAIL,
                className=f"prediction-detail tone-{headline.tone}",
            ),
        ],
    )


def answer_strip() -> html.Div:
    """The answer in one line above the pad (shown on narrow screens only), filled
    in the browser from the panel (assets/answer_strip.js)."""
    return html.Div(
        id=ids.ANSWER_STRIP,
        className="answer-strip",
        **{"aria-hidden": "true"},
        children=[
            html.Span("", id=ids.STRIP_DIGIT, className="strip-digit"),
            html.Span(EMPTY_PROMPT, id=ids.STRIP_DETAIL, className="strip-detail tone-idle"),
        ],
    )
