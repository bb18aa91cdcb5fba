"""The owner's credentials: REVIEW_TOKEN, as a Bearer token on the API's owner
routes and as the Basic password on the review page (any user name).

When REVIEW_TOKEN is unset those routes are off and answer 404, as if they were
not there. Tokens are compared in constant time, as hashes, so neither the
content nor the length of the secret leaks through timing.
"""

import base64
import binascii
import hashlib
import hmac

import flask
from werkzeug.exceptions import NotFound

from web.errors import ClientError
from web.settings import current_settings

BEARER_CHALLENGE = 'Bearer realm="corrections"'
BASIC_CHALLENGE = 'Basic realm="Corrections review", charset="UTF-8"'


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def token_matches(given: str | None, expected: str) -> bool:
    """Whether `given` is `expected`, compared in constant time."""
    return given is not None and hmac.compare_digest(_digest(given), _digest(expected))


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, else None."""
    scheme, _, token = (header or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def basic_password(header: str | None) -> str | None:
    """The password of an `Authorization: Basic <base64 user:password>` header, else None."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    _user, colon, password = decoded.partition(":")
    return password if colon else None


def review_token() -> str:
    """REVIEW_TOKEN; raises NotFound when it is unset (the owner's routes are off)."""
    token = current_settings().review_token
    if not token:
        raise NotFound()
    return token


def require_bearer() -> None:
    """Let the owner's API call through; 401 (with a Bearer challenge) otherwise."""
    token = review_token()
    if not token_matches(bearer_token(flask.request.headers.get("Authorization")), token):
        raise ClientError(
            401,
            "this route needs 'Authorization: Bearer <REVIEW_TOKEN>'",
            {"WWW-Authenticate": BEARER_CHALLENGE},
        )


def basic_auth_ok() -> bool:
    """Whether the request carries Basic credentials whose password is REVIEW_TOKEN
    (NotFound when it is unset)."""
    token = review_token()
    return token_matches(basic_password(flask.request.headers.get("Authorization")), token)
