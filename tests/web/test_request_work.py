"""One work budget per request through the web layer (issue 25 row 3): reading
and explaining a drawing through /api/predict and through the page's callback
share one model.core.budget.WorkBudget, so a request makes at most its
budget's model calls, evidence included (counted, not timed: bench/heavy_number.py
times the heaviest valid number on the real server)."""

import pytest

from components import callbacks
from model.core.budget import REQUEST_MODEL_CALLS, WorkBudget
from testkit.counted import Counted
from testkit.dash_requests import dash_update_request
from testkit.hostile_corpus import HEAVY_SCRIBBLES
from web import api, create_app, paths

# Enough for reading the heavy number (its candidates) and the evidence of a
# few of its characters, not of all of them.
SMALL_BUDGET = 60


@pytest.fixture
def counted(classifier):
    return Counted(classifier)


@pytest.fixture
def counted_client(counted):
    return create_app({"classifier": counted}).server.test_client()


def api_explained(client) -> dict:
    response = client.post("/api/predict", json={"canvas": HEAVY_SCRIBBLES, "explain": True})
    assert response.status_code == 200
    return response.get_json()


def test_the_heavy_number_explained_through_the_api_stays_within_one_budget(
    counted, counted_client
):
    answer = api_explained(counted_client)
    assert len(answer["digits"]) >= 10
    assert all(entry["evidence"] is not None for entry in answer["digits"])
    assert 0 < counted.calls <= REQUEST_MODEL_CALLS


def test_the_api_explains_what_the_requests_budget_still_pays_for(
    counted, counted_client, monkeypatch
):
    monkeypatch.setattr(api, "WorkBudget", lambda: WorkBudget(model_calls=SMALL_BUDGET))
    answer = api_explained(counted_client)
    # Reading and evidence together: the evidence of the later characters is
    # null, and the answer (its digits) is still the whole number's.
    assert counted.calls <= SMALL_BUDGET
    evidence = [entry["evidence"] for entry in answer["digits"]]
    assert evidence[0] is not None and evidence[-1] is None
    assert all(entry["input"] is not None for entry in answer["digits"])


def test_the_page_shares_one_budget_between_reading_and_evidence(
    counted, counted_client, monkeypatch
):
    body = dash_update_request(HEAVY_SCRIBBLES, evidence_digit=3)
    assert counted_client.post(paths.DASH_CALLBACK_PATH, json=body).status_code == 200
    assert 0 < counted.calls <= REQUEST_MODEL_CALLS
    read_only = Counted(counted.classifier)
    callbacks.view_for_drawing(read_only, HEAVY_SCRIBBLES)
    # A budget that pays for the reading but not for the evidence: the page
    # shows the reading, without the evidence, rather than spend more.
    monkeypatch.setattr(callbacks, "WorkBudget", lambda: WorkBudget(model_calls=read_only.calls))
    counted.calls = 0
    response = counted_client.post(paths.DASH_CALLBACK_PATH, json=body)
    assert response.status_code == 200
    assert counted.calls == read_only.calls
    assert "predicted-digit" in response.get_data(as_text=True)
