"""The learning loop end to end, small and fast: a tiny network serving as the
promoted version, people's corrections sent through the API and accepted on
the owner's route, `finetune.run` (split by person, fine-tune with replay,
export, both models side by side, the gate), the new version promoted and
served by the web app after its check interval, and a roll back through
POST /api/models/<id>/promote. And the gate refusing: exit 1, nothing stored.

The tiny network and the few hundred committed digits stand in for the real
model and data (bench/finetune_writers.py runs the real thing)."""

import hashlib
import json
import time

import numpy as np
import pytest

import corrections
from corrections import tokens
from model.core.contract import INPUT_SHAPE, NUM_OUTPUTS
from model.core.inference import DEFAULT_CARD_PATH
from model.training.validate import Line
from testkit.corrections import sqlite_database
from testkit.fixtures import mnist_sample, pen_digits_sample
from testkit.model_versions import OWNER, send_correction, versions_app

pytestmark = pytest.mark.slow

INTERVAL_S = 0.2
SALT = "api-test-salt"  # testkit.corrections_web's, which versions_app uses
HELDOUT_SHARE = 0.3
PER_PERSON = 25


def build_tiny(_dropout=0.0):
    import keras
    from keras import layers

    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = layers.Conv2D(8, 5, strides=2, activation="relu")(inputs)
    x = layers.Flatten()(x)
    outputs = layers.Dense(NUM_OUTPUTS, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="tiny")


def mnist_digits():
    images, labels = mnist_sample()
    return images.astype(np.float32) / 255.0, labels.astype(np.uint8)


def tiny_parent(folder):
    """A tiny network trained a little on the committed MNIST digits: its
    .tflite, card (the shipped card naming it) and weights."""
    import keras

    from model.training.export import export_tflite

    keras.utils.set_random_seed(0)
    images, labels = mnist_digits()
    model = build_tiny()
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    model.fit(images[..., None], labels, epochs=15, batch_size=32, verbose=0)
    tflite = export_tflite(model, folder / "tiny.tflite").read_bytes()
    model.save_weights(folder / "tiny.weights.h5")
    card = json.loads(DEFAULT_CARD_PATH.read_text())
    card["model_sha256"] = hashlib.sha256(tflite).hexdigest()
    card.pop("validation_table", None)
    return tflite, card, (folder / "tiny.weights.h5").read_bytes()


def table(classifier) -> list[Line]:
    """The small validation table: the committed MNIST digits, raw, judged on
    accuracy alone (a tiny network trained on these very digits is as sure of
    them as can be, and any fine-tune makes it less so: its calibration is not
    what this test is about; tests/training/test_gate.py checks that rule)."""
    images, labels = mnist_digits()
    answer = classifier.predict_batch(images).argmax(axis=1)
    return [Line("mnist_raw", "MNIST sample, raw", answer == labels, None)]


def people(count: int, held: bool) -> list[str]:
    """Addresses of `count` people on one side of the fine-tune's split."""
    from model.training.finetune import heldout_side

    found = []
    for index in range(1, 1000):
        address = f"203.0.113.{index}"
        key = tokens.client_key(address, SALT)
        if heldout_side(key, HELDOUT_SHARE) == held:
            found.append(address)
        if len(found) == count:
            return found
    raise AssertionError("no addresses on that side")


def settings():
    from model.training.finetune import FinetuneSettings

    return FinetuneSettings(epochs=6, learning_rate=3e-3, batch_size=32, heldout_share=0.3)


def model_of(client) -> dict:
    return client.get("/healthz").get_json()["model"]


def wait_for_model(client, sha256: str) -> None:
    deadline = time.monotonic() + 5
    while model_of(client)["sha256"] != sha256:
        assert time.monotonic() < deadline, f"still serving {model_of(client)}"
        time.sleep(INTERVAL_S / 2)


@pytest.fixture
def loop(tmp_path):
    """A SQLite store serving the tiny parent, and the web app on it."""
    with sqlite_database(tmp_path) as database:
        engine = database.engine()
        corrections.upgrade(engine)
        tflite, card, weights = tiny_parent(tmp_path)
        parent = corrections.add_version(
            engine,
            tflite=tflite,
            card=card,
            table={"lines": []},
            parent=corrections.SHIPPED_VERSION,
            weights=weights,
            promote_it=True,
        )
        client = versions_app(database.url, INTERVAL_S).server.test_client()
        wait_for_model(client, card["model_sha256"])
        yield engine, client, parent, card["model_sha256"]


def send_and_accept(client, addresses, digits) -> int:
    """Each person sends PER_PERSON pen digits as corrections; the owner accepts them."""
    sent = 0
    for person, address in enumerate(addresses):
        for item in digits[person * PER_PERSON : (person + 1) * PER_PERSON]:
            strokes = [np.asarray(s, float) for s in item["strokes"]]
            send_correction(client, strokes, str(item["label"]), address)
            sent += 1
    return sent


