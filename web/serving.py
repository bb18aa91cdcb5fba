"""The web layer's side of serving the promoted model: the process's
ModelHolder (model/core/serving_model.py) fed by the corrections store's model
versions, checked lazily at the start of a request, and the model pinned for
the rest of that request.

Each gunicorn worker has its own holder (create_app runs before the fork, and
the store's engine is built per process on first use), so every worker on
every dyno asks the store at most once every MODEL_CHECK_INTERVAL_S seconds
(15 by default) and switches within that time of its next request; no request
waits for another's check. Without a store (corrections off) it serves the
shipped file; with a store it cannot reach, what it has.
"""

import flask

import corrections
from model.core.serving_model import ModelHolder, Served, ServingClassifier
from web.settings import Settings

# Where create_app() keeps the holder (server.extensions).
HOLDER_KEY = "model_holder"
_PIN = "served_model_pin"


def model_holder(shipped, settings: Settings | None) -> ModelHolder:
    """A holder serving `shipped` until the store promotes a version (never,
    without `settings`)."""
    store = settings.store if settings is not None else None
    if store is None or not store.enabled:
        return ModelHolder(Served.shipped(shipped))

    def current() -> tuple[str, str | None]:
        pointer = corrections.current_version(corrections.engine_for(store))
        return pointer.id, pointer.sha256

    def load(version_id: str) -> tuple[bytes, dict]:
        stored = corrections.load_version_bytes(corrections.engine_for(store), version_id)
        return stored.tflite, stored.card

    return ModelHolder(
        Served.shipped(shipped),
        current,
        load,
        interval_s=settings.model_check_interval_s,
        unavailable=(corrections.CorrectionsError,),
    )


def register_model_switching(server: flask.Flask, holder: ModelHolder) -> ServingClassifier:
    """Check for a newly promoted model at the start of each request (when due)
    and pin the model for the request; the classifier the routes read with."""
    server.extensions[HOLDER_KEY] = holder

    def check_and_pin() -> None:
        holder.refresh_if_due()
        if _PIN not in flask.g:
            flask.g.setdefault(_PIN, holder.pin())

    def unpin(_error) -> None:
        token = flask.g.pop(_PIN, None)
        if token is not None:
            holder.unpin(token)

    server.before_request(check_and_pin)
    server.teardown_request(unpin)
    return ServingClassifier(holder)


def current_holder() -> ModelHolder:
    return flask.current_app.extensions[HOLDER_KEY]
