"""The owner's model versions page, /review/models (linked from /review): every
version newest first, each with its validation table, and a Promote button.

It shares the review page's sign-in (HTTP Basic, the password is REVIEW_TOKEN)
and its protection against cross-site posts (web/pages.py): each Promote form
carries an HMAC of the nonce cookie, the version and the action. Promoting is
the API's (web/models_api.py): this worker serves it at once, the others
within MODEL_CHECK_INTERVAL_S.
"""

import html

import flask

from web.models_api import promote_version, versions_json
from web.pages import (
    NONCE_COOKIE,
    csrf_ok,
    csrf_token,
    form_nonce,
    page,
    require_owner,
    review_form_page,
)

model_review = flask.Blueprint("model_review", __name__)

PROMOTE = "promote"


def table_html(table: dict) -> str:
    """A version's validation table: each line's figure and count."""
    lines = table.get("lines") if isinstance(table, dict) else None
    if not isinstance(lines, list) or not lines:
        return "<p class='muted'>No validation table.</p>"
    rows = []
    for line in lines:
        if not isinstance(line, dict):
            continue
        figure = line.get("figure")
        shown = f"{figure:.2%}" if isinstance(figure, int | float) else "-"
        rows.append(
            f"<tr><td>{html.escape(str(line.get('line') or line.get('key', '')))}</td>"
            f"<td>{html.escape(str(line.get('count', '')))}</td><td>{shown}</td></tr>"
        )
    return (
        "<table><thead><tr><th>Line</th><th>Count</th><th>Figure</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def version_html(version: dict, secret: str, nonce: str) -> str:
    version_id = str(version["id"])
    badge = "<span class='status accepted'>serving</span>" if version["promoted"] else ""
    button = ""
    if not version["promoted"]:
        token = csrf_token(secret, nonce, version_id, PROMOTE)
        button = (
            f"<form method='post' action='/review/models/{html.escape(version_id)}/promote'>"
            f"<input type='hidden' name='csrf' value='{token}'>"
            "<button type='submit'>Promote</button></form>"
        )
    parent = html.escape(str(version["parent"])) if version["parent"] else "-"
    return (
        f"<section><h2>{html.escape(version_id)} "
        f"{badge}</h2>"
        f"<p class='muted'>made {html.escape(str(version['created_at']))}, parent {parent}, "
        f"sha256 {html.escape(str(version['sha256']))}</p>"
        f"<div class='actions'>{button}</div>{table_html(version['table'])}</section>"
    )


@model_review.route("/review/models", methods=["GET"])
def models_page():
    secret = require_owner()
    nonce = form_nonce()
    sections = "".join(version_html(v, secret, nonce) for v in versions_json())
    body = (
        "<h1>Model versions</h1><p><a href='/review'>Corrections</a> &middot; newest first; "
        "every worker switches to a promoted version within seconds.</p>" + sections
    )
    return review_form_page("Model versions", body, nonce)


@model_review.route("/review/models/<version_id>/promote", methods=["POST"])
def promote_from_page(version_id: str):
    secret = require_owner()
    nonce = flask.request.cookies.get(NONCE_COOKIE)
    if not csrf_ok(secret, nonce, version_id, PROMOTE, flask.request.form.get("csrf")):
        body = (
            "<h1>Refused</h1><p>This form's token is missing or wrong: reload "
            "<a href='/review/models'>the model versions</a> and press the button there.</p>"
        )
        return page("Refused", body, 403)
    promote_version(version_id)
    return flask.redirect("/review/models", 303)
