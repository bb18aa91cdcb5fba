"""What one request may send: the body limit, the fields a form may have, and
one slot per process for large bodies, so that many slow uploads at once
cannot hold many bodies in memory (the work is one request at a time anyway:
the GIL)."""

import io
import threading

import flask
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

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

# Fields (urlencoded) or parts (multipart) one form may have. The form route
# reads one, `digit`; Werkzeug would otherwise parse every field of a body
# within the byte limit, millions of empty ones included.
MAX_FORM_FIELDS = 1000


def too_many_fields(count: int | None = None) -> ClientError:
    has = "" if count is None else f"; this one has {count}"
    return ClientError(413, f"a form may have at most {MAX_FORM_FIELDS} fields{has}")


class BoundedFormParser(FormDataParser):
    """Werkzeug's form parser, with the number of fields bounded both ways and
    said truly: Werkzeug bounds multipart parts only, and answers that limit
    as a body too large."""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        body = stream.read()  # within the body limit (the stream is limited)
        # Counted before anything is split or decoded: a byte count in C.
        fields = body.count(b"&") + 1 - body.endswith(b"&") if body else 0
        if fields > MAX_FORM_FIELDS:
            raise too_many_fields(fields)
        _, form, files = super()._parse_urlencoded(
            io.BytesIO(body), mimetype, content_length, options
        )
        # The request's own stream stays its stream: a chunked body cut off at
        # the limit is found by reading it once more (web/request_body.py).
        return stream, form, files

    def _parse_multipart(self, stream, mimetype, content_length, options):
        try:
            return super()._parse_multipart(stream, mimetype, content_length, options)
        except RequestEntityTooLarge:
            # A body with a Content-Length beyond the limit never gets here,
            # and no part can outgrow a body within it: a chunked body cut off
            # at the limit is too large; anything else had too many parts.
            if content_length is None and getattr(stream, "is_exhausted", False):
                raise
            raise too_many_fields() from None


class BoundedRequest(flask.Request):
    form_data_parser_class = BoundedFormParser


def register_limits(server: flask.Flask) -> None:
    """The body and form limits and the large-body slots, on every route of `server`."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    # A data URL in a urlencoded form is one in-memory field; Flask's 500 kB
    # default would refuse legitimate drawings that the body limit allows.
    server.config["MAX_FORM_MEMORY_SIZE"] = MAX_BODY_BYTES
    server.config["MAX_FORM_PARTS"] = MAX_FORM_FIELDS
    server.request_class = BoundedRequest
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
