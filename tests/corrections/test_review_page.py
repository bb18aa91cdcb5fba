"""The owner's review page (/review, HTTP Basic with REVIEW_TOKEN) and the
privacy page, over HTTP against SQLite and PostgreSQL: who gets in, what the
page shows, the per-form CSRF tokens, and the export download."""

import base64
import html
import re

import orjson
import pytest

from testkit.corrections import row_count
from testkit.corrections_web import TOKEN, canvas_body, make_app


def basic(password: str, user: str = "owner") -> dict:
    encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


OWNER = basic(TOKEN)


@pytest.fixture
def site(store, classifier, sure_digits):
    """(client, engine, ids) with two corrections sent: 4 said to be 9, then 7 confirmed."""
    database, engine = store
    client = make_app(classifier, database.url).server.test_client()
    ids = []
    for digits, wrote in (("4", "9"), ("7", "7")):
        answer = client.post("/api/corrections", json=canvas_body(digits, sure_digits, wrote=wrote))
        assert answer.status_code == 201
        ids.append(answer.get_json()["id"])
    return client, engine, ids


def form_token(page: str, correction_id: str, action: str) -> str:
    match = re.search(
        rf"action='/review/{correction_id}/{action}'><input type='hidden' name='csrf' "
        r"value='([0-9a-f]+)'",
        page,
    )
    assert match, f"no {action} form for {correction_id}"
    return match.group(1)


def status_of(client, correction_id: str) -> str:
    export = client.get("/api/corrections/export", headers={"Authorization": f"Bearer {TOKEN}"})
    rows = [orjson.loads(line) for line in export.get_data().splitlines()]
    return next(row["status"] for row in rows if row["id"] == correction_id)


@pytest.mark.parametrize(
    "headers",
    [{}, basic("wrong"), basic(TOKEN + "x"), {"Authorization": f"Bearer {TOKEN}"}],
    ids=["none", "wrong", "longer", "bearer"],
)
def test_the_review_page_asks_for_the_password(site, headers):
    client, _, _ = site
    response = client.get("/review", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic realm=")
    assert "Corrections" not in response.get_data(as_text=True).split("<h1>")[1][:20]


def test_the_review_page_lists_the_newest_first_with_counts_and_a_download(site):
    client, _, ids = site
    response = client.get("/review", headers=basic(TOKEN, user="anyone"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index(f"/review/{ids[1]}/") < page.index(f"/review/{ids[0]}/")
    assert "all: 2" in page and "pending: 2" in page and "accepted: 0" in page
    assert "href='/review/export' download" in page
    cells = re.findall(r"<td class='num( wrong)?'>(\d+)</td>", page)
    assert cells == [("", "7"), ("", "7"), (" wrong", "4"), ("", "9")]
    assert page.count("<img class='thumb'") == 2
    assert re.search(r"<td>\d+%</td>", page)
    policy = response.headers["Content-Security-Policy"]
    assert "script" not in policy and "'unsafe-inline'" not in policy
    assert "default-src 'none'" in policy
    assert "<script" not in page
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=Strict" in cookie and "HttpOnly" in cookie and "Path=/review" in cookie


def test_accept_reject_and_delete_need_the_forms_token(site):
    client, engine, ids = site
    page = client.get("/review", headers=OWNER).get_data(as_text=True)
    accept = form_token(page, ids[0], "accept")
    url = f"/review/{ids[0]}/accept"
    # No token, a wrong one, one made for another action or correction: refused.
    delete_other = form_token(page, ids[1], "delete")
    for token in (None, "0" * 64, form_token(page, ids[0], "reject"), delete_other):
        data = {} if token is None else {"csrf": token}
        response = client.post(url, data=data, headers=OWNER)
        assert response.status_code == 403
    assert status_of(client, ids[0]) == "pending"
    # The right token without the page's cookie (a cross-site post carries none).
    client.delete_cookie("review_nonce", path="/review")
    assert client.post(url, data={"csrf": accept}, headers=OWNER).status_code == 403
    # Basic auth is still needed with a good token.
    page = client.get("/review", headers=OWNER).get_data(as_text=True)
    accept = form_token(page, ids[0], "accept")
    assert client.post(url, data={"csrf": accept}).status_code == 401
    response = client.post(url, data={"csrf": accept}, headers=OWNER)
    assert response.status_code == 303 and response.headers["Location"].endswith("/review")
    assert status_of(client, ids[0]) == "accepted"
    page = client.get("/review", headers=OWNER).get_data(as_text=True)
    assert "accepted: 1" in page
    reject = form_token(page, ids[1], "reject")
    assert (
        client.post(f"/review/{ids[1]}/reject", data={"csrf": reject}, headers=OWNER).status_code
        == 303
    )
    assert status_of(client, ids[1]) == "rejected"
    delete = form_token(page, ids[1], "delete")
    assert (
        client.post(f"/review/{ids[1]}/delete", data={"csrf": delete}, headers=OWNER).status_code
        == 303
    )
    assert row_count(engine) == 1


def test_the_export_download_takes_basic_auth_and_filters(site):
    client, _, ids = site
    assert client.get("/review/export").status_code == 401
    response = client.get("/review/export?status=pending", headers=OWNER)
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = [orjson.loads(line) for line in response.get_data().splitlines()]
    assert [line["id"] for line in lines] == ids
    assert client.get("/review?status=nope", headers=OWNER).status_code == 400


def test_the_review_page_is_off_when_review_token_is_unset(store, classifier):
    database, _ = store
    client = make_app(classifier, database.url, REVIEW_TOKEN="").server.test_client()
    assert client.get("/review", headers=basic("")).status_code == 404
    assert client.post("/review/x/accept", headers=basic("")).status_code == 404
    assert client.get("/review/export", headers=basic("")).status_code == 404


def test_the_privacy_page_says_what_is_kept_why_how_long_and_how_to_delete(client):
    response = client.get("/privacy")
    assert response.status_code == 200 and response.mimetype == "text/html"
    text = html.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))
    for words in (
        "your drawing",
        "28×28",
        "your answer",
        "which model read it",
        "salted hash",
        "never kept",
        "To improve the reader",
        "180 days",
        "python -m corrections purge",
        "Delete it",
        "X-Delete-Token",
    ):
        assert words in text, words
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
