"""The corrections API over HTTP (Flask's test client), against a real SQLite
file and a real PostgreSQL (each store test runs on both): the 201 contract,
what the row holds, deletion, the owner's routes, the NDJSON export, review,
the hourly limit, bad input, and the client address behind Heroku's router."""

import base64
import contextlib
import hashlib
import hmac
import json
import time
from pathlib import Path

import numpy as np
import orjson
import pytest
import sqlalchemy as sa

from components import ids
from corrections import upgrade
from testkit.corrections import TcpProxy, row_count, silent_server, sqlite_locked
from testkit.corrections_web import (
    SALT,
    TOKEN,
    canvas_body,
    make_app,
    number_strokes,
    send_request,
)
from testkit.payloads import PAD_SIZE, pad_png_data_url

CARD = Path(__file__).resolve().parents[2] / "model" / "shipped" / "model_card.json"
OWNER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def api(store, classifier):
    """(test client, engine) of an app on a migrated scratch database."""
    database, engine = store
    return make_app(classifier, database.url).server.test_client(), engine


def stored_rows(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT * FROM corrections")).mappings().all()


def test_a_correction_is_stored_with_the_servers_reading_and_answers_201(api, sure_digits):
    client, engine = api
    body = canvas_body("42", sure_digits, wrote="47")
    response = client.post(
        "/api/corrections", json=body, environ_base={"REMOTE_ADDR": "198.51.100.4"}
    )
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert set(answer) == {"id", "delete_token", "reading"}
    assert answer["reading"] == "42"
    assert isinstance(answer["id"], str) and isinstance(answer["delete_token"], str)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    (row,) = stored_rows(engine)
    assert row["id"] == answer["id"]
    assert row["wrote"] == "47" and row["reading"] == "42" and row["status"] == "pending"
    assert row["canvas_json"] == body["canvas"]
    assert (row["canvas_width"], row["canvas_height"]) == (PAD_SIZE, PAD_SIZE)
    assert row["characters"] == 2 and len(row["inputs"]) == 2 * 28 * 28
    confidences = row["confidences"]
    if isinstance(confidences, str):
        confidences = json.loads(confidences)
    assert len(confidences) == 2 and all(0 < c <= 1 for c in confidences)
    card = json.loads(CARD.read_text())
    assert row["model_sha256"] == card["model_sha256"]
    # The client key is the salted hash, never the address.
    expected_key = hmac.new(SALT.encode(), b"198.51.100.4", "sha256").hexdigest()
    assert row["client_key"] == expected_key
    assert "198.51.100.4" not in json.dumps({k: str(v) for k, v in row.items()})
    assert row["delete_token_hash"] == hashlib.sha256(answer["delete_token"].encode()).hexdigest()


def test_the_stored_inputs_are_what_the_model_saw_for_each_character(api, classifier, sure_digits):
    from model.numbers.number import read_canvas_number

    client, _ = api
    body = canvas_body("42", sure_digits, wrote="42")
    assert client.post("/api/corrections", json=body).status_code == 201
    export = client.get("/api/corrections/export", headers=OWNER)
    (line,) = export.get_data(as_text=True).splitlines()
    inputs = np.array(orjson.loads(line)["inputs"])
    reading = read_canvas_number(classifier, body["canvas"], PAD_SIZE, PAD_SIZE)
    seen = np.array([c.prediction.image.reshape(28, 28) for c in reading.characters])
    assert inputs.shape == (2, 28, 28)
    assert np.abs(inputs - seen).max() <= 1 / 255


def test_a_reading_sent_by_the_client_is_refused_not_stored(api, sure_digits):
    client, engine = api
    body = canvas_body("42", sure_digits, wrote="42", reading="99")
    response = client.post("/api/corrections", json=body)
    assert response.status_code == 400
    assert "'reading'" in response.get_json()["error"]
    assert row_count(engine) == 0


def test_an_image_drawing_is_read_and_stored_as_its_bytes(api, sure_digits):
    client, engine = api
    image = pad_png_data_url(number_strokes("7", sure_digits))
    response = client.post("/api/corrections", json={"image": image, "wrote": "1"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["reading"] == "7"
    (row,) = stored_rows(engine)
    assert row["drawing_kind"] == "image" and row["image_type"] == "image/png"
    assert bytes(row["image"]).startswith(b"\x89PNG")
    assert row["characters"] == 1


@pytest.mark.parametrize(
    "wrote",
    ["abc", "", "1234567890123", 42, "<script>alert(1)</script>", None, ["4"], "4 2", "٤٢"],
    ids=["letters", "empty", "13-digits", "a-number", "markup", "null", "a-list", "space",
         "arabic-digits"],
)  # fmt: skip
def test_bad_wrote_values_get_a_400_and_nothing_is_stored(api, sure_digits, wrote):
    client, engine = api
    response = client.post("/api/corrections", json=canvas_body("4", sure_digits, wrote=wrote))
    assert response.status_code == 400
    assert "'wrote'" in response.get_json()["error"]
    assert row_count(engine) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"wrote": "4"},
        {"canvas": None, "wrote": "4"},
        {"canvas": "{not json", "wrote": "4"},
        {"image": "data:image/png;base64,!!!!", "wrote": "4"},
        {"canvas": json.dumps({"objects": []}), "wrote": "4"},
        [],
        "4",
    ],
    ids=["no-drawing", "null-canvas", "broken-canvas", "broken-image", "empty-pad", "a-list",
         "a-string"],
)  # fmt: skip
def test_a_missing_or_unreadable_drawing_gets_a_4xx_and_nothing_is_stored(api, body):
    client, engine = api
    response = client.post("/api/corrections", json=body)
    assert 400 <= response.status_code < 500
    assert isinstance(response.get_json()["error"], str)
    assert row_count(engine) == 0


