"""Serving the promoted model version, over HTTP on SQLite and PostgreSQL:
/healthz names the model; a worker switches within its check interval
without a restart, forward and back; the owner's /api/models and its promote
route; a version whose bytes do not match its sha256 is never loaded; a
database that cannot be reached leaves the shipped file serving; the review
page's model versions with Promote under per-form CSRF."""

import base64
import time

import sqlalchemy as sa

from corrections import SHIPPED_VERSION, current_version
from model.core.inference import DEFAULT_CARD_PATH
from testkit.model_versions import (
    OWNER,
    TOKEN,
    add_padded_version,
    sha256_of_version,
    versions_app,
)

INTERVAL_S = 0.2
SHIPPED_SHA = __import__("json").loads(DEFAULT_CARD_PATH.read_text())["model_sha256"]


def model_of(client) -> dict:
    response = client.get("/healthz")
    assert response.status_code == 200
    return response.get_json()["model"]


def after_the_interval() -> None:
    time.sleep(INTERVAL_S * 1.5)


def test_healthz_names_the_shipped_model_until_a_version_is_promoted(store):
    database, engine = store
    client = versions_app(database.url, INTERVAL_S).server.test_client()
    assert model_of(client) == {"sha256": SHIPPED_SHA, "version": SHIPPED_VERSION}
    add_padded_version(engine, 16)  # stored, not promoted
    after_the_interval()
    assert model_of(client) == {"sha256": SHIPPED_SHA, "version": SHIPPED_VERSION}


def test_every_worker_switches_to_a_promoted_version_and_back_within_its_interval(store):
    database, engine = store
    # Two apps on one database stand for two workers (or two dynos).
    first = versions_app(database.url, INTERVAL_S).server.test_client()
    second = versions_app(database.url, INTERVAL_S).server.test_client()
    model_of(first), model_of(second)  # both have checked once
    version = add_padded_version(engine, 32)

    promoted = first.post(f"/api/models/{version}/promote", headers=OWNER)
    assert promoted.status_code == 200, promoted.get_json()
    new = {"sha256": sha256_of_version(32), "version": version}
    assert model_of(first) == new  # the worker that promoted switched at once
    after_the_interval()
    assert model_of(second) == new
    # It reads with the new version (the same network, so the same answers).
    assert second.post("/api/predict", json={"canvas": {"objects": []}}).status_code == 200

    back = second.post(f"/api/models/{SHIPPED_VERSION}/promote", headers=OWNER)
    assert back.status_code == 200
    assert model_of(second) == {"sha256": SHIPPED_SHA, "version": SHIPPED_VERSION}
    after_the_interval()
    assert model_of(first) == {"sha256": SHIPPED_SHA, "version": SHIPPED_VERSION}


def test_the_owner_lists_versions_newest_first_with_the_shipped_file_last(store):
    database, engine = store
    client = versions_app(database.url, INTERVAL_S).server.test_client()
    older = add_padded_version(engine, 8)
    newer = add_padded_version(engine, 24, parent=older, promote_it=True)
    response = client.get("/api/models", headers=OWNER)
    assert response.status_code == 200
    versions = response.get_json()["versions"]
    assert [v["id"] for v in versions] == [newer, older, SHIPPED_VERSION]
    assert [v["promoted"] for v in versions] == [True, False, False]
    assert [v["parent"] for v in versions] == [older, SHIPPED_VERSION, None]
    assert versions[0]["sha256"] == sha256_of_version(24)
    assert versions[2]["sha256"] == SHIPPED_SHA
    assert {"id", "sha256", "created_at", "parent", "promoted", "table"} <= set(versions[0])
    assert versions[0]["table"]["lines"][0]["key"] == "mnist_raw"


