"""Helpers for the corrections store's tests and bench: sample corrections, a
database per test (a SQLite file, or a fresh PostgreSQL schema), a TCP proxy
that can take PostgreSQL away and bring it back, and a writer that sends
corrections in a loop until it is killed.

PostgreSQL comes from TEST_DATABASE_URL (default: the project machines'
server, postgresql://postgres@127.0.0.1:5432/test).
"""

import contextlib
import json
import os
import secrets
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from corrections import CanvasDrawing, ImageDrawing, NewCorrection, add_correction, build_engine
from corrections.config import sqlalchemy_url

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
SHA = "ab" * 32


def postgres_test_url() -> str:
    """The PostgreSQL server the tests and the bench use, in SQLAlchemy's form."""
    return sqlalchemy_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_TEST_DATABASE_URL)


def postgres_unreachable_reason() -> str | None:
    """Why the test PostgreSQL cannot be used, or None when it answers."""
    engine = sa.create_engine(postgres_test_url(), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as error:
        first = str(error.orig or error).strip().splitlines()[:1]
        return f"no PostgreSQL at {engine.url.render_as_string()}: {' '.join(first)}"
    finally:
        engine.dispose()
    return None


def inputs_for(seed: int, characters: int) -> list[np.ndarray]:
    """`characters` 28x28 inputs of whole byte levels (k/255), so they survive packing exactly."""
    levels = np.random.default_rng(seed).integers(0, 256, size=(characters, 28, 28))
    return list(levels / 255.0)


def sample_correction(seed: int = 0, *, image: bool = False, wrote: str = "42") -> NewCorrection:
    """A correction as the web layer would hand it over, varied by `seed`."""
    if image:
        drawing = ImageDrawing(b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(64), "image/png")
    else:
        path = [["M", 10 + seed % 50, 10], ["Q", 30, 40, 60, 80], ["L", 90, 120]]
        text = json.dumps({"objects": [{"type": "path", "path": path}]})
        drawing = CanvasDrawing(text, 400, 400)
    characters = len(wrote)
    return NewCorrection(
        wrote=wrote,
        reading=wrote[::-1],
        confidences=[0.5 + 0.01 * (seed % 40)] * characters,
        model_sha256=SHA,
        drawing=drawing,
        inputs=inputs_for(seed, characters),
    )


@dataclass
class ScratchDatabase:
    """One test's empty database: `url` in SQLAlchemy's form; engines made here are
    disposed at the end."""

    kind: str
    url: str
    engines: list[sa.Engine] = field(default_factory=list)

    def engine(self, url: str | None = None) -> sa.Engine:
        """A new engine, as a new worker process would build (optionally on another URL)."""
        engine = build_engine(url or self.url)
        self.engines.append(engine)
        return engine

    def dispose(self) -> None:
        for engine in self.engines:
            engine.dispose()


@contextlib.contextmanager
def sqlite_database(folder: Path) -> Iterator[ScratchDatabase]:
    database = ScratchDatabase("sqlite", f"sqlite:///{folder / 'corrections.sqlite3'}")
    try:
        yield database
    finally:
        database.dispose()


@contextlib.contextmanager
def postgres_database() -> Iterator[ScratchDatabase]:
    """A fresh schema in the test server, first on the search path; dropped afterwards."""
    schema = f"corrections_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(postgres_test_url(), connect_args={"connect_timeout": 3})
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(postgres_test_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    database = ScratchDatabase("postgresql", url.render_as_string(hide_password=False))
    try:
        yield database
    finally:
        database.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def row_count(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM corrections")).scalar_one()


@contextlib.contextmanager
def sqlite_locked(path: str) -> Iterator[None]:
    """Another process's view of a SQLite file that is down for writing: a
    connection holding the exclusive lock for the block."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=10)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


class TcpProxy:
    """A loopback TCP proxy to `target` that can be stopped (listener closed, every
    connection cut: the database is down) and started again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> "TcpProxy":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        with self._lock:
            if self._listener is not None:
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=3)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A port whose server accepts connections and never answers (a hung database)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def write_until_killed(url: str, seed: int) -> None:
    """Send corrections one after another, as fast as the database takes them,
    until this process is killed (the kill -9 test's worker). Large images make
    each transaction long enough to be caught in the middle."""
    engine = build_engine(url)
    index = 0
    while True:
        index += 1
        new = sample_correction(seed + index, image=index % 2 == 0, wrote=str(index)[-12:])
        if index % 2 == 0:
            big = new.drawing.data + secrets.token_bytes(400_000)  # type: ignore[union-attr]
            new = NewCorrection(**{**new.__dict__, "drawing": ImageDrawing(big, "image/png")})
        add_correction(
            engine, new, client_address=f"10.0.0.{index % 250}", salt="s", limit_per_hour=0
        )


def wait_for(condition, timeout_s: float, what: str) -> None:
    """Poll `condition` until true, or fail with `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.05)
