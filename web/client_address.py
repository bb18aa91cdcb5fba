"""Who the client is, for the corrections' hourly limit and their client key.

On Heroku (web/settings.py: DYNO is set) every request comes through the
router, which appends the address it saw to X-Forwarded-For: the last entry
is the client as far as anyone can know, and anything before it is what the
client itself wrote into the header. So exactly one hop is trusted, and only
there; elsewhere the header is anyone's to forge and the socket's address
(remote_addr) is the client. A client cannot dodge the limit by sending its
own header in either case.
"""

import flask

FORWARDED_FOR = "X-Forwarded-For"
UNKNOWN = "unknown"


def forwarded_by_router(header_values: list[str]) -> str | None:
    """The entry the last proxy appended: the last of the comma-separated
    addresses across every X-Forwarded-For header; None when there is none."""
    entries = [entry.strip() for value in header_values for entry in value.split(",")]
    entries = [entry for entry in entries if entry]
    return entries[-1] if entries else None


def client_address(request: flask.Request, behind_heroku_router: bool) -> str:
    """The client's address as a string (see the module doc)."""
    if behind_heroku_router:
        forwarded = forwarded_by_router(request.headers.getlist(FORWARDED_FOR))
        if forwarded:
            return forwarded
    return request.remote_addr or UNKNOWN
