"""What one request may send: the body limit, and one slot per process for
large bodies, so that many slow uploads at once cannot hold many bodies in
memory (the work is one request at a time anyway: the GIL)."""

import threading

import flask

from model.character import preprocess
from web.errors import ClientError

# The body carries one data URL (percent-encoding in a form post adds about
# 6%) or one canvas JSON string, which may arrive escaped inside a JSON string
# (every quote doubles); with room for the envelope, never short for honest input.
MAX_BODY_BYTES = (
    max(preprocess.MAX_DATA_URL_CHARS * 9 // 8, 2 * preprocess.MAX_CANVAS_JSON_CHARS) + 16_384
)

# A request whose body is larger than this (a big image, a long drawing; a
# drawing from the pad is 10 to 60 kB) waits for one of LARGE_REQUEST_SLOTS per
# process before its body is read. After LARGE_REQUEST_WAIT_S it is answered
# 503 with Retry-After.
LARGE_BODY_BYTES = 256 * 1024
LARGE_REQUEST_SLOTS = 1
LARGE_REQUEST_WAIT_S = 10


def register_limits(server: flask.Flask) -> None:
    """The body limit and the large-body slots, on every route of `server`."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    # A data URL in a urlencoded form is one in-memory field; Flask's 500 kB
    # default would refuse legitimate drawings that the body limit allows.
    server.config["MAX_FORM_MEMORY_SIZE"] = MAX_BODY_BYTES
    slots = threading.BoundedSemaphore(LARGE_REQUEST_SLOTS)

    def take_a_slot_for_a_large_body():
        request = flask.request
        length = request.content_length
        chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
        if not (chunked or (length or 0) > LARGE_BODY_BYTES):
            return
        if not slots.acquire(timeout=LARGE_REQUEST_WAIT_S):
            raise ClientError(503, "the server is busy with other large requests; try again")
        flask.g.large_request_slot = True

    def give_the_slot_back(_exc):
        if flask.g.pop("large_request_slot", False):
            slots.release()

    server.before_request(take_a_slot_for_a_large_body)
    server.teardown_request(give_the_slot_back)
