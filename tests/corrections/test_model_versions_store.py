"""Model versions in the store (migration 0003), on SQLite and PostgreSQL: add,
list newest first, promote forward and back (one promoted at a time), the
cheap current-version read, the bytes and their sha256, and the accepted
corrections the fine-tune reads."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

import corrections
from corrections import (
    SHIPPED_VERSION,
    UnknownVersion,
    accepted_corrections,
    add_correction,
    add_version,
    current_version,
    list_versions,
    load_version_bytes,
    load_version_weights,
    promote,
    review_correction,
    upgrade,
)
from testkit.corrections import sample_correction


def version(engine, content: bytes, parent=SHIPPED_VERSION, minutes=0, **options):
    card = {"model_sha256": hashlib.sha256(content).hexdigest(), "name": "test"}
    table = {"lines": [{"key": "mnist_raw", "figure": 0.99, "count": 10}]}
    now = datetime(2026, 12, 6, tzinfo=UTC) + timedelta(minutes=minutes)
    return add_version(
        engine, tflite=content, card=card, table=table, parent=parent, now=now, **options
    )


def test_without_a_promoted_version_the_shipped_file_serves(store):
    _, engine = store
    assert current_version(engine) == corrections.ServingPointer(SHIPPED_VERSION, None)
    assert list_versions(engine) == []


def test_versions_are_listed_newest_first_and_one_serves_at_a_time(store):
    _, engine = store
    first = version(engine, b"first model", weights=b"h5 bytes")
    second = version(engine, b"second model", parent=first, minutes=5, promote_it=True)
    listed = list_versions(engine)
    assert [v.id for v in listed] == [second, first]
    assert [v.promoted for v in listed] == [True, False]
    assert listed[0].parent == first and listed[1].parent == SHIPPED_VERSION
    assert listed[0].sha256 == hashlib.sha256(b"second model").hexdigest()
    assert listed[0].table["lines"][0]["key"] == "mnist_raw"
    assert current_version(engine).id == second

    promote(engine, first)  # back
    assert current_version(engine) == corrections.ServingPointer(
        first, hashlib.sha256(b"first model").hexdigest()
    )
    assert [v.promoted for v in list_versions(engine)] == [False, True]
    promote(engine, SHIPPED_VERSION)
    assert current_version(engine).id == SHIPPED_VERSION
    assert not any(v.promoted for v in list_versions(engine))


def test_a_version_keeps_its_bytes_card_and_weights(store):
    _, engine = store
    made = version(engine, b"\x00model\xff" * 100, weights=b"weights")
    loaded = load_version_bytes(engine, made)
    assert loaded.tflite == b"\x00model\xff" * 100
    assert loaded.sha256 == hashlib.sha256(loaded.tflite).hexdigest()
    assert loaded.card["model_sha256"] == loaded.sha256
    assert load_version_weights(engine, made) == b"weights"


def test_unknown_versions_and_a_card_that_names_another_file_are_refused(store):
    _, engine = store
    with pytest.raises(UnknownVersion):
        promote(engine, "no-such-version")
    with pytest.raises(UnknownVersion):
        load_version_bytes(engine, "no-such-version")
    with pytest.raises(ValueError, match="card names sha256"):
        add_version(engine, tflite=b"x", card={"model_sha256": "0" * 64}, table={}, parent="p")
    assert list_versions(engine) == []


def test_a_database_before_migration_0003_is_unavailable_for_versions(database):
    engine = database.engine()
    upgrade(engine, "0002")
    with pytest.raises(corrections.StoreUnavailable):
        current_version(engine)
    assert upgrade(engine) == "0003"
    assert current_version(engine).id == SHIPPED_VERSION


def test_the_fine_tune_reads_accepted_corrections_with_their_client_and_inputs(store):
    _, engine = store
    made = []
    for seed, address in enumerate(["10.0.0.1", "10.0.0.2", "10.0.0.1"]):
        new = sample_correction(seed, wrote="42")
        made.append(add_correction(engine, new, client_address=address, salt="s", limit_per_hour=0))
    review_correction(engine, made[0].id, "accepted")
    review_correction(engine, made[1].id, "rejected")
    review_correction(engine, made[2].id, "accepted")
    rows = list(accepted_corrections(engine, batch_size=1))
    assert [row.id for row in rows] == [made[0].id, made[2].id]
    assert rows[0].client_key == rows[1].client_key
    assert rows[0].inputs.shape[1:] == (28, 28) and rows[0].wrote == "42"
