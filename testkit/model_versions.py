"""Helpers for the model versions' tests: the app serving the store's promoted
version (checked every `interval_s`), and versions that are the shipped file
with padding after it (LiteRT reads past the end of the model, so each is a
working model with its own sha256, made without TensorFlow)."""

import hashlib
import json

from corrections import SHIPPED_VERSION, add_version
from model.core.inference import DEFAULT_CARD_PATH, DEFAULT_MODEL_PATH
from testkit.corrections_web import SALT, TOKEN
from testkit.payloads import PAD_SIZE, canvas_json, place_on_pad

OWNER = {"Authorization": f"Bearer {TOKEN}"}


def versions_app(url: str, interval_s: float = 0.2, **env):
    """The dashboard on `url`, loading the shipped model itself and switching
    to the store's promoted version every `interval_s` seconds at most."""
    from web import create_app

    environ = {
        "DATABASE_URL": url,
        "REVIEW_TOKEN": TOKEN,
        "CORRECTIONS_SALT": SALT,
        "CORRECTIONS_LIMIT_PER_HOUR": "0",
        "MODEL_CHECK_INTERVAL_S": str(interval_s),
        **env,
    }
    return create_app({"environ": environ})


def padded_model(padding: int) -> tuple[bytes, dict]:
    """The shipped .tflite with `padding` zero bytes after it, and its card."""
    content = DEFAULT_MODEL_PATH.read_bytes() + b"\0" * padding
    card = json.loads(DEFAULT_CARD_PATH.read_text())
    card["model_sha256"] = hashlib.sha256(content).hexdigest()
    return content, card


def add_padded_version(engine, padding: int, parent=SHIPPED_VERSION, **options) -> str:
    """A stored version that is the shipped model padded (see padded_model); its id."""
    content, card = padded_model(padding)
    table = card.get("validation_table", {})
    return add_version(engine, tflite=content, card=card, table=table, parent=parent, **options)


def sha256_of_version(padding: int) -> str:
    return hashlib.sha256(padded_model(padding)[0]).hexdigest()


def send_correction(client, strokes, wrote: str, address: str, accept: bool = True) -> str:
    """POST /api/corrections of `strokes` (own box, placed on the pad) from
    `address`, then the owner's accept unless told not to; the correction's id."""
    body = {
        "canvas": canvas_json(place_on_pad(strokes)),
        "width": PAD_SIZE,
        "height": PAD_SIZE,
        "wrote": wrote,
    }
    made = client.post("/api/corrections", json=body, environ_base={"REMOTE_ADDR": address})
    assert made.status_code == 201, made.get_json()
    correction_id = made.get_json()["id"]
    if accept:
        review = client.post(
            f"/api/corrections/{correction_id}/review", json={"status": "accepted"}, headers=OWNER
        )
        assert review.status_code == 200, review.get_json()
    return correction_id
