"""The owner's model versions: GET /api/models (every version, newest first,
the shipped file last) and POST /api/models/<id>/promote (forward or back),
under Bearer REVIEW_TOKEN as the corrections' owner routes (web/owner.py: 401
without it or with a wrong one, 404 when REVIEW_TOKEN is unset).

Promoting rewrites the store's one-row serving pointer; this worker checks it
at once, every other worker within MODEL_CHECK_INTERVAL_S (web/serving.py).
"""

from typing import Any

import flask

import corrections
from web.corrections_api import engine
from web.errors import ClientError
from web.owner import require_bearer
from web.responses import json_response
from web.serving import current_holder

models_api = flask.Blueprint("models_api", __name__)


def shipped_entry(card: dict, promoted: bool) -> dict[str, Any]:
    """The shipped file as a version: its card's sha256, date and table."""
    return {
        "id": corrections.SHIPPED_VERSION,
        "sha256": card.get("model_sha256"),
        "created_at": card.get("trained"),
        "parent": None,
        "promoted": promoted,
        "table": card.get("validation_table") or {},
    }


def versions_json() -> list[dict[str, Any]]:
    """Every version, newest first; the shipped file last (every version descends from it)."""
    stored = corrections.list_versions(engine())
    entries = [
        {
            "id": version.id,
            "sha256": version.sha256,
            "created_at": version.created_at.isoformat(),
            "parent": version.parent,
            "promoted": version.promoted,
            "table": version.table,
        }
        for version in stored
    ]
    shipped_card = current_holder().shipped.classifier.card
    return [*entries, shipped_entry(shipped_card, not any(v.promoted for v in stored))]


def promote_version(version_id: str) -> None:
    """Promote `version_id` in the store and serve it in this worker at once;
    ClientError 404 for an unknown id."""
    try:
        corrections.promote(engine(), version_id)
    except corrections.UnknownVersion:
        raise ClientError(404, f"no model version {version_id[:64]!r}") from None
    current_holder().check_now()


@models_api.route("/api/models", methods=["GET"])
def list_models():
    require_bearer()
    return json_response({"versions": versions_json()})


@models_api.route("/api/models/<version_id>/promote", methods=["POST"])
def promote_model(version_id: str):
    require_bearer()
    promote_version(version_id)
    served = current_holder().served
    return json_response(
        {"promoted": version_id, "serving": {"version": served.version, "sha256": served.sha256}}
    )
