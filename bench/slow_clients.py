"""Slow clients alongside honest ones: does the server keep answering?

Starts the app as the Procfile does (gunicorn, gunicorn.conf.py) and, for
DURATION seconds, keeps SLOW connections open that each trickle a byte every
two seconds (a third sending request headers, a third a request body) or read
a large script a kilobyte every half second (a third), reconnecting whenever
the server closes one, while HONEST clients post real drawings to /api/predict
one after another. Reports the honest clients' latency (median, p99), their
errors, and how the slow connections ended. Target (issue 15): with 50 slow
connections and 4 honest clients, honest p99 at most 250 ms and no errors.

Then the idle-socket figure beside it (issue 25 row 2): IDLE connections that
never send a byte, reopened as soon as the server closes one, while the honest
clients post as before. Target: the honest clients' slowest answer at most
500 ms with 300 idle connections, and no errors.

With --compare-sync it runs the slow clients against the previous
configuration (2 sync workers) first; with --compare-gthread, the idle sockets
against gunicorn's own gthread worker (what web/worker.py replaces).

    .venv/bin/python -m bench.slow_clients                 # 50 slow, 300 idle, 4 honest, 60 s
    .venv/bin/python -m bench.slow_clients --compare-sync --compare-gthread --duration 30
"""

import argparse
import collections
import json
import selectors
import socket
import threading
import time
from pathlib import Path

from bench.serve_latency import JSON
from testkit.client import raw_post, send
from testkit.fixtures import pen_digits_sample
from testkit.payloads import api_canvas_bodies, pen_digit_drawings
from testkit.servers import ROOT, GunicornServer, procfile_args
from testkit.stats import percentile

SYNC_ARGS = ["--worker-class", "sync", "--threads", "1", "--keep-alive", "5"]
BIG_SCRIPT = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def slow_client(port: int, kind: str, stop: threading.Event, outcomes: collections.Counter):
    """One slow connection after another until `stop`."""
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
                if kind == "reader":
                    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                    head = f"GET {BIG_SCRIPT} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    connection.sendall(head.encode())
                    while not stop.is_set():
                        if not connection.recv(1024):
                            outcomes["reader finished"] += 1
                            break
                        time.sleep(0.5)
                    continue
                if kind == "headers":
                    trickle = b"POST /api/predict HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
                else:
                    connection.sendall(
                        b"POST /api/predict HTTP/1.1\r\nHost: x\r\n"
                        b"Content-Type: application/json\r\nContent-Length: 300\r\n\r\n"
                    )
                    trickle = b'{"canvas": "' + b" " * 300
                for byte in trickle:
                    if stop.wait(2.0):
                        break
                    connection.sendall(bytes([byte]))
                else:
                    outcomes[f"{kind} sent everything"] += 1
                    continue
        except OSError as error:
            outcomes[f"{kind} closed by the server ({type(error).__name__})"] += 1
            time.sleep(0.2)
            continue
        if not stop.is_set():
            outcomes[f"{kind} answered"] += 1


def idle_connections(port: int, count: int, stop: threading.Event, outcomes: collections.Counter):
    """`count` connections that never send a byte, each reopened once the
    server closes it, until `stop`."""
    selector = selectors.DefaultSelector()

    def open_one():
        connection = socket.create_connection(("127.0.0.1", port), timeout=10)
        connection.setblocking(False)
        selector.register(connection, selectors.EVENT_READ)
        outcomes["idle opened"] += 1

    try:
        for _ in range(count):
            open_one()
        while not stop.is_set():
            for key, _ in selector.select(timeout=0.2):
                selector.unregister(key.fileobj)
                key.fileobj.close()
                outcomes["idle closed by the server"] += 1
                if not stop.is_set():
                    open_one()
    except OSError as error:
        outcomes[f"idle could not open ({type(error).__name__})"] += 1
    finally:
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        selector.close()


def honest_client(port: int, workload: list[bytes], stop: threading.Event, results: list):
    index = 0
    while not stop.is_set():
        started = time.monotonic()
        status, seconds = send(port, workload[index % len(workload)])
        results.append((status, seconds, started))
        index += 1


