"""The corrections store against a real PostgreSQL and SQLite (each test runs on
both): many clients at once, the database going away and coming back, a worker
killed mid-burst, bad values, the hourly limit across workers, deletion,
review, retention and the streamed export."""

import collections
import multiprocessing
import os
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa

from corrections import (
    CanvasDrawing,
    InvalidCorrection,
    NewCorrection,
    RateLimited,
    StoreUnavailable,
    add_correction,
    count_by_status,
    delete_correction,
    export_corrections,
    list_corrections,
    purge_corrections,
    review_correction,
    validate_wrote,
)
from testkit.corrections import (
    TcpProxy,
    row_count,
    sample_correction,
    silent_server,
    sqlite_locked,
    wait_for,
    write_until_killed,
)

SALT = "test-salt"
EXPORT_KEYS = {
    "id",
    "created_at",
    "status",
    "wrote",
    "reading",
    "model_sha256",
    "drawing",
    "inputs",
}


def add(engine, new=None, *, client="203.0.113.7", limit=0, now=None):
    return add_correction(
        engine,
        new or sample_correction(),
        client_address=client,
        salt=SALT,
        limit_per_hour=limit,
        now=now,
    )


def test_sixteen_clients_sending_400_corrections_at_once_store_400_rows(store):
    database, _ = store
    # Four engines stand for four worker processes, each with its own small pool.
    workers = [database.engine() for _ in range(4)]
    errors = []

    def client(number: int) -> list[str]:
        ids = []
        for sent in range(25):
            try:
                created = add_correction(
                    workers[number % 4],
                    sample_correction(number * 100 + sent, image=sent % 5 == 0),
                    client_address=f"198.51.100.{number}",
                    salt=SALT,
                    limit_per_hour=60,  # the default: 25 each stays within it
                )
                ids.append(created.id)
            except Exception as error:  # the test counts every failure, of any kind
                errors.append(repr(error))
        return ids

    with ThreadPoolExecutor(16) as pool:
        ids = [i for batch in pool.map(client, range(16)) for i in batch]
    assert errors == []
    assert len(set(ids)) == 400
    assert row_count(workers[0]) == 400
    assert count_by_status(workers[0]) == {"pending": 400, "accepted": 0, "rejected": 0}


def _assert_fails_fast(engine, limit_s: float = 5.0) -> float:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="unavailable"):
        add(engine)
    elapsed = time.monotonic() - started
    assert elapsed < limit_s
    return elapsed


def test_a_database_that_goes_down_fails_fast_and_is_used_again_when_back(store):
    database, engine = store
    if database.kind == "sqlite":
        add(engine)
        path = sa.make_url(database.url).database
        with sqlite_locked(path):  # another process holds the file: no write can go in
            _assert_fails_fast(engine)
        add(engine)  # the same engine, no restart
        assert row_count(engine) == 2
        return
    url = sa.make_url(database.url)
    proxy = TcpProxy((url.host, url.port or 5432)).start()
    try:
        through_proxy = database.engine(
            url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        )
        add(through_proxy)  # a pooled connection now exists, then dies with the server
        proxy.stop()
        _assert_fails_fast(through_proxy)
        with pytest.raises(StoreUnavailable):
            count_by_status(through_proxy)
        proxy.start()
        add(through_proxy)  # the same engine, no rebuild, no restart
        proxy.stop()  # a restart while the worker is idle: its pooled connection dies
        proxy.start()
        add(through_proxy)  # pre-ping found it dead and connected again: no error at all
        assert row_count(through_proxy) == 3
    finally:
        proxy.stop()


def test_a_postgresql_server_that_never_answers_fails_within_5_s(postgres_store):
    database, _ = postgres_store
    with silent_server() as port:
        url = sa.make_url(database.url).set(host="127.0.0.1", port=port)
        hung = database.engine(url.render_as_string(hide_password=False))
        _assert_fails_fast(hung)


