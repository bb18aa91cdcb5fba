"""The server-rendered pages outside Dash: /privacy, and the owner's /review.

/review (HTTP Basic, the password is REVIEW_TOKEN, any user name; 404 when
REVIEW_TOKEN is unset) lists the corrections newest first, each with its
drawing, the reading, what was written and the confidence; counts by status;
a download of the export (/review/export, the API's NDJSON under Basic auth);
and Accept, Reject and Delete as POST forms. Basic auth alone does not protect
those forms (a browser sends the credentials with any site's cross-site post),
so each carries a token: an HMAC, keyed by REVIEW_TOKEN, of the correction,
the action and a random nonce kept in a SameSite=Strict cookie that only this
site's own page load sets. Everything shown is escaped; the pages run no
script, and their Content-Security-Policy allows only their own inline style
(by hash) and data: images.
"""

import base64
import hashlib
import hmac
import html
import math
import re
import secrets
from datetime import datetime
from urllib.parse import urlencode

import flask

import corrections
from corrections import CanvasDrawing, StoredCorrection
from corrections.writes import DEFAULT_RETENTION_DAYS
from model.core.errors import InvalidInput
from model.inputs.canvas import parse_canvas
from web.corrections_api import engine, ndjson_export
from web.errors import ClientError
from web.owner import BASIC_CHALLENGE, basic_auth_ok, review_token

pages = flask.Blueprint("pages", __name__)

PAGE_SIZE = 50
NONCE_COOKIE = "review_nonce"
ACTIONS = {"accept": "accepted", "reject": "rejected", "delete": None}
THUMB_PX = 84
_PAGE_NUMBER = re.compile(r"[0-9]{1,6}")

