"""The store's exceptions, and the one place that maps database failures to them.

None of them carries an HTTP status: the web layer maps InvalidCorrection to
400, RateLimited to 429 (with Retry-After), StoreUnavailable and
CorrectionsDisabled to 503, NotFound to 404.
"""

import contextlib
from collections.abc import Iterator

from sqlalchemy import exc


class CorrectionsError(Exception):
    """Base of every error this package raises on purpose."""


class InvalidCorrection(CorrectionsError, ValueError):
    """A correction that must not be stored; the message says why, for the client."""


class RateLimited(CorrectionsError):
    """This client sent its hourly allowance; it may send again in `retry_after_s`."""

    def __init__(self, retry_after_s: int, limit_per_hour: int) -> None:
        self.retry_after_s = retry_after_s
        self.limit_per_hour = limit_per_hour
        super().__init__(
            f"at most {limit_per_hour} corrections an hour from one client; "
            f"try again in {retry_after_s} s"
        )


class StoreUnavailable(CorrectionsError):
    """The database cannot be reached or did not answer in time."""


class CorrectionsDisabled(CorrectionsError):
    """Corrections are off in this deployment; the message says why."""


# What a database that is down, unreachable, locked for too long or too slow
# raises, whatever the driver: the connection and pool failures. Errors in
# our own statements (IntegrityError, ProgrammingError) are bugs, and stay.
_UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError, exc.TimeoutError)


@contextlib.contextmanager
def unavailable_on_connection_errors(action: str) -> Iterator[None]:
    """Turn the database's connection failures inside the block into StoreUnavailable."""
    try:
        yield
    except _UNAVAILABLE as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()
        reason = detail[0] if detail else type(error).__name__
        message = f"the corrections database is unavailable ({action}): {reason}"
        raise StoreUnavailable(message) from error
