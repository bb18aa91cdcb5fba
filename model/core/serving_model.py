"""The model a web process serves, and how it switches to a newly promoted one.

A `ModelHolder` is the process's one piece of mutable state about the model:
which classifier serves. It is safe to share between the process's request
threads because it is per process (gunicorn forks its workers, and each keeps
its own holder; nothing is shared between workers, dynos or users) and it
changes by one atomic step: `_served` is replaced by a new, fully built,
immutable `Served` (a reference assignment), never modified in place. A
request pins the `Served` it started with (`pin`, a context variable), so the
characters of one drawing are all read by one model even when the holder
switches in the middle.

Switching is lazy, with no thread: `refresh_if_due` (called at the start of
each request) does nothing but compare the clock until `interval_s` has passed
since the last check; then one request thread asks `current()` (the store's
serving version: an id and a sha256, one small read) while the others go on.
When the version changed it loads the bytes, checks their sha256 against the
one recorded before LiteRT parses them (DigitClassifier.from_bytes), builds the
classifier and swaps it in. So every worker switches within `interval_s` of
its next request. A store that cannot be reached leaves the holder serving
what it has (logged once until it answers again); a version that fails its
checks is logged, remembered and not tried again.
"""

import contextvars
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.core.hashing import sha256_of
from model.core.inference import DigitClassifier, ModelCardMismatch

log = logging.getLogger(__name__)

SHIPPED = "shipped"
DEFAULT_INTERVAL_S = 15.0


@dataclass(frozen=True)
class Served:
    """A classifier and the version it is: its id ("shipped" for the file) and sha256."""

    classifier: DigitClassifier
    version: str
    sha256: str | None

    @classmethod
    def shipped(cls, classifier) -> "Served":
        card = getattr(classifier, "card", None) or {}
        sha256 = card.get("model_sha256")
        path = Path(getattr(classifier, "model_path", ""))
        if sha256 is None and path.is_file():
            sha256 = sha256_of(path)
        return cls(classifier, SHIPPED, sha256)


# (version id, recorded sha256 or None for the shipped file)
CurrentVersion = Callable[[], tuple[str, str | None]]
# version id -> (.tflite bytes, card)
LoadVersion = Callable[[str], tuple[bytes, dict]]


class ModelHolder:
    """The serving model of this process (see the module's docstring)."""

    def __init__(
        self,
        shipped: Served,
        current: CurrentVersion | None = None,
        load: LoadVersion | None = None,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        unavailable: tuple[type[Exception], ...] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._shipped = shipped
        self._served = shipped
        self._current = current
        self._load = load
        self._interval_s = interval_s
        self._unavailable = unavailable
        self._clock = clock
        self._next_check = -math.inf  # the first request checks
        self._checking = threading.Lock()
        self._pinned: contextvars.ContextVar[Served | None] = contextvars.ContextVar(
            "served_model", default=None
        )
        self._refused: set[tuple[str, str | None]] = set()
        self._store_down = False

    @property
    def shipped(self) -> Served:
        return self._shipped

    @property
    def served(self) -> Served:
        """The model of the request under way (pinned at its start), else the holder's."""
        return self._pinned.get() or self._served

    def pin(self) -> contextvars.Token:
        """Fix the model for the request starting in this context."""
        return self._pinned.set(self._served)

    def unpin(self, token: contextvars.Token) -> None:
        self._pinned.reset(token)

    def refresh_if_due(self) -> Served:
        """Check the store's serving version if `interval_s` has passed (one
        thread at a time; the others serve on); the model now serving."""
        if self._current is None or self._clock() < self._next_check:
            return self._served
        if not self._checking.acquire(blocking=False):
            return self._served
        try:
            if self._clock() >= self._next_check:
                self._check()
                self._next_check = self._clock() + self._interval_s
        finally:
            self._checking.release()
        return self._served

    def check_now(self) -> Served:
        """Check at once (after this worker promoted a version itself)."""
        self._next_check = -math.inf
        return self.refresh_if_due()

    def _check(self) -> None:
        try:
            version, sha256 = self._current()
        except self._unavailable as error:
            self._note_down(error)
            return
        if self._store_down:
            log.warning("the model store answers again; serving version %s", self._served.version)
            self._store_down = False
        served = self._served
        if version == served.version and (sha256 is None or sha256 == served.sha256):
            return
        if version == SHIPPED:
            self._served = self._shipped
            log.warning("switched to the shipped model (%s)", self._shipped.sha256)
            return
        if (version, sha256) in self._refused:
            return
        try:
            content, card = self._load(version)
            classifier = DigitClassifier.from_bytes(
                content, card, expected_sha256=sha256 or "", name=f"version-{version}.tflite"
            )
        except self._unavailable as error:
            self._note_down(error)
            return
        except (ModelCardMismatch, ValueError, RuntimeError) as error:
            # LiteRT raises ValueError or RuntimeError for a file it cannot parse.
            self._refused.add((version, sha256))
            log.error(
                "model version %s not loaded, still serving %s: %s", version, served.version, error
            )
            return
        self._served = Served(classifier, version, sha256)
        log.warning("switched to model version %s (%s)", version, sha256)

    def _note_down(self, error: Exception) -> None:
        if not self._store_down:
            log.warning(
                "the model store cannot be reached; still serving version %s: %s",
                self._served.version,
                error,
            )
            self._store_down = True


class ServingClassifier:
    """What the routes and the page's callbacks read with: the classifier the
    holder serves to the current request, behind DigitClassifier's interface."""

    def __init__(self, holder: ModelHolder) -> None:
        self.holder = holder

    @property
    def served(self) -> Served:
        return self.holder.served

    @property
    def card(self) -> dict:
        return self.holder.served.classifier.card

    @property
    def model_path(self) -> Path:
        return self.holder.served.classifier.model_path

    @property
    def outputs(self) -> int:
        return self.holder.served.classifier.outputs

    @property
    def input_shape(self) -> tuple:
        return self.holder.served.classifier.input_shape

    def predict(self, image: np.ndarray) -> np.ndarray:
        return self.holder.served.classifier.predict(image)

    def predict_batch(self, images: np.ndarray) -> np.ndarray:
        return self.holder.served.classifier.predict_batch(images)
