"""Corrections store: write latency with 16 clients at once, SQLite and PostgreSQL.

16 client threads each store --per-client corrections (400 in all by default)
through --workers engines, as that many gunicorn workers would, each with the
store's own small pool. Every write is a real add_correction: the hourly limit
counted in the same transaction (60 an hour, each client below it), a 400x400
canvas drawing and one 28x28 input per character. Reports the p50 and p99 of
one write's wall time, the writes per second, and the errors (there should be
none). PostgreSQL is the test server (TEST_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/test), in a schema dropped afterwards;
SQLite is a file in a temporary folder.

    .venv/bin/python -m bench.corrections_write
    .venv/bin/python -m bench.corrections_write --per-client 10 --workers 4
"""

import argparse
import json
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from corrections import add_correction, upgrade
from testkit.corrections import (
    ScratchDatabase,
    postgres_database,
    postgres_unreachable_reason,
    row_count,
    sample_correction,
    sqlite_database,
)
from testkit.stats import percentile

CLIENTS = 16


def measure(database: ScratchDatabase, workers: int, per_client: int) -> dict:
    """Write latencies (ms) and errors with CLIENTS threads over `workers` engines."""
    engines = [database.engine() for _ in range(workers)]
    upgrade(engines[0])
    samples = [sample_correction(seed, wrote=str(1000 + seed)) for seed in range(per_client)]
    for engine in engines:  # connect each pool once, as a warm worker has
        add_correction(engine, samples[0], client_address="warm", salt="b", limit_per_hour=0)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        engine = engines[number % workers]
        start.wait()
        for new in samples:
            began = time.perf_counter()
            try:
                add_correction(
                    engine, new, client_address=f"client-{number}", salt="b", limit_per_hour=60
                )
            except Exception as error:  # the bench counts every failure, of any kind
                with lock:
                    errors.append(repr(error)[:200])
                continue
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)

    began = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, range(CLIENTS)))
    wall = time.perf_counter() - began
    stored = row_count(engines[0]) - workers
    return {
        "writes": len(latencies),
        "stored": stored,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "p50_ms": round(percentile(latencies, 50), 2) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 2) if latencies else None,
        "writes_per_s": round(len(latencies) / wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-client", type=int, default=25, help="corrections per client (<60)")
    parser.add_argument("--workers", type=int, default=2, help="engines, as gunicorn workers")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if not 1 <= args.per_client < 60 or not 1 <= args.workers <= CLIENTS:
        parser.error("--per-client must be 1 to 59 and --workers 1 to 16")

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder, sqlite_database(Path(folder)) as database:
        results["SQLite"] = measure(database, args.workers, args.per_client)
    reason = postgres_unreachable_reason()
    if reason is None:
        with postgres_database() as database:
            results["PostgreSQL"] = measure(database, args.workers, args.per_client)
    else:
        results["PostgreSQL"] = {"skipped": reason}

    if args.json:
        print(json.dumps(results, indent=2))
        return
    total = CLIENTS * args.per_client
    print(
        f"corrections written by {CLIENTS} clients at once, {total} in all, {args.workers} workers"
    )
    print(f"{'database':<12}{'p50 ms':>9}{'p99 ms':>9}{'writes/s':>10}{'stored':>8}{'errors':>8}")
    for name, result in results.items():
        if "skipped" in result:
            print(f"{name:<12}skipped: {result['skipped']}")
            continue
        print(
            f"{name:<12}{result['p50_ms']:>9}{result['p99_ms']:>9}{result['writes_per_s']:>10}"
            f"{result['stored']:>8}{result['errors']:>8}"
        )
        if result["first_error"]:
            print(f"  first error: {result['first_error']}")


if __name__ == "__main__":
    main()
