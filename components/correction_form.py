"""Under the answer: **Right**, and **Wrong? I wrote: [ ] Send**; then "Saved,
thank you" and **Delete it**.

The field takes digits only (up to 12) and starts with the reading
(assets/corrections.js: the browser resets the form for every new answer and
keeps the field to digits). Right, Send (or Enter in the field) and Delete it
call the server through one Dash callback; `act` is the plain function behind
it, and the storing itself is the API's (web/corrections_api.submit, handed in
as a `sender` by web.create_app), so the page stores exactly what
POST /api/corrections stores: the pad's canvas JSON with its size, read again
by the server. Each saved correction's id and delete token stay in the
browser's localStorage (a dcc.Store), newest last.

Right is stored too, as a correction whose "wrote" is the reading: a fine-tune
needs the users' own writing of digits the reader gets right, to replay it and
to measure what it forgets (docs/corrections.md says more).

The form keeps one fixed height whatever it shows (assets/style.css), so an
answer never moves the page; when corrections are off it shows a note instead.
"""

from dataclasses import dataclass, field
from typing import Any, Protocol

from dash import ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update

from components import drawing_pad, ids

RIGHT = "Right"
WRONG_LABEL = "Wrong? I wrote:"
SEND = "Send"
DELETE = "Delete it"
SAVED = "Saved, thank you"
DELETED = "Deleted. Thank you all the same."
ALREADY_GONE = "It was already deleted."
CONSENT = "Right or Send stores your drawing and your answer to improve the reader. "
PRIVACY_LINK = "What is kept, and for how long"
OFF_NOTE = (
    "Sending corrections is off on this server: it has no database to keep them in. "
    "The reader works as always."
)
UNAVAILABLE = "Corrections can't be saved right now. Please try again in a moment."
MAX_DIGITS = 12
# Delete tokens kept in the browser: enough for anyone's session, bounded.
MAX_SAVED = 50

# The form's states: its CSS class says which parts show (assets/style.css).
IDLE, ASK, SAVED_STATE, DELETED_STATE, ERROR, OFF = (
    "idle",
    "ask",
    "saved",
    "deleted",
    "error",
    "off",
)


@dataclass(frozen=True)
class Outcome:
    """What the server answered: its HTTP status, and its JSON body (201:
    {"id", "delete_token", "reading"}; an error: {"error"}, and "retry_after"
    in seconds when it said so)."""

    status: int
    payload: dict = field(default_factory=dict)


class Sender(Protocol):
    """How the form reaches the store (web/correction_sender.py)."""

    def send(self, body: dict) -> Outcome: ...  # POST /api/corrections' body

    def confirm(self, body: dict) -> Outcome: ...  # the same without "wrote"

    def delete(self, correction_id: str, token: str) -> Outcome: ...


@dataclass(frozen=True)
class FormUpdate:
    """The form after an action: its state, its line of text, the saved list."""

    state: str
    message: str
    saved: Any

    def outputs(self) -> tuple:
        return form_class(self.state), self.message, self.saved


def form_class(state: str) -> str:
    return f"correction-form state-{state}"


def digits_of(text: Any) -> str:
    """The field's value from anything typed or pasted: its digits, at most 12."""
    if not isinstance(text, str):
        return ""
    return "".join(ch for ch in text if "0" <= ch <= "9")[:MAX_DIGITS]


def saved_list(data: Any) -> list[dict]:
    """The saved corrections from the browser's storage, keeping only well-formed entries."""
    entries = data.get("saved") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    return [
        {"id": e["id"], "delete_token": e["delete_token"]}
        for e in entries[-MAX_SAVED:]
        if isinstance(e, dict) and isinstance(e.get("id"), str)
        and isinstance(e.get("delete_token"), str)
    ]  # fmt: skip


def canvas_body(json_data: Any) -> dict:
    """The drawing as POST /api/corrections takes it: the pad's JSON and size."""
    size = drawing_pad.CANVAS_SIZE
    return {"canvas": json_data, "width": size, "height": size}


def failure_message(outcome: Outcome) -> str:
    """The words for a refused correction."""
    error = str(outcome.payload.get("error") or "").strip()
    if outcome.status == 429:
        wait = outcome.payload.get("retry_after")
        minutes = max(1, round(wait / 60)) if isinstance(wait, int) else None
        later = f" in about {minutes} min" if minutes else " later"
        return f"That's as many corrections as we take from one place in an hour. Try again{later}."
    if outcome.status == 503:
        return UNAVAILABLE
    if "'wrote'" in error:
        return "Type the digits you wrote: 1 to 12 of them, 0 to 9."
    return f"Not saved: {error}" if error else "Not saved."


