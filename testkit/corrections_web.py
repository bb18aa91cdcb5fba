"""Helpers for the corrections' web tests: the app on a scratch database with
the owner's token set, and POST /api/corrections bodies of numbers drawn with
testkit.sure_digits (digits the shipped model reads for sure)."""

import numpy as np

from components import ids
from testkit.payloads import PAD_SIZE, canvas_json
from testkit.sure_digits import side_by_side

TOKEN = "owner-secret-token"
SALT = "api-test-salt"


def make_app(classifier, url: str, **env):
    """The dashboard on `url` (SQLAlchemy's form), REVIEW_TOKEN=TOKEN, no hourly
    limit unless `env` says otherwise."""
    from web import create_app

    environ = {
        "DATABASE_URL": url,
        "REVIEW_TOKEN": TOKEN,
        "CORRECTIONS_SALT": SALT,
        "CORRECTIONS_LIMIT_PER_HOUR": "0",
        **env,
    }
    return create_app({"classifier": classifier, "environ": environ})


def number_strokes(digits: str, sure_digits) -> list[np.ndarray]:
    """The digits side by side on the pad, as pen strokes."""
    strokes, _ = side_by_side([sure_digits[int(c)] for c in digits], 100.0, 80.0, 10.0, 150.0)
    return strokes


def canvas_body(digits: str, sure_digits, **extra) -> dict:
    """The drawing fields of /api/predict for the pad holding `digits`, plus `extra`."""
    strokes = number_strokes(digits, sure_digits)
    return {"canvas": canvas_json(strokes), "width": PAD_SIZE, "height": PAD_SIZE, **extra}


def send_request(client, json_data, wrote: str) -> dict:
    """The body dash-renderer posts to /_dash-update-component when Send is
    pressed with the pad holding `json_data` and the field `wrote`."""
    outputs = client.get("/_dash-dependencies").get_json()
    key = next(
        item["output"] for item in outputs if f"{ids.SAVED_CORRECTIONS}.data" in item["output"]
    )
    return {
        "output": key,
        # As dash-renderer names them: an output another callback also sets
        # (allow_duplicate) carries its "@hash" in its property.
        "outputs": [
            {"id": part.split(".", 1)[0], "property": part.split(".", 1)[1]}
            for part in key.strip(".").split("...")
        ],
        "inputs": [
            {"id": ids.RIGHT_BUTTON, "property": "n_clicks", "value": 0},
            {"id": ids.SEND_BUTTON, "property": "n_clicks", "value": 1},
            {"id": ids.WROTE_INPUT, "property": "n_submit", "value": 0},
            {"id": ids.DELETE_BUTTON, "property": "n_clicks", "value": 0},
        ],
        "state": [
            {"id": ids.CANVAS, "property": "json_data", "value": json_data},
            {"id": ids.WROTE_INPUT, "property": "value", "value": wrote},
            {"id": ids.SAVED_CORRECTIONS, "property": "data", "value": None},
        ],
        "changedPropIds": [f"{ids.SEND_BUTTON}.n_clicks"],
    }