def test_the_owner_routes_need_the_token_and_are_off_without_one(store):
    database, engine = store
    version = add_padded_version(engine, 8)
    client = versions_app(database.url, INTERVAL_S).server.test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        assert client.get("/api/models", headers=headers).status_code == 401
        assert client.post(f"/api/models/{version}/promote", headers=headers).status_code == 401
    assert current_version(engine).id == SHIPPED_VERSION
    unknown = client.post("/api/models/no-such-version/promote", headers=OWNER)
    assert unknown.status_code == 404 and "error" in unknown.get_json()
    assert client.get("/api/models/x/promote", headers=OWNER).status_code == 405
    off = versions_app(database.url, INTERVAL_S, REVIEW_TOKEN="").server.test_client()
    assert off.get("/api/models", headers=OWNER).status_code == 404
    assert off.post(f"/api/models/{version}/promote", headers=OWNER).status_code == 404


def test_a_version_whose_bytes_do_not_match_its_sha256_is_not_loaded(store):
    database, engine = store
    client = versions_app(database.url, INTERVAL_S).server.test_client()
    good = add_padded_version(engine, 8, promote_it=True)
    after_the_interval()
    assert model_of(client)["version"] == good
    bad = add_padded_version(engine, 40)
    with engine.begin() as connection:  # the bytes change after their sha256 was recorded
        connection.execute(
            sa.text("UPDATE model_versions SET tflite = :b WHERE id = :i"),
            {"b": b"not a model at all", "i": bad},
        )
    assert client.post(f"/api/models/{bad}/promote", headers=OWNER).status_code == 200
    after_the_interval()
    assert model_of(client) == {"sha256": sha256_of_version(8), "version": good}
    assert client.post("/api/predict", json={"canvas": {"objects": []}}).status_code == 200


def test_without_a_reachable_database_the_shipped_file_serves():
    url = "postgresql://postgres@127.0.0.1:9/none?connect_timeout=1"
    client = versions_app(url, INTERVAL_S).server.test_client()
    assert model_of(client) == {"sha256": SHIPPED_SHA, "version": SHIPPED_VERSION}
    assert client.post("/api/predict", json={"canvas": {"objects": []}}).status_code == 200
    assert client.get("/api/models", headers=OWNER).status_code == 503


def basic(password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"owner:{password}".encode()).decode()}


def test_the_review_page_promotes_with_a_token_per_form(store):
    database, engine = store
    version = add_padded_version(engine, 8)
    client = versions_app(database.url, INTERVAL_S).server.test_client()
    assert client.get("/review/models").status_code == 401
    assert "/review/models" in client.get("/review", headers=basic(TOKEN)).get_data(as_text=True)
    page = client.get("/review/models", headers=basic(TOKEN))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert version in text and "MNIST test, raw 28x28" in text and "Promote" in text
    action = f"/review/models/{version}/promote"
    token = text.split(f"action='{action}'>")[1].split("value='")[1].split("'")[0]

    forged = client.post(action, data={"csrf": "0" * 64}, headers=basic(TOKEN))
    assert forged.status_code == 403
    assert current_version(engine).id == SHIPPED_VERSION
    done = client.post(action, data={"csrf": token}, headers=basic(TOKEN))
    assert done.status_code == 303
    assert current_version(engine).id == version
    assert model_of(client)["version"] == version


def about_panel_request(client) -> dict:
    """What dash-renderer posts when the page loads the About panel's version part."""
    outputs = client.get("/_dash-dependencies").get_json()
    key = next(item["output"] for item in outputs if item["output"] == "model-version.children")
    return {
        "output": key,
        "outputs": {"id": "model-version", "property": "children"},
        "inputs": [{"id": "about-model", "property": "n_clicks", "value": None}],
        "changedPropIds": [],
        "state": [],
    }


def test_about_the_model_shows_the_version_serving_and_its_table(store):
    database, engine = store
    client = versions_app(database.url, INTERVAL_S).server.test_client()
    body = about_panel_request(client)
    shown = client.post("/_dash-update-component", json=body).get_data(as_text=True)
    assert "Serving version shipped" in shown and SHIPPED_SHA[:12] in shown
    assert "MNIST test, raw 28x28" in shown
    version = add_padded_version(engine, 8, promote_it=True)
    after_the_interval()
    shown = client.post("/_dash-update-component", json=body).get_data(as_text=True)
    assert f"Serving version {version}" in shown and sha256_of_version(8)[:12] in shown