def test_a_body_that_is_not_json_gets_a_415_and_nothing_is_stored(api):
    client, engine = api
    response = client.post("/api/corrections", data="wrote=4", content_type="text/plain")
    assert response.status_code == 415
    assert row_count(engine) == 0


def test_delete_with_the_token_answers_204_and_the_row_is_gone(api, sure_digits):
    client, engine = api
    created = client.post("/api/corrections", json=canvas_body("4", sure_digits, wrote="9"))
    answer = created.get_json()
    url = f"/api/corrections/{answer['id']}"
    wrong = client.delete(url, headers={"X-Delete-Token": answer["delete_token"] + "x"})
    assert wrong.status_code == 404
    assert "error" in wrong.get_json()
    missing = client.delete(url)
    assert missing.status_code == 400
    assert row_count(engine) == 1
    gone = client.delete(url, headers={"X-Delete-Token": answer["delete_token"]})
    assert gone.status_code == 204 and gone.get_data() == b""
    assert row_count(engine) == 0
    again = client.delete(url, headers={"X-Delete-Token": answer["delete_token"]})
    assert again.status_code == 404


def test_a_token_deletes_only_its_own_correction(api, sure_digits):
    client, engine = api
    first = client.post(
        "/api/corrections", json=canvas_body("4", sure_digits, wrote="9")
    ).get_json()
    second = client.post(
        "/api/corrections", json=canvas_body("7", sure_digits, wrote="1")
    ).get_json()
    response = client.delete(
        f"/api/corrections/{first['id']}", headers={"X-Delete-Token": second["delete_token"]}
    )
    assert response.status_code == 404
    assert row_count(engine) == 2


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
     {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": TOKEN}],
    ids=["none", "wrong", "basic-scheme", "longer", "no-scheme"],
)  # fmt: skip
def test_owner_routes_answer_401_without_the_right_bearer_token(api, sure_digits, headers):
    client, engine = api
    created = client.post("/api/corrections", json=canvas_body("4", sure_digits, wrote="9"))
    correction_id = created.get_json()["id"]
    export = client.get("/api/corrections/export", headers=headers)
    review = client.post(
        f"/api/corrections/{correction_id}/review", json={"status": "accepted"}, headers=headers
    )
    for response in (export, review):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "error" in response.get_json()
    with engine.connect() as connection:
        status = connection.execute(sa.text("SELECT status FROM corrections")).scalar_one()
    assert status == "pending"


def test_owner_routes_are_off_404_when_review_token_is_unset(store, classifier):
    database, _ = store
    client = make_app(classifier, database.url, REVIEW_TOKEN="").server.test_client()
    assert client.get("/api/corrections/export", headers=OWNER).status_code == 404
    review = client.post("/api/corrections/abc/review", json={"status": "accepted"}, headers=OWNER)
    assert review.status_code == 404
    assert client.get("/review", headers=OWNER).status_code == 404


def test_the_export_streams_one_json_line_per_correction(api, sure_digits):
    client, _ = api
    ids = []
    for digits, wrote in (("4", "9"), ("42", "42"), ("7", "1")):
        created = client.post(
            "/api/corrections", json=canvas_body(digits, sure_digits, wrote=wrote)
        )
        ids.append(created.get_json()["id"])
    response = client.get("/api/corrections/export", headers=OWNER)
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    assert response.is_streamed
    lines = [orjson.loads(line) for line in response.get_data().splitlines()]
    assert [line["id"] for line in lines] == ids
    keys = {"id", "created_at", "status", "wrote", "reading", "model_sha256", "drawing", "inputs"}
    assert all(set(line) == keys for line in lines)
    assert [len(line["inputs"]) for line in lines] == [1, 2, 1]
    assert all(len(one) == 28 and len(one[0]) == 28 for line in lines for one in line["inputs"])
    assert set(lines[1]["drawing"]) == {"canvas", "width", "height"}