def test_a_worker_killed_with_kill_9_mid_burst_leaves_only_whole_corrections(store):
    database, engine = store
    context = multiprocessing.get_context("spawn")
    worker = context.Process(target=write_until_killed, args=(database.url, 1000), daemon=True)
    worker.start()
    try:
        wait_for(lambda: row_count(engine) >= 30, 90, "the worker's first 30 corrections")
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(10)
    assert worker.exitcode == -signal.SIGKILL
    rows = list(export_corrections(engine))
    assert len(rows) == row_count(engine) >= 30
    for row in rows:
        validate_wrote(row["wrote"])
        assert len(row["inputs"]) == len(row["wrote"])
        assert all(np.shape(one) == (28, 28) for one in row["inputs"])
        drawing = row["drawing"]
        if "image" in drawing:
            assert drawing["image"].startswith("data:image/png;base64,")
            assert len(drawing["image"]) > 400_000  # the whole image, not a part
        else:
            assert drawing["canvas"].startswith('{"objects"')
    if database.kind == "sqlite":
        with sqlite3.connect(sa.make_url(database.url).database) as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    add(engine)  # the killed worker's locks went with it
    assert row_count(engine) == len(rows) + 1


BAD_WROTE = [
    pytest.param("12a", id="letters"),
    pytest.param("", id="empty"),
    pytest.param("1234567890123", id="13-digits"),
    pytest.param(42, id="a-number"),
    pytest.param("<b>4</b>", id="markup"),
    pytest.param(" 42", id="space"),
    pytest.param("٤٢", id="arabic-indic-digits"),
    pytest.param(None, id="null"),
    pytest.param(["4"], id="list"),
]


@pytest.mark.parametrize("wrote", BAD_WROTE)
def test_bad_wrote_values_are_refused_and_nothing_is_stored(store, wrote):
    _, engine = store
    good = sample_correction()
    with pytest.raises(InvalidCorrection, match="'wrote'"):
        add(engine, NewCorrection(**{**good.__dict__, "wrote": wrote}))
    assert row_count(engine) == 0


def test_a_correction_without_its_drawing_or_with_bad_inputs_is_refused(store):
    _, engine = store
    good = sample_correction()
    with pytest.raises(InvalidCorrection, match="drawing"):
        add(engine, NewCorrection(**{**good.__dict__, "drawing": None}))
    with pytest.raises(InvalidCorrection, match="28x28"):
        add(engine, NewCorrection(**{**good.__dict__, "inputs": [np.zeros((27, 28))]}))
    with pytest.raises(InvalidCorrection, match=r"0\.\.1"):
        add(engine, NewCorrection(**{**good.__dict__, "inputs": [np.full((28, 28), 2.0)]}))
    assert row_count(engine) == 0


def test_the_hourly_limit_holds_across_two_workers_sending_at_once(store):
    database, _ = store
    workers = [database.engine(), database.engine()]
    outcomes = collections.Counter()
    retry_after = []
    lock = threading.Lock()

    def send(number: int) -> None:
        try:
            add(workers[number % 2], sample_correction(number), limit=5)
            outcome = "stored"
        except RateLimited as limited:
            outcome = "limited"
            retry_after.append(limited.retry_after_s)
        with lock:
            outcomes[outcome] += 1

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(send, range(16)))
    assert outcomes == {"stored": 5, "limited": 11}
    assert all(0 < seconds <= 3600 for seconds in retry_after)
    add(workers[0], client="192.0.2.99", limit=5)  # another client is not held back
    assert row_count(workers[0]) == 6


def test_the_limit_counts_only_the_last_hour_and_zero_means_none(store):
    _, engine = store
    now = datetime.now(UTC)
    for _ in range(3):
        add(engine, now=now - timedelta(minutes=61))
    add(engine, now=now - timedelta(minutes=30))
    add(engine, limit=2, now=now)
    with pytest.raises(RateLimited) as limited:
        add(engine, limit=2, now=now)
    assert 29 * 60 <= limited.value.retry_after_s <= 30 * 60 + 1  # when the older one ages out
    for _ in range(5):
        add(engine, limit=0, now=now)
    assert row_count(engine) == 10


