"""The corrections API: a Flask blueprint over the corrections store (corrections/).

POST /api/corrections takes the drawing fields of /api/predict plus "wrote",
reads the drawing itself with /api/predict's code (web/api.py) and stores it
with what the model saw and answered: 201 {"id", "delete_token", "reading"}.
DELETE /api/corrections/<id> with X-Delete-Token: 204, or 404 for a wrong
token or an unknown id (one answer for both: without the token nobody learns
whether an id exists, and "no correction of yours here" is what both mean).
The owner's routes (web/owner.py: Bearer REVIEW_TOKEN) export the table as
NDJSON, streamed, and review one correction. The store's errors become
statuses in web/errors.py. `submit` is also what the page's form calls
(components/correction_form.py), so the page stores exactly what the API does.
"""

import functools
from typing import Any

import flask
import orjson

import corrections
from corrections import CanvasDrawing, Created, ImageDrawing, NewCorrection
from model.core.hashing import sha256_of
from model.numbers.number import NumberReading
from web.api import CLASSIFIER_KEY, check_drawing_fields, json_object_body, read_drawing
from web.client_address import client_address
from web.errors import ClientError
from web.owner import require_bearer
from web.request_body import kind
from web.responses import json_response
from web.settings import current_settings

WROTE_KEY = "wrote"
DELETE_TOKEN_HEADER = "X-Delete-Token"
REVIEW_STATUSES = ("accepted", "rejected")
NDJSON = "application/x-ndjson"

corrections_api = flask.Blueprint("corrections_api", __name__)


def store_config() -> corrections.StoreConfig:
    return current_settings().store


def engine():
    """This process's engine (built on first use, after gunicorn forks); raises
    CorrectionsDisabled when corrections are off."""
    return corrections.engine_for(store_config())


@functools.cache
def _file_sha256(path: str) -> str:
    return sha256_of(path)


def model_sha256(classifier) -> str:
    """The sha256 of the model file that read the drawing (its card names it)."""
    return classifier.card.get("model_sha256") or _file_sha256(str(classifier.model_path))


def drawing_of(body: dict[str, Any]) -> corrections.records.Drawing:
    """The drawing as it came: the canvas JSON text with its size, or the image's bytes."""
    if "image" in body:
        return ImageDrawing.from_data_url(body["image"])
    canvas = body["canvas"]
    text = canvas if isinstance(canvas, str) else orjson.dumps(canvas).decode()
    return CanvasDrawing(text, body.get("width"), body.get("height"))


def new_correction(classifier, body: dict, reading: NumberReading, wrote: str) -> NewCorrection:
    """What the store keeps: the server's own reading, every character's 28x28
    input and confidence, and the model's sha256."""
    return NewCorrection(
        wrote=wrote,
        reading=reading.number,
        confidences=[float(c.prediction.confidence) for c in reading.characters],
        model_sha256=model_sha256(classifier),
        drawing=drawing_of(body),
        inputs=[c.prediction.image for c in reading.characters],
    )


def submit(
    classifier, body: Any, client: str, *, confirm: bool = False
) -> tuple[Created, str | None]:
    """Check `body` (a parsed JSON object), read its drawing and store the
    correction for `client`; (the created correction, the reading or None).

    With `confirm` (the page's Right button) there is no "wrote": what was
    written is the reading itself. Raises ClientError, the reader's InvalidInput
    or the store's errors; nothing is stored unless it returns."""
    config = store_config()
    if not config.enabled:
        raise corrections.CorrectionsDisabled(config.disabled_reason or "corrections are off")
    if not isinstance(body, dict):
        raise ClientError(400, f"JSON body must be an object, got {kind(body)}")
    optional = {} if confirm else {WROTE_KEY: "and"}
    check_drawing_fields(body, optional)
    if not confirm:
        if WROTE_KEY not in body:
            raise ClientError(
                400, "JSON body needs 'wrote': the digits written, a string of 1 to 12 digits 0-9"
            )
        corrections.validate_wrote(body[WROTE_KEY])
    reading = read_drawing(classifier, body)
    if reading.empty:
        raise ClientError(400, "the drawing is empty: there is nothing to correct")
    wrote = reading.number if confirm else body[WROTE_KEY]
    if wrote is None:
        raise ClientError(400, "the reading is not a number: say what you wrote instead")
    created = corrections.add_correction(
        engine(),
        new_correction(classifier, body, reading, wrote),
        client_address=client,
        salt=config.salt,
        limit_per_hour=config.limit_per_hour,
    )
    return created, reading.number


def this_client() -> str:
    """The address the hourly limit counts for this request (web/client_address.py)."""
    return client_address(flask.request, current_settings().behind_heroku_router)


@corrections_api.route("/api/corrections", methods=["POST"])
def post_correction():
    classifier = flask.current_app.extensions[CLASSIFIER_KEY]
    created, reading = submit(classifier, json_object_body(), this_client())
    payload = {"id": created.id, "delete_token": created.delete_token, "reading": reading}
    return json_response(payload, 201)


@corrections_api.route("/api/corrections/export", methods=["GET"])
def export():
    require_bearer()
    return ndjson_export(flask.request.args.get("status"))


def ndjson_export(status: str | None) -> flask.Response:
    """Every correction (of `status`), oldest first, one JSON object a line,
    streamed from the store's batches: memory stays one batch however large
    the table. The first batch is read before the answer starts, so a database
    that is down gets its 503 rather than a 200 cut short."""
    rows = corrections.export_corrections(engine(), status=status)
    first = next(rows, None)

    def lines():
        if first is None:
            return
        yield orjson.dumps(first) + b"\n"
        for row in rows:
            yield orjson.dumps(row) + b"\n"

    response = flask.Response(flask.stream_with_context(lines()), mimetype=NDJSON)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = 'attachment; filename="corrections.ndjson"'
    return response


@corrections_api.route("/api/corrections/<correction_id>", methods=["DELETE"])
def delete(correction_id: str):
    token = flask.request.headers.get(DELETE_TOKEN_HEADER)
    if not token:
        raise ClientError(400, f"the {DELETE_TOKEN_HEADER} header must hold the delete token")
    if not corrections.delete_correction(engine(), correction_id, token):
        raise ClientError(404, "no correction has this id and delete token")
    response = flask.Response(status=204)
    response.headers["Cache-Control"] = "no-store"
    return response


@corrections_api.route("/api/corrections/<correction_id>/review", methods=["POST"])
def review(correction_id: str):
    require_bearer()
    body = json_object_body("with 'status'")
    status = body.get("status")
    if set(body) != {"status"} or status not in REVIEW_STATUSES:
        raise ClientError(400, 'JSON body must be {"status": "accepted"} or {"status": "rejected"}')
    if not corrections.review_correction(engine(), correction_id, status):
        raise ClientError(404, "no correction has this id")
    return json_response({"id": correction_id, "status": status})
