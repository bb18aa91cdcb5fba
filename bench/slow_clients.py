"""Slow clients alongside honest ones: does the server keep answering?

Starts the app as the Procfile does (gunicorn, gunicorn.conf.py) and, for
DURATION seconds, keeps SLOW connections open that each trickle a byte every
two seconds (a third sending request headers, a third a request body) or read
a large script a kilobyte every half second (a third), reconnecting whenever
the server closes one, while HONEST clients post real drawings to /api/predict
one after another. Reports the honest clients' latency (median, p99), their
errors, and how the slow connections ended. Target (issue 15): with 50 slow
connections and 4 honest clients, honest p99 at most 250 ms and no errors.

With --compare-sync it runs the same against the previous configuration (2
sync workers) first, for the README's before/after.

    .venv/bin/python -m bench.slow_clients                 # 50 slow, 4 honest, 60 s
    .venv/bin/python -m bench.slow_clients --compare-sync --duration 30
"""

import argparse
import collections
import json
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


def honest_client(port: int, workload: list[bytes], stop: threading.Event, results: list):
    index = 0
    while not stop.is_set():
        started = time.monotonic()
        status, seconds = send(port, workload[index % len(workload)])
        results.append((status, seconds, started))
        index += 1


KINDS = ["headers", "body", "reader"]


def run(name: str, args: list[str], slow: int, honest: int, duration: float, workload) -> dict:
    print(f"\n== {name}: {slow} slow connections, {honest} honest clients, {duration:.0f} s")
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
    parser.add_argument("--compare-sync", action="store_true")
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
    print(f"met: {report['met']}")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