STYLE = """
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
color:#1d2433;background:#f3f5f9;line-height:1.45}
main{max-width:980px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:0 0 8px}
a{color:#1f5fbf}
.counts{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0 14px;padding:0;list-style:none}
.counts a{display:inline-block;padding:4px 10px;border:1px solid #8896ab;border-radius:14px;
background:#fff;text-decoration:none}
.counts a[aria-current]{background:#1f5fbf;color:#fff;border-color:#1f5fbf}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #d5dbe5;padding:6px 8px;text-align:left;vertical-align:middle}
td.num{font-size:1.3rem;font-weight:700;font-variant-numeric:tabular-nums}
td.wrong{color:#a61b1b}
.thumb{width:84px;height:84px;border:1px solid #d5dbe5;border-radius:4px;background:#fff;
display:block}
.actions{display:flex;gap:6px;flex-wrap:wrap}
.actions form{margin:0}
button{font:inherit;min-height:36px;padding:2px 12px;border:1px solid #8896ab;border-radius:6px;
background:#fff;cursor:pointer}
button.delete{border-color:#a61b1b;color:#a61b1b}
.status{font-size:.85rem;padding:2px 8px;border-radius:10px;background:#eef2f8}
.status.accepted{background:#e2f4e6}.status.rejected{background:#fdecec}
.muted{color:#4a5568;font-size:.9rem}
section{background:#fff;border:1px solid #d5dbe5;border-radius:10px;padding:6px 18px;margin:12px 0}
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
PAGE_POLICY = (
    "default-src 'none'; img-src data:; "
    f"style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


def page(title: str, body: str, status: int = 200) -> flask.Response:
    """A page with the shared style, under PAGE_POLICY; `body` is escaped HTML."""
    text = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
    response = flask.Response(text, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response


# ---- /privacy ----

PRIVACY = """
<h1>Corrections: what is kept, and why</h1>
<section>
<p>When you press <strong>Right</strong>, or say what you wrote and press
<strong>Send</strong>, this site keeps:</p>
<ul>
<li>your drawing (the strokes on the pad, or the image you sent);</li>
<li>the 28&times;28 pictures the reader made of each character, which are what it
actually looked at;</li>
<li>your answer, the reader's answer and how sure it was;</li>
<li>which model read it (the model file's fingerprint), and when;</li>
<li>a salted hash of your network address, used only to limit how many
corrections one place can send in an hour. Your address itself is never kept,
and the hash means nothing without the site's secret salt.</li>
</ul>
<p>Nothing else: no name, no account, no cookie, no tracking.</p>
</section>
<section>
<h2>Why</h2>
<p>To improve the reader: the site's owner reviews corrections and trains the
next model with them, so that it reads the writing of the people who use it.
Confirmations (Right) matter as much as corrections: they show the new model
what it must keep getting right.</p>
</section>
<section>
<h2>For how long</h2>
<p>At most {days} days. Older corrections are deleted by the site's regular purge
(<code>python -m corrections purge</code>).</p>
</section>
<section>
<h2>How to delete yours</h2>
<p>Right after sending, press <strong>Delete it</strong> under the answer. Your
browser keeps the key to each correction you sent (in its local storage, on
this device only); with it, a program can delete it too:
<code>DELETE /api/corrections/&lt;id&gt;</code> with the header
<code>X-Delete-Token: &lt;token&gt;</code>. Without that key nobody can tell
which corrections are yours, not even the owner.</p>
</section>
<p><a href="/">Back to the reader</a></p>
"""


@pages.route("/privacy", methods=["GET"])
def privacy():
    return page("Privacy: corrections", PRIVACY.replace("{days}", str(DEFAULT_RETENTION_DAYS)))


# ---- /review ----


def require_owner() -> str:
    """REVIEW_TOKEN when the request's Basic password is it; else a 401 with
    the challenge (a 404 when REVIEW_TOKEN is unset)."""
    token = review_token()
    if not basic_auth_ok():
        response = page(
            "Sign in to review corrections",
            "<h1>Sign in</h1><p>The review page needs the owner's password.</p>",
            401,
        )
        response.headers["WWW-Authenticate"] = BASIC_CHALLENGE
        flask.abort(response)
    return token


def form_nonce() -> str:
    """The owner's browser's nonce for this page's form tokens: its cookie's, or a new one."""
    return flask.request.cookies.get(NONCE_COOKIE) or secrets.token_urlsafe(24)


def review_form_page(title: str, body: str, nonce: str) -> flask.Response:
    """An owner's page whose forms carry tokens made with `nonce`, with the nonce
    in a cookie only the review pages receive (and no other site sends)."""
    response = page(title, body)
    response.set_cookie(
        NONCE_COOKIE,
        nonce,
        httponly=True,
        samesite="Strict",
        secure=flask.request.is_secure,
        path="/review",
    )
    return response


def csrf_token(secret: str, nonce: str, correction_id: str, action: str) -> str:
    """The token a review form carries: an HMAC of (nonce, correction, action)."""
    message = f"{nonce}\n{correction_id}\n{action}".encode("utf-8", "surrogatepass")
    return hmac.new(secret.encode("utf-8", "surrogatepass"), message, "sha256").hexdigest()


def csrf_ok(secret: str, nonce: str | None, correction_id: str, action: str, given) -> bool:
    if not nonce or not isinstance(given, str):
        return False
    expected = csrf_token(secret, nonce, correction_id, action)
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))


def drawing_html(correction: StoredCorrection) -> str:
    """The drawing as a small picture: its strokes as SVG, or the image it was."""
    drawing = correction.drawing
    label = f"drawing of {correction.wrote}"
    if not isinstance(drawing, CanvasDrawing):
        encoded = base64.b64encode(drawing.data).decode("ascii")
        src = f"data:{drawing.media_type};base64,{encoded}"
        return f"<img class='thumb' alt='{html.escape(label)}' src='{html.escape(src)}'>"
    try:
        strokes = parse_canvas(drawing.json_text)
    except InvalidInput:
        strokes = []
    width = drawing.width or 400.0
    height = drawing.height or width
    lines = []
    for stroke in strokes:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in stroke)
        if len(stroke) == 1:
            points = f"{points} {points}"
        lines.append(f"<polyline points='{points}'/>")
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width:g} {height:g}'>"
        "<g fill='none' stroke='black' stroke-width='16' stroke-linecap='round' "
        f"stroke-linejoin='round'>{''.join(lines)}</g></svg>"
    )
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    return f"<img class='thumb' alt='{html.escape(label)}' src='{src}'>"


def confidence_text(confidences: list[float]) -> str:
    """The chance the whole reading is right (the characters' product)."""
    if not confidences:
        return "-"
    return f"{math.prod(confidences):.0%}"


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _status_filter(value: str | None) -> str | None:
    if value in (None, "", "all"):
        return None
    if value not in corrections.STATUSES:
        raise ClientError(400, f"status must be one of {', '.join(corrections.STATUSES)}")
    return value


def _page_number(value: str | None) -> int:
    return int(value) if value and _PAGE_NUMBER.fullmatch(value) else 1


def _review_url(status: str | None, page_number: int = 1) -> str:
    query = {key: value for key, value in (("status", status), ("page", page_number)) if value}
    if query.get("page") == 1:
        del query["page"]
    return "/review" + (f"?{urlencode(query)}" if query else "")


def _row(item: StoredCorrection, secret: str, nonce: str, status, page_number) -> str:
    forms = []
    for action, label in (("accept", "Accept"), ("reject", "Reject"), ("delete", "Delete")):
        if ACTIONS[action] == item.status:
            continue
        token = csrf_token(secret, nonce, item.id, action)
        forms.append(
            f"<form method='post' action='/review/{html.escape(item.id)}/{action}'>"
            f"<input type='hidden' name='csrf' value='{token}'>"
            f"<input type='hidden' name='status' value='{html.escape(status or '')}'>"
            f"<input type='hidden' name='page' value='{page_number}'>"
            f"<button type='submit' class='{action}'>{label}</button></form>"
        )
    reading = item.reading if item.reading is not None else "?"
    wrong = " wrong" if item.reading != item.wrote else ""
    return (
        "<tr>"
        f"<td>{drawing_html(item)}</td>"
        f"<td class='num{wrong}'>{html.escape(reading)}</td>"
        f"<td class='num'>{html.escape(item.wrote)}</td>"
        f"<td>{confidence_text(item.confidences)}</td>"
        f"<td><span class='status {item.status}'>{item.status}</span><br>"
        f"<span class='muted'>{_when(item.created_at)}</span></td>"
        f"<td><div class='actions'>{''.join(forms)}</div></td>"
        "</tr>"
    )


@pages.route("/review", methods=["GET"])
def review_page():
    secret = require_owner()
    args = flask.request.args
    status = _status_filter(args.get("status"))
    page_number = _page_number(args.get("page"))
    store = engine()
    counts = corrections.count_by_status(store)
    items = corrections.list_corrections(
        store, status=status, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    nonce = form_nonce()
    chips = [("all", None, sum(counts.values()))] + [(s, s, counts[s]) for s in counts]
    chip_html = "".join(
        f"<li><a href='{_review_url(value)}'"
        f"{' aria-current=page' if value == status else ''}>{name}: {count}</a></li>"
        for name, value, count in chips
    )
    export = "/review/export" + (f"?status={status}" if status else "")
    rows = "".join(_row(item, secret, nonce, status, page_number) for item in items)
    table = (
        "<table><thead><tr><th>Drawing</th><th>Read</th><th>Wrote</th><th>Confidence</th>"
        f"<th>Status</th><th>Review</th></tr></thead><tbody>{rows}</tbody></table>"
        if items
        else "<p>No corrections here yet.</p>"
    )
    pager = []
    if page_number > 1:
        pager.append(f"<a href='{_review_url(status, page_number - 1)}'>Newer</a>")
    if len(items) == PAGE_SIZE:
        pager.append(f"<a href='{_review_url(status, page_number + 1)}'>Older</a>")
    body = (
        "<h1>Corrections</h1>"
        "<p><a href='/review/models'>Model versions</a> (promote or roll back)</p>"
        f"<ul class='counts' aria-label='Counts by status'>{chip_html}</ul>"
        f"<p><a href='{export}' download>Download the export</a> "
        "<span class='muted'>(NDJSON, one correction a line, with the 28x28 inputs)</span></p>"
        f"{table}<p>{' &middot; '.join(pager)}</p>"
    )
    return review_form_page("Review corrections", body, nonce)


@pages.route("/review/<correction_id>/<action>", methods=["POST"])
def review_action(correction_id: str, action: str):
    secret = require_owner()
    if action not in ACTIONS:
        flask.abort(404)
    form = flask.request.form
    nonce = flask.request.cookies.get(NONCE_COOKIE)
    if not csrf_ok(secret, nonce, correction_id, action, form.get("csrf")):
        body = (
            "<h1>Refused</h1><p>This form's token is missing or wrong: reload "
            "<a href='/review'>the review page</a> and press the button there.</p>"
        )
        return page("Refused", body, 403)
    store = engine()
    new_status = ACTIONS[action]
    if new_status is None:
        corrections.remove_correction(store, correction_id)
    else:
        corrections.review_correction(store, correction_id, new_status)
    status = form.get("status") if form.get("status") in corrections.STATUSES else None
    return flask.redirect(_review_url(status, _page_number(form.get("page"))), 303)


@pages.route("/review/export", methods=["GET"])
def review_export():
    require_owner()
    status = _status_filter(flask.request.args.get("status"))
    return ndjson_export(status)
