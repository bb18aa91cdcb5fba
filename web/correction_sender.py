"""The page's way to the corrections store: what components/correction_form.py
calls when Right, Send or Delete it is pressed.

It goes through the API's own code (web/corrections_api.py), inside the Dash
callback's request, so the page's corrections are read, checked, limited per
client and stored exactly as POST /api/corrections's are; each refusal comes
back as the status and message the API would answer (web/errors.py).
"""

from dataclasses import dataclass

import flask

import corrections
import web.corrections_api as corrections_api
from components.correction_form import Outcome
from web.errors import refusals, retry_after, status_and_message


@dataclass(frozen=True)
class CorrectionSender:
    classifier: object

    def send(self, body: dict) -> Outcome:
        return self._store(body, confirm=False)

    def confirm(self, body: dict) -> Outcome:
        return self._store(body, confirm=True)

    def _store(self, body: dict, *, confirm: bool) -> Outcome:
        client = corrections_api.this_client()
        try:
            created, reading = corrections_api.submit(
                self.classifier, body, client, confirm=confirm
            )
        except refusals() as error:
            return _refusal(error)
        payload = {"id": created.id, "delete_token": created.delete_token, "reading": reading}
        return Outcome(201, payload)

    def delete(self, correction_id: str, token: str) -> Outcome:
        try:
            deleted = corrections.delete_correction(corrections_api.engine(), correction_id, token)
        except refusals() as error:
            return _refusal(error)
        return Outcome(204) if deleted else Outcome(404, {"error": "no such correction"})


def _refusal(error: Exception) -> Outcome:
    status, message = status_and_message(error)
    payload: dict = {"error": message}
    if isinstance(error, corrections.CorrectionsError):
        wait = retry_after(error)
        if wait is not None:
            payload["retry_after"] = wait
        if isinstance(error, corrections.StoreUnavailable):
            flask.current_app.logger.warning("%s", error)
    return Outcome(status, payload)


def correction_sender(classifier) -> CorrectionSender:
    return CorrectionSender(classifier)