def test_purge_deletes_only_corrections_older_than_the_days_given(store):
    _, engine = store
    now = datetime.now(UTC)
    for age in (400, 181, 179, 10, 0):
        add(engine, now=now - timedelta(days=age))
    assert purge_corrections(engine, now=now) == 2  # 180 days by default
    assert row_count(engine) == 3
    assert purge_corrections(engine, 30, now=now) == 1
    assert sorted(r.created_at for r in list_corrections(engine)) == [
        now - timedelta(days=10),
        now,
    ]


def test_delete_needs_the_token_the_sender_was_given(store):
    _, engine = store
    created = add(engine)
    other = add(engine)
    assert delete_correction(engine, created.id, other.delete_token) is False
    assert delete_correction(engine, created.id, "") is False
    assert delete_correction(engine, "no-such-id", created.delete_token) is False
    assert row_count(engine) == 2
    assert delete_correction(engine, created.id, created.delete_token) is True
    assert delete_correction(engine, created.id, created.delete_token) is False
    assert [r.id for r in list_corrections(engine)] == [other.id]


def test_neither_the_delete_token_nor_the_address_is_stored(store):
    _, engine = store
    created = add(engine, client="203.0.113.7")
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM corrections")).mappings().one()
    text = " ".join(str(value) for value in row.values())
    assert created.delete_token not in text
    assert "203.0.113.7" not in text
    assert len(row["client_key"]) == 64
    assert len(created.id) >= 22 and len(created.delete_token) >= 32


def test_review_sets_the_status_and_the_counts_follow(store):
    _, engine = store
    first, second, third = (
        add(engine, now=datetime.now(UTC) + timedelta(seconds=i)) for i in range(3)
    )
    assert review_correction(engine, first.id, "accepted") is True
    assert review_correction(engine, second.id, "rejected") is True
    assert review_correction(engine, "no-such-id", "accepted") is False
    with pytest.raises(InvalidCorrection, match="status"):
        review_correction(engine, third.id, "deleted")
    assert count_by_status(engine) == {"pending": 1, "accepted": 1, "rejected": 1}
    newest = list_corrections(engine)
    assert [r.id for r in newest] == [third.id, second.id, first.id]
    assert newest[2].status == "accepted" and newest[2].reviewed_at is not None
    assert newest[0].reviewed_at is None and newest[0].created_at.tzinfo is not None
    assert [r.id for r in list_corrections(engine, limit=1, offset=1)] == [second.id]
    assert [r.id for r in list_corrections(engine, status="pending")] == [third.id]


def test_the_export_streams_whole_rows_in_batches(store):
    _, engine = store
    sent = []
    start = datetime.now(UTC)
    for number in range(7):
        new = sample_correction(number, image=number == 3, wrote="7" * (number + 1))
        created = add(engine, new, now=start + timedelta(seconds=number))
        sent.append((created, new))
    review_correction(engine, sent[0][0].id, "accepted")

    statements = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    rows = export_corrections(engine, batch_size=3)
    assert not isinstance(rows, list | tuple)
    first = next(rows)
    assert len([s for s in statements if "corrections" in s]) == 1  # one batch read so far
    rows = [first, *rows]
    assert len([s for s in statements if "corrections" in s]) == 3  # 7 rows in batches of 3

    assert [row["id"] for row in rows] == [created.id for created, _ in sent]
    for row, (created, new) in zip(rows, sent, strict=True):
        assert set(row) == EXPORT_KEYS
        assert row["wrote"] == new.wrote and row["reading"] == new.reading
        assert row["model_sha256"] == new.model_sha256
        assert datetime.fromisoformat(row["created_at"]) == created.created_at
        np.testing.assert_allclose(np.array(row["inputs"]), np.array(new.inputs), atol=1e-4)
        assert row["drawing"] == new.drawing.as_dict()
    assert isinstance(new.drawing, CanvasDrawing)
    assert rows[3]["drawing"]["image"].startswith("data:image/png;base64,")
    assert [r["id"] for r in export_corrections(engine, status="accepted")] == [sent[0][0].id]
    with pytest.raises(InvalidCorrection):
        export_corrections(engine, status="everything")
