"""The correction form's parts without a browser: what Right, Send and Delete it
do (components.correction_form.act, over a fake sender), the words for each
refusal, the field's digits, the browser's saved list, the layout (and its
note when corrections are off), and the form's Dash callback over HTTP."""

import json

import pytest

from components import correction_form as form
from components import ids
from components.correction_form import Outcome
from components.layout import build_layout
from testkit.corrections_web import send_request


class FakeSender:
    def __init__(self, *outcomes: Outcome):
        self.outcomes = list(outcomes)
        self.calls: list[tuple] = []

    def _next(self, *call) -> Outcome:
        self.calls.append(call)
        return self.outcomes.pop(0)

    def send(self, body):
        return self._next("send", body)

    def confirm(self, body):
        return self._next("confirm", body)

    def delete(self, correction_id, token):
        return self._next("delete", correction_id, token)


CANVAS = '{"objects": [{"type": "path", "path": [["M", 1, 2], ["L", 3, 4]]}]}'
CREATED = Outcome(201, {"id": "abc", "delete_token": "tok", "reading": "4"})


def test_send_posts_the_pads_drawing_and_size_with_what_was_typed_and_keeps_the_token():
    sender = FakeSender(CREATED)
    update = form.act(ids.SEND_BUTTON, CANVAS, "9", None, sender)
    assert sender.calls == [("send", {"canvas": CANVAS, "width": 400, "height": 400, "wrote": "9"})]
    assert update.state == form.SAVED_STATE and update.message == "Saved, thank you"
    assert update.saved == {"saved": [{"id": "abc", "delete_token": "tok"}]}
    assert update.outputs()[0] == "correction-form state-saved"


def test_enter_in_the_field_sends_as_send_does():
    sender = FakeSender(CREATED)
    assert form.act(ids.WROTE_INPUT, CANVAS, "9", None, sender).state == form.SAVED_STATE
    assert sender.calls[0][0] == "send"


def test_right_confirms_the_reading_without_a_wrote():
    sender = FakeSender(CREATED)
    update = form.act(ids.RIGHT_BUTTON, CANVAS, "ignored", None, sender)
    assert sender.calls == [("confirm", {"canvas": CANVAS, "width": 400, "height": 400})]
    assert update.message == form.SAVED


def test_saved_corrections_accumulate_and_delete_it_removes_the_newest():
    sender = FakeSender(CREATED, Outcome(204))
    old = {"saved": [{"id": "old", "delete_token": "t0"}]}
    update = form.act(ids.SEND_BUTTON, CANVAS, "9", old, sender)
    assert [e["id"] for e in update.saved["saved"]] == ["old", "abc"]
    deleted = form.act(ids.DELETE_BUTTON, CANVAS, "9", update.saved, sender)
    assert sender.calls[-1] == ("delete", "abc", "tok")
    assert deleted.state == form.DELETED_STATE and deleted.message == form.DELETED
    assert deleted.saved == old


def test_delete_it_for_a_correction_already_gone_says_so():
    sender = FakeSender(Outcome(404, {"error": "no correction"}))
    saved = {"saved": [{"id": "abc", "delete_token": "tok"}]}
    update = form.act(ids.DELETE_BUTTON, CANVAS, "", saved, sender)
    assert update.message == form.ALREADY_GONE and update.saved == {"saved": []}
    assert form.act(ids.DELETE_BUTTON, CANVAS, "", None, FakeSender()).message == form.ALREADY_GONE


def test_a_failed_delete_keeps_the_token():
    saved = {"saved": [{"id": "abc", "delete_token": "tok"}]}
    update = form.act(ids.DELETE_BUTTON, CANVAS, "", saved, FakeSender(Outcome(503, {})))
    assert update.saved == saved and update.message == form.UNAVAILABLE


@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        (Outcome(429, {"error": "x", "retry_after": 1800}), "Try again in about 30 min"),
        (Outcome(503, {"error": "the corrections database is unavailable"}), form.UNAVAILABLE),
        (Outcome(400, {"error": "'wrote' must hold only the digits 0-9"}), "1 to 12 of them"),
        (Outcome(400, {"error": "the drawing is empty"}), "Not saved: the drawing is empty"),
    ],
)
def test_each_refusal_has_its_words_and_stores_no_token(outcome, words):
    update = form.act(ids.SEND_BUTTON, CANVAS, "9", None, FakeSender(outcome))
    assert update.state == form.ERROR and words in update.message
    assert update.saved is None


def test_nothing_is_sent_for_an_empty_pad():
    sender = FakeSender()
    assert form.act(ids.SEND_BUTTON, None, "9", None, sender).state == form.IDLE
    assert sender.calls == []


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("42", "42"), ("4a2", "42"), (" 1-2 ", "12"), ("1234567890123", "123456789012"),
     ("٤", ""), (None, ""), (7, "")],
)  # fmt: skip
def test_the_field_keeps_digits_only_up_to_twelve(typed, kept):
    assert form.digits_of(typed) == kept


def test_the_saved_list_from_the_browser_keeps_only_well_formed_entries():
    data = {"saved": [{"id": "a", "delete_token": "t"}, {"id": 3}, "x", {"delete_token": "t"}]}
    assert form.saved_list(data) == [{"id": "a", "delete_token": "t"}]
    assert form.saved_list("junk") == [] and form.saved_list({"saved": "x"}) == []
    many = {"saved": [{"id": str(i), "delete_token": "t"} for i in range(200)]}
    assert len(form.saved_list(many)) == form.MAX_SAVED


def _find(component, component_id):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def test_the_layout_has_the_form_under_the_answer_with_a_numeric_field_and_a_privacy_link():
    layout = build_layout({})
    box = _find(layout, ids.CORRECTION_FORM)
    assert box.className == "correction-form state-idle"
    field = _find(box, ids.WROTE_INPUT)
    assert field.inputMode == "numeric" and field.maxLength == 12 and field.pattern == "[0-9]*"
    assert _find(box, ids.SAVED_CORRECTIONS).storage_type == "local"
    text = json.dumps(box.to_plotly_json(), default=lambda c: c.to_plotly_json())
    assert "/privacy" in text and "Right" in text and "Wrong? I wrote:" in text


def test_when_corrections_are_off_the_form_shows_the_note():
    box = _find(build_layout({}, corrections_off="no DATABASE_URL"), ids.CORRECTION_FORM)
    assert box.className == "correction-form state-off"
    assert "Sending corrections is off" in _find(box, ids.CORRECTIONS_OFF_NOTE).children


def test_a_heroku_app_without_a_database_shows_the_note_on_the_page(classifier):
    from web import create_app

    app = create_app({"classifier": classifier, "environ": {"DYNO": "web.1"}})
    box = _find(app.layout, ids.CORRECTION_FORM)
    assert box.className == "correction-form state-off"


def test_the_forms_callback_answers_over_http_through_the_route_guards(client):
    """Dash's own request for Send, as dash-renderer posts it: the guards let it
    through, and the store's refusal comes back as words on the page."""
    response = client.post(
        "/_dash-update-component", json=send_request(client, '{"objects": []}', "9")
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()["response"]
    assert answer[ids.CORRECTION_FORM]["className"] == "correction-form state-error"
    # An empty pad holds nothing to correct: refused before the database is used.
    assert "empty" in answer[ids.CORRECTION_STATUS]["children"]
