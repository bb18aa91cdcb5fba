"""The store's secrets: unguessable ids and delete tokens, the token's hash, the client key.

Only a hash of each delete token is kept: a leaked table deletes nothing.
Tokens are 192 random bits, so a plain sha256 is enough (no slow hash needed);
they are compared in constant time. The client key is an HMAC of the client's
address under the deployment's salt: the raw address is never stored, and a
key means nothing without the salt.
"""

import hashlib
import hmac
import secrets


def new_id() -> str:
    """A correction id: 128 random bits, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


def new_delete_token() -> str:
    """A delete token: 192 random bits, URL-safe (32 characters)."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    """The sha256 of a delete token, as 64 hex digits: what the table keeps."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Whether `token` is the one whose hash is `stored_hash`, in constant time."""
    return hmac.compare_digest(token_hash(token), stored_hash)


def client_key(address: str, salt: str) -> str:
    """The salted key of a client address (HMAC-SHA256, 64 hex digits)."""
    return hmac.new(salt.encode(), address.encode("utf-8", "surrogatepass"), "sha256").hexdigest()


def advisory_lock_key(key: str) -> int:
    """A signed 64-bit number from a client key, for PostgreSQL's advisory locks."""
    return int.from_bytes(bytes.fromhex(key[:16]), "big", signed=True)