def test_review_changes_the_status_and_the_export_filters_by_it(api, sure_digits):
    client, _ = api
    first = client.post(
        "/api/corrections", json=canvas_body("4", sure_digits, wrote="9")
    ).get_json()
    client.post("/api/corrections", json=canvas_body("7", sure_digits, wrote="1"))
    url = f"/api/corrections/{first['id']}/review"
    response = client.post(url, json={"status": "accepted"}, headers=OWNER)
    assert response.status_code == 200
    assert response.get_json() == {"id": first["id"], "status": "accepted"}
    accepted = client.get("/api/corrections/export?status=accepted", headers=OWNER)
    assert [orjson.loads(x)["id"] for x in accepted.get_data().splitlines()] == [first["id"]]
    pending = client.get("/api/corrections/export?status=pending", headers=OWNER)
    assert len(pending.get_data().splitlines()) == 1
    for bad in ({"status": "pending"}, {"status": "ok"}, {}, {"status": "accepted", "x": 1}):
        assert client.post(url, json=bad, headers=OWNER).status_code == 400
    assert client.get("/api/corrections/export?status=maybe", headers=OWNER).status_code == 400
    unknown = client.post(
        "/api/corrections/nope/review", json={"status": "rejected"}, headers=OWNER
    )
    assert unknown.status_code == 404


def test_beyond_the_hourly_limit_a_client_gets_429_with_retry_after(store, classifier, sure_digits):
    database, engine = store
    app = make_app(classifier, database.url, CORRECTIONS_LIMIT_PER_HOUR="2")
    client = app.server.test_client()
    body = canvas_body("4", sure_digits, wrote="9")
    here = {"REMOTE_ADDR": "203.0.113.9"}
    assert [client.post("/api/corrections", json=body, environ_base=here).status_code
            for _ in range(2)] == [201, 201]  # fmt: skip
    refused = client.post("/api/corrections", json=body, environ_base=here)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert "2 corrections an hour" in refused.get_json()["error"]
    # Its own X-Forwarded-For does not make a client someone else off Heroku...
    forged = client.post(
        "/api/corrections", json=body, environ_base=here, headers={"X-Forwarded-For": "10.9.9.9"}
    )
    assert forged.status_code == 429
    # ...and another address has its own allowance.
    other = client.post("/api/corrections", json=body, environ_base={"REMOTE_ADDR": "203.0.113.10"})
    assert other.status_code == 201
    assert row_count(engine) == 3


def test_on_heroku_the_routers_entry_counts_and_a_clients_own_header_does_not(
    store, classifier, sure_digits
):
    database, engine = store
    app = make_app(classifier, database.url, CORRECTIONS_LIMIT_PER_HOUR="1", DYNO="web.1")
    client = app.server.test_client()
    body = canvas_body("4", sure_digits, wrote="9")
    router = {"REMOTE_ADDR": "10.1.2.3"}  # every request reaches the dyno from the router

    def send(forwarded: str):
        return client.post(
            "/api/corrections", json=body, environ_base=router,
            headers={"X-Forwarded-For": forwarded},
        )  # fmt: skip

    assert send("198.51.100.7").status_code == 201
    # The same client writing a header of its own first: the router's entry is still last.
    assert send("1.2.3.4, 198.51.100.7").status_code == 429
    assert send("5.6.7.8, 9.9.9.9, 198.51.100.7").status_code == 429
    # A different client behind the same router is a different client.
    assert send("198.51.100.8").status_code == 201
    keys = {row["client_key"] for row in stored_rows(engine)}
    expected = {
        hmac.new(SALT.encode(), a, "sha256").hexdigest() for a in (b"198.51.100.7", b"198.51.100.8")
    }
    assert keys == expected


def test_options_and_405_name_the_corrections_routes_methods(api):
    client, _ = api
    cases = {
        "/api/corrections": "POST, OPTIONS",
        "/api/corrections/export": "GET, HEAD, OPTIONS",
        "/api/corrections/abc123": "DELETE, OPTIONS",
        "/api/corrections/abc123/review": "POST, OPTIONS",
    }
    for path, allow in cases.items():
        options = client.open(path, method="OPTIONS")
        assert options.status_code == 204 and options.headers["Allow"] == allow
    assert client.get("/api/corrections").status_code == 405
    assert client.get("/api/corrections/abc123").status_code == 405
    wrong = client.put("/api/corrections/abc123/review")
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST, OPTIONS"