KINDS = ["headers", "body", "reader"]


def run(
    name: str,
    args: list[str],
    slow: int,
    honest: int,
    duration: float,
    workload,
    idle: int = 0,
) -> dict:
    held = f"{slow} slow connections" if slow else f"{idle} idle connections"
    print(f"\n== {name}: {held}, {honest} honest clients, {duration:.0f} s")
    with GunicornServer(args) as server:
        stop = threading.Event()
        outcomes: collections.Counter = collections.Counter()
        results: list = []
        kinds = KINDS
        slow_threads = [
            threading.Thread(
                target=slow_client,
                args=(server.port, kinds[i % len(kinds)], stop, outcomes),
                daemon=True,
            )
            for i in range(slow)
        ]
        if idle:
            slow_threads.append(
                threading.Thread(
                    target=idle_connections, args=(server.port, idle, stop, outcomes), daemon=True
                )
            )
        for thread in slow_threads:
            thread.start()
        time.sleep(2.0)  # every slow connection is open and being read
        honest_threads = [
            threading.Thread(target=honest_client, args=(server.port, workload, stop, results))
            for _ in range(honest)
        ]
        for thread in honest_threads:
            thread.start()
        time.sleep(duration)
        stop.set()
        for thread in honest_threads:
            thread.join(timeout=70)
        health = server.get("/healthz")
    latencies = [seconds for _, seconds, _ in results]
    begin = min((started for _, _, started in results), default=0)
    slowest = sorted(results, key=lambda row: -row[1])[:5]
    result = {
        "honest_requests": len(results),
        "honest_errors": sum(status != 200 for status, _, _ in results),
        "honest_median_ms": round(percentile(latencies, 50) * 1000, 1) if latencies else None,
        "honest_p99_ms": round(percentile(latencies, 99) * 1000, 1) if latencies else None,
        "honest_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        "honest_slowest": [
            (status, round(seconds * 1000, 1), f"at {started - begin:.1f} s")
            for status, seconds, started in slowest
        ],
        "slow_connections": dict(outcomes),
        "healthz_after": health,
    }
    print(json.dumps(result, indent=2), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=50)
    parser.add_argument("--honest", type=int, default=4)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--idle", type=int, default=300, help="idle connections (0: none)")
    parser.add_argument("--compare-sync", action="store_true")
    parser.add_argument("--compare-gthread", action="store_true")
    parser.add_argument("--gunicorn-args", default="", help="extra gunicorn options")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "slow.json")
    parser.add_argument("--kinds", default=",".join(KINDS), help="slow kinds, comma-separated")
    options = parser.parse_args()
    KINDS[:] = options.kinds.split(",")
    workload = [
        raw_post("/api/predict", body, JSON)
        for body in api_canvas_bodies(pen_digit_drawings(pen_digits_sample(), count=100))
    ]
    report = {}
    if options.compare_sync:
        report["sync"] = run(
            "2 sync workers (before)",
            procfile_args() + SYNC_ARGS,
            options.slow,
            options.honest,
            options.duration,
            workload,
        )
    report["ours"] = run(
        "Procfile (gthread)",
        procfile_args() + options.gunicorn_args.split(),
        options.slow,
        options.honest,
        options.duration,
        workload,
    )
    ours = report["ours"]
    report["met"] = ours["honest_errors"] == 0 and (ours["honest_p99_ms"] or 1e9) <= 250
    if options.idle:
        if options.compare_gthread:
            report["gthread_idle"] = run(
                "gunicorn's gthread worker (before)",
                [*procfile_args(), "--worker-class", "gthread"],
                0,
                options.honest,
                options.duration,
                workload,
                idle=options.idle,
            )
        report["ours_idle"] = run(
            "Procfile (web.worker.JsonThreadWorker)",
            procfile_args() + options.gunicorn_args.split(),
            0,
            options.honest,
            options.duration,
            workload,
            idle=options.idle,
        )
        idle = report["ours_idle"]
        report["idle_met"] = idle["honest_errors"] == 0 and (idle["honest_max_ms"] or 1e9) <= 500
        print(f"idle met: {report['idle_met']}")
    print(f"met: {report['met']}")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
