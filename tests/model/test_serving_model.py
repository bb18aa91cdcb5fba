"""The per-process model holder (model/core/serving_model.py): it asks the store
at most once an interval, switches atomically to a version whose bytes match
their sha256, keeps serving what it has when the store is down, never loads
bytes that fail the check, and pins the model of a request under way."""

import logging

import numpy as np
import pytest

from model.core.inference import load_classifier
from model.core.serving_model import SHIPPED, ModelHolder, Served, ServingClassifier
from testkit.model_versions import padded_model


class Down(Exception):
    pass


class FakeStore:
    def __init__(self):
        self.pointer = (SHIPPED, None)
        self.files: dict[str, tuple[bytes, dict]] = {}
        self.down = False
        self.asked = 0

    def add(self, version: str, padding: int) -> str:
        content, card = padded_model(padding)
        self.files[version] = (content, card)
        return card["model_sha256"]

    def current(self):
        self.asked += 1
        if self.down:
            raise Down("connection refused")
        return self.pointer

    def load(self, version):
        if self.down:
            raise Down("connection refused")
        return self.files[version]


@pytest.fixture
def setup():
    store, now = FakeStore(), [0.0]
    holder = ModelHolder(
        Served.shipped(load_classifier()),
        store.current,
        store.load,
        interval_s=15.0,
        unavailable=(Down,),
        clock=lambda: now[0],
    )
    return holder, store, now


def test_the_store_is_asked_at_most_once_an_interval(setup):
    holder, store, now = setup
    for _ in range(5):
        holder.refresh_if_due()
    assert store.asked == 1
    now[0] = 14.9
    holder.refresh_if_due()
    assert store.asked == 1
    now[0] = 15.0
    holder.refresh_if_due()
    assert store.asked == 2


def test_it_switches_forward_and_back(setup):
    holder, store, now = setup
    shipped = holder.refresh_if_due()
    sha = store.add("v1", 16)
    store.pointer = ("v1", sha)
    now[0] = 20
    served = holder.refresh_if_due()
    assert (served.version, served.sha256) == ("v1", sha)
    assert served.classifier is not shipped.classifier
    store.pointer = (SHIPPED, None)
    now[0] = 40
    assert holder.refresh_if_due() is shipped


def test_a_store_that_is_down_leaves_it_serving_what_it_has_and_logs_once(setup, caplog):
    holder, store, now = setup
    sha = store.add("v1", 16)
    store.pointer = ("v1", sha)
    holder.refresh_if_due()
    store.down = True
    with caplog.at_level(logging.WARNING):
        for step in range(1, 4):
            now[0] = 20.0 * step
            assert holder.refresh_if_due().version == "v1"
    assert sum("cannot be reached" in r.getMessage() for r in caplog.records) == 1


def test_bytes_that_do_not_match_their_sha256_are_never_parsed(setup, caplog, monkeypatch):
    holder, store, now = setup
    sha = store.add("v1", 16)
    content, card = store.files["v1"]
    store.files["v1"] = (content + b"tampered", card)
    store.pointer = ("v1", sha)
    parsed = []
    import model.core.inference as inference

    real = inference._interpreter_class
    monkeypatch.setattr(inference, "_interpreter_class", lambda: (parsed.append(1), real())[1])
    with caplog.at_level(logging.ERROR):
        assert holder.refresh_if_due().version == SHIPPED
    assert parsed == []
    assert "not loaded" in caplog.text
    now[0] = 20  # not tried again
    assert holder.refresh_if_due().version == SHIPPED


def test_a_request_keeps_the_model_it_started_with(setup):
    holder, store, now = setup
    proxy = ServingClassifier(holder)
    holder.refresh_if_due()
    token = holder.pin()
    sha = store.add("v1", 16)
    store.pointer = ("v1", sha)
    now[0] = 20
    holder.refresh_if_due()  # another request's check switches the holder
    assert proxy.served.version == SHIPPED  # this request's model is pinned
    image = np.zeros((28, 28), np.float32)
    assert proxy.predict(image).shape == (11,)
    holder.unpin(token)
    assert proxy.served.version == "v1"