def run_finetune(engine, tmp_path, lines):
    from model.training import finetune

    replay_images, replay_labels = mnist_digits()
    digits = finetune.Digits(replay_images, replay_labels, np.zeros(len(replay_labels), bool))
    replay = finetune.Replay(train=digits, calibration=digits)
    parent = finetune.serving_parent(engine, tmp_path)
    return finetune.run(engine, parent, replay, table, settings(), build_tiny, out=lines.append)


def test_corrections_fine_tune_promote_serve_and_roll_back(loop, tmp_path):
    engine, client, parent, parent_sha = loop
    digits = pen_digits_sample()
    addresses = people(6, held=False) + people(3, held=True)
    assert send_and_accept(client, addresses, digits) == 9 * PER_PERSON

    lines: list[str] = []
    assert run_finetune(engine, tmp_path, lines) == 0, "\n".join(lines)
    report = "\n".join(lines)
    assert "held-out corrections (3 people" in report and "gate: PASSED" in report
    versions = corrections.list_versions(engine)
    assert len(versions) == 2
    new = versions[0]
    assert new.promoted and new.parent == parent and new.sha256 != parent_sha
    keys = [line["key"] for line in new.table["lines"]]
    assert keys == ["mnist_raw", "corrections_heldout"]
    stored = corrections.load_version_bytes(engine, new.id)
    assert stored.card["finetune"]["parent"] == parent
    assert stored.card["finetune"]["counts"]["heldout_clients"] == 3
    assert corrections.load_version_weights(engine, new.id) is not None

    # The web app switches without a restart, and reads with the new model.
    wait_for_model(client, new.sha256)
    assert model_of(client) == {"sha256": new.sha256, "version": new.id}
    listed = client.get("/api/models", headers=OWNER).get_json()["versions"]
    assert [v["id"] for v in listed] == [new.id, parent, corrections.SHIPPED_VERSION]
    assert [v["promoted"] for v in listed] == [True, False, False]

    # Roll back in one step.
    back = client.post(f"/api/models/{parent}/promote", headers=OWNER)
    assert back.status_code == 200
    assert model_of(client) == {"sha256": parent_sha, "version": parent}


def test_a_candidate_the_gate_refuses_changes_nothing(loop, tmp_path):
    engine, client, parent, parent_sha = loop
    digits = pen_digits_sample()
    train, held = people(6, held=False), people(3, held=True)
    send_and_accept(client, train, digits)
    # The held-out people's corrections say each digit is the next one: a model
    # that learns the train people's digits reads those worse, not better.
    for person, address in enumerate(held):
        for item in digits[200 + person * 10 : 200 + (person + 1) * 10]:
            strokes = [np.asarray(s, float) for s in item["strokes"]]
            send_correction(client, strokes, str((item["label"] + 1) % 10), address)

    lines: list[str] = []
    assert run_finetune(engine, tmp_path, lines) == 1
    report = "\n".join(lines)
    assert "gate: FAILED" in report and "must improve" in report
    assert [v.id for v in corrections.list_versions(engine)] == [parent]
    assert corrections.current_version(engine).id == parent
    time.sleep(INTERVAL_S * 1.5)
    assert model_of(client) == {"sha256": parent_sha, "version": parent}


def test_without_held_out_people_the_fine_tune_refuses(loop, tmp_path):
    engine, client, parent, _ = loop
    send_and_accept(client, people(2, held=False), pen_digits_sample())
    lines: list[str] = []
    assert run_finetune(engine, tmp_path, lines) == 1
    assert "both sides of the split" in "\n".join(lines)
    assert [v.id for v in corrections.list_versions(engine)] == [parent]


def test_the_split_keeps_each_person_on_one_side_and_never_moves_them():
    from model.training.finetune import correction_sets, heldout_side

    rows = [
        corrections.TrainingCorrection(
            f"id{i}", f"key{i % 7}", str(i % 10), np.zeros((1, 28, 28), np.uint8)
        )
        for i in range(70)
    ]
    rows.append(corrections.TrainingCorrection("two", "key0", "12", np.zeros((1, 28, 28), "u1")))
    sets = correction_sets(rows, 0.3)
    held = {f"key{k}" for k in range(7) if heldout_side(f"key{k}", 0.3)}
    assert sets.counts["heldout_clients"] == len(held) and 0 < len(held) < 7
    assert sets.counts["heldout_digits"] == 10 * len(held)
    assert sets.counts["corrections_skipped"] == 1  # two digits written, one input
    assert heldout_side("key3", 0.3) == heldout_side("key3", 0.3)
