"""The requests dash-renderer sends, for tests and benchmarks that talk to
Dash's callback route without a browser."""

from components import ids
from components.callbacks import PREDICTION_OUTPUTS


def dash_update_request(
    json_data,
    clear_clicks: int = 0,
    changed: str = f"{ids.CANVAS}.json_data",
    evidence_digit: int | None = None,
    selected: int | None = None,
) -> dict:
    """The body dash-renderer posts to /_dash-update-component for the prediction
    callback."""
    return {
        "output": ".." + "...".join(f"{cid}.{prop}" for cid, prop in PREDICTION_OUTPUTS) + "..",
        "outputs": [{"id": cid, "property": prop} for cid, prop in PREDICTION_OUTPUTS],
        "inputs": [
            {"id": ids.CANVAS, "property": "json_data", "value": json_data},
            {"id": ids.CLEAR_BUTTON, "property": "n_clicks", "value": clear_clicks},
            {"id": ids.EVIDENCE_DIGIT, "property": "data", "value": evidence_digit},
            {"id": ids.SELECTED_CHARACTER, "property": "data", "value": selected},
        ],
        "changedPropIds": [changed],
    }
