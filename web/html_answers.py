"""The HTML pages of the classic form route (POST /predict, when the client
asks for text/html rather than JSON): a reading as a page, and an error as one.
Everything shown is escaped.
"""

import html

import flask

from model.numbers.number import NumberReading


def html_result(reading: NumberReading) -> flask.Response:
    """The reading as a page: one character as it always was (its digit, its
    confidence, the ten probabilities); several as the number, the chance the
    whole reading is right, and each character's digit and confidence."""
    if reading.empty:
        body = "<p>The drawing is empty: draw a digit and send it again.</p>"
    elif len(reading.characters) == 1:
        body = _html_one_character(reading.prediction)
    else:
        body = _html_number(reading)
    return html_page(200, "Prediction", body)


def _html_one_character(prediction) -> str:
    rows = "".join(
        f"<tr><td>{digit}</td><td>{p:.1%}</td></tr>"
        for digit, p in enumerate(prediction.probabilities)
    )
    answer = (
        "<p>That doesn't look like a digit.</p>"
        if prediction.not_a_digit
        else f"<p class='digit'>{prediction.digit}</p><p>confidence {prediction.confidence:.1%}</p>"
    )
    return f"{answer}<table><tr><th>digit</th><th>probability</th></tr>{rows}</table>"


def _html_number(reading: NumberReading) -> str:
    if reading.number is None:
        unread = [str(i) for i, c in enumerate(reading.characters, 1) if c.not_a_digit]
        which = (
            f"character {unread[0]} doesn't look like a digit"
            if len(unread) == 1
            else f"characters {', '.join(unread)} don't look like digits"
        )
        answer = f"<p>The number cannot be read: {which}.</p>"
    else:
        answer = (
            f"<p class='number'>{html.escape(reading.number)}</p>"
            f"<p>confidence {reading.prediction.confidence:.1%} that every digit is right</p>"
        )
    rows = "".join(
        f"<tr><td>{index}</td>"
        f"<td>{'not a digit' if c.not_a_digit else html.escape(str(c.digit))}</td>"
        f"<td>{c.prediction.confidence:.1%}</td></tr>"
        for index, c in enumerate(reading.characters, 1)
    )
    header = "<tr><th>character</th><th>digit</th><th>confidence</th></tr>"
    return f"{answer}<table>{header}{rows}</table>"


def html_page(status: int, title: str, body: str) -> flask.Response:
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1>{body}<p><a href='/'>Draw another digit</a></p>"
        "</body></html>"
    )
    response = flask.Response(page, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response