def act(trigger: str, json_data: Any, wrote: Any, saved: Any, sender: Sender) -> FormUpdate:
    """What Right, Send (or Enter) and Delete it do; `trigger` is the id pressed."""
    entries = saved_list(saved)
    if trigger == ids.DELETE_BUTTON:
        if not entries:
            return FormUpdate(DELETED_STATE, ALREADY_GONE, {"saved": entries})
        last = entries[-1]
        outcome = sender.delete(last["id"], last["delete_token"])
        if outcome.status in (204, 404):
            message = DELETED if outcome.status == 204 else ALREADY_GONE
            return FormUpdate(DELETED_STATE, message, {"saved": entries[:-1]})
        return FormUpdate(SAVED_STATE, failure_message(outcome), saved)
    if not json_data:
        return FormUpdate(IDLE, "", saved)
    body = canvas_body(json_data)
    if trigger == ids.RIGHT_BUTTON:
        outcome = sender.confirm(body)
    else:
        outcome = sender.send({**body, "wrote": wrote if isinstance(wrote, str) else ""})
    if outcome.status != 201:
        return FormUpdate(ERROR, failure_message(outcome), saved)
    entry = {"id": outcome.payload["id"], "delete_token": outcome.payload["delete_token"]}
    return FormUpdate(SAVED_STATE, SAVED, {"saved": [*entries, entry][-MAX_SAVED:]})


def correction_form(off_reason: str | None = None) -> html.Div:
    """The form, in its idle state; with `off_reason`, only the note that corrections are off."""
    state = OFF if off_reason else IDLE
    return html.Div(
        id=ids.CORRECTION_FORM,
        className=form_class(state),
        children=[
            html.Div(
                className="correction-ask",
                children=[
                    html.Button(RIGHT, id=ids.RIGHT_BUTTON, className="tool-button", n_clicks=0),
                    html.Label(WRONG_LABEL, htmlFor=ids.WROTE_INPUT, className="wrote-label"),
                    dcc.Input(
                        id=ids.WROTE_INPUT,
                        type="text",
                        inputMode="numeric",
                        pattern="[0-9]*",
                        maxLength=MAX_DIGITS,
                        autoComplete="off",
                        value="",
                        debounce=False,
                        n_submit=0,
                        className="wrote-input",
                    ),
                    html.Button(SEND, id=ids.SEND_BUTTON, className="tool-button", n_clicks=0),
                ],
            ),
            html.Div(
                className="correction-done",
                children=[
                    # The page's second live region: what became of the correction.
                    html.Span(
                        "",
                        id=ids.CORRECTION_STATUS,
                        className="correction-status",
                        role="status",
                        **{"aria-live": "polite", "aria-atomic": "true"},
                    ),
                    html.Button(DELETE, id=ids.DELETE_BUTTON, className="tool-button", n_clicks=0),
                ],
            ),
            html.P(
                className="consent",
                children=[CONSENT, html.A(PRIVACY_LINK, href="/privacy", id=ids.PRIVACY_LINK)],
            ),
            html.P(OFF_NOTE, id=ids.CORRECTIONS_OFF_NOTE, className="corrections-off"),
            dcc.Store(id=ids.SAVED_CORRECTIONS, storage_type="local"),
        ],
    )


def register_correction_form(app, sender: Sender) -> None:
    """The form's callbacks: the reset and the digits-only field in the browser
    (assets/corrections.js), the actions on the server through `sender`."""
    app.clientside_callback(
        ClientsideFunction(namespace="digitCorrections", function_name="resetForm"),
        Output(ids.WROTE_INPUT, "value"),
        Output(ids.CORRECTION_FORM, "className"),
        Output(ids.CORRECTION_STATUS, "children"),
        Input(ids.PREDICTED_DIGIT, "children"),
        Input(ids.CANVAS, "json_data"),
        State(ids.CORRECTION_FORM, "className"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="digitCorrections", function_name="digitsOnly"),
        Output(ids.WROTE_INPUT, "value", allow_duplicate=True),
        Input(ids.WROTE_INPUT, "value"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.CORRECTION_FORM, "className", allow_duplicate=True),
        Output(ids.CORRECTION_STATUS, "children", allow_duplicate=True),
        Output(ids.SAVED_CORRECTIONS, "data"),
        Input(ids.RIGHT_BUTTON, "n_clicks"),
        Input(ids.SEND_BUTTON, "n_clicks"),
        Input(ids.WROTE_INPUT, "n_submit"),
        Input(ids.DELETE_BUTTON, "n_clicks"),
        State(ids.CANVAS, "json_data"),
        State(ids.WROTE_INPUT, "value"),
        State(ids.SAVED_CORRECTIONS, "data"),
        prevent_initial_call=True,
    )
    def correction_action(_right, _send, _submit, _delete, json_data, wrote, saved):
        trigger = ctx.triggered_id
        if trigger not in (ids.RIGHT_BUTTON, ids.SEND_BUTTON, ids.WROTE_INPUT, ids.DELETE_BUTTON):
            return no_update, no_update, no_update
        return act(trigger, json_data, wrote, saved, sender).outputs()