def test_when_corrections_are_off_the_api_says_so_with_503_and_predict_works(
    classifier, sure_digits
):
    from web import create_app

    app = create_app({"classifier": classifier, "environ": {"DYNO": "web.1"}})
    client = app.server.test_client()
    response = client.post("/api/corrections", json=canvas_body("4", sure_digits, wrote="9"))
    assert response.status_code == 503
    assert "DATABASE_URL" in response.get_json()["error"]
    predict = client.post("/api/predict", json=canvas_body("4", sure_digits))
    assert predict.status_code == 200


def test_a_fresh_database_gets_its_schema_from_upgrade_not_from_the_app(tmp_path, classifier):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = make_app(classifier, url)
    assert not (tmp_path / "fresh.sqlite3").exists()  # no engine, no file, at import or build
    engine = sa.create_engine(url)
    upgrade(engine)
    assert app.server.test_client().get("/api/corrections/export", headers=OWNER).status_code == 200
    engine.dispose()


def test_with_the_database_down_predict_works_and_a_correction_gets_503_within_5_s_then_works_again(
    store, classifier, sure_digits
):
    database, engine = store
    body = canvas_body("4", sure_digits, wrote="9")
    if database.kind == "sqlite":
        client = make_app(classifier, database.url).server.test_client()
        down = sqlite_locked(sa.make_url(database.url).database)
        proxy = None
    else:
        url = sa.make_url(database.url)
        proxy = TcpProxy((url.host, url.port or 5432)).start()
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        client = make_app(classifier, proxied).server.test_client()
        down = stopped(proxy)
    try:
        assert client.post("/api/corrections", json=body).status_code == 201  # a pooled connection
        with down:
            started = time.monotonic()
            refused = client.post("/api/corrections", json=body)
            elapsed = time.monotonic() - started
            assert refused.status_code == 503
            assert elapsed < 5.0
            assert refused.get_json()["error"].startswith("the corrections database is unavailable")
            assert int(refused.headers["Retry-After"]) >= 1
            # The address and the driver's words stay in the log.
            assert "127.0.0.1" not in refused.get_json()["error"]
            assert (
                client.post("/api/predict", json=canvas_body("4", sure_digits)).status_code == 200
            )
            if proxy is not None:  # SQLite's readers still read a file locked for writing
                export = client.get("/api/corrections/export", headers=OWNER)
                assert export.status_code == 503 and "error" in export.get_json()
                credentials = base64.b64encode(f"owner:{TOKEN}".encode()).decode()
                review = client.get("/review", headers={"Authorization": f"Basic {credentials}"})
                assert review.status_code == 503 and review.mimetype == "text/html"
                assert "unavailable" in review.get_data(as_text=True)
        # Back: the same app, no restart.
        assert client.post("/api/corrections", json=body).status_code == 201
        assert row_count(engine) == 2
    finally:
        if proxy is not None:
            proxy.stop()


def test_a_database_that_never_answers_gets_a_503_within_5_s(
    postgres_store, classifier, sure_digits
):
    database, _ = postgres_store
    with silent_server() as port:
        url = sa.make_url(database.url).set(host="127.0.0.1", port=port)
        client = make_app(
            classifier, url.render_as_string(hide_password=False)
        ).server.test_client()
        started = time.monotonic()
        response = client.post("/api/corrections", json=canvas_body("4", sure_digits, wrote="9"))
        assert response.status_code == 503
        assert time.monotonic() - started < 5.0


@contextlib.contextmanager
def stopped(proxy):
    proxy.stop()
    try:
        yield
    finally:
        proxy.start()


def test_the_pages_send_counts_against_the_same_hourly_limit_as_the_api(
    store, classifier, sure_digits
):
    database, engine = store
    client = make_app(classifier, database.url, CORRECTIONS_LIMIT_PER_HOUR="2").server.test_client()
    here = {"REMOTE_ADDR": "203.0.113.20"}
    body = canvas_body("4", sure_digits, wrote="9")
    assert client.post("/api/corrections", json=body, environ_base=here).status_code == 201
    send = send_request(client, body["canvas"], "9")
    first = client.post("/_dash-update-component", json=send, environ_base=here)
    answer = first.get_json()["response"]
    assert answer[ids.CORRECTION_STATUS]["children"] == "Saved, thank you"
    (saved,) = answer[ids.SAVED_CORRECTIONS]["data"]["saved"]
    over = client.post("/_dash-update-component", json=send, environ_base=here)
    words = over.get_json()["response"][ids.CORRECTION_STATUS]["children"]
    assert "as many corrections as we take from one place in an hour" in words
    rows = stored_rows(engine)
    assert len(rows) == 2 and {row["wrote"] for row in rows} == {"9"}
    page_row = next(row for row in rows if row["id"] == saved["id"])
    assert page_row["canvas_json"] == body["canvas"] and page_row["reading"] == "4"
