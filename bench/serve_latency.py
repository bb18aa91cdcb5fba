"""Serving benchmark: the real server under gunicorn, side by side with the classic one.

Starts the app exactly as the Procfile does (gunicorn, gunicorn.conf.py) on a
loopback port, then measures, against the same requests made from real pen
digits:
  - cold start: process start to the first 200 from /healthz;
  - one client: latency of POST /api/predict (canvas json_data) and of
    POST /predict (PNG data URL form post), median and p99;
  - 32 concurrent clients: requests per second, latency, errors;
  - memory: resident size of a single worker after 1,000 and 10,000 predictions.
Then does the same (without the 10,000-prediction run) for the classic-style
reference server (bench/classic_server.py: Flask + Keras model.predict in the
web process) and prints the ratios. Every server is stopped at the end.

--side-by-side RUNS measures only the one-client latencies, with every server
running at once and their requests interleaved in rounds (bench/
preprocess_latency.py: measure_interleaved), so that a shared machine's slow
spells fall on each alike: ours, the classic one, and with --before-tree
another checkout of this repository (an earlier commit, for a before/after).

    .venv/bin/python -m bench.serve_latency            # full run, a few minutes
    .venv/bin/python -m bench.serve_latency --quick    # smaller counts, a smoke run
    .venv/bin/python -m bench.serve_latency --side-by-side 2000 --before-tree ../before
"""

import argparse
import collections
import contextlib
import itertools
import json
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.preprocess_latency import measure_interleaved
from testkit.client import raw_post, send
from testkit.fixtures import pen_digits_sample
from testkit.payloads import api_canvas_bodies, form_png_bodies, pen_digit_drawings
from testkit.servers import ROOT, GunicornServer, procfile_args
from testkit.stats import median, percentile

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def percentiles(latencies: list[float]) -> dict:
    return {
        "median_ms": round(median(latencies) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2),
        "count": len(latencies),
    }


def one_client(port: int, workload: list[bytes], count: int) -> dict:
    latencies, errors = [], 0
    for index in range(count):
        status, seconds = send(port, workload[index % len(workload)])
        latencies.append(seconds)
        errors += status != 200
    return {**percentiles(latencies), "errors": errors}


def many_clients(port: int, workloads, count: int, clients: int) -> dict:
    """`count` requests alternating over the workloads, from `clients` threads."""
    tickets = itertools.count()
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def client():
        mine = []
        while (ticket := next(tickets)) < count:
            workload = workloads[ticket % len(workloads)]
            mine.append(send(port, workload[(ticket // len(workloads)) % len(workload)]))
        with lock:
            results.extend(mine)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    elapsed = time.perf_counter() - started
    return {
        **percentiles([seconds for _, seconds in results]),
        "requests_per_s": round(len(results) / elapsed, 1),
        "errors": sum(status != 200 for status, _ in results),
        "clients": clients,
    }


def memory_mb(server: GunicornServer) -> dict:
    """Resident size of each worker; PSS and USS tell what preloading shares."""
    workers = []
    for process in server.workers():
        info = process.memory_full_info()
        workers.append(
            {
                "rss_mb": round(info.rss / 2**20, 1),
                "pss_mb": round(info.pss / 2**20, 1),
                "uss_mb": round(info.uss / 2**20, 1),
            }
        )
    return {"workers": workers, "max_rss_mb": max(w["rss_mb"] for w in workers)}


def worker_cpu_s(server: GunicornServer) -> float:
    total = 0.0
    for process in server.workers():
        times = process.cpu_times()
        total += times.user + times.system
    return total


def predictions(port: int, workloads, count: int, clients: int = 2) -> int:
    return many_clients(port, workloads, count, clients)["errors"]


def measure(name: str, args: list[str], env: dict, workloads, counts) -> dict:
    print(f"\n== {name}: gunicorn {' '.join(args)} {env}", flush=True)
    with GunicornServer(args, env) as server:
        result = {"cold_start_s": round(server.cold_start_s, 2)}
        print(f"cold start {result['cold_start_s']} s", flush=True)
        predictions(server.port, workloads, 40)  # warm both workers' code paths
        for label, workload in zip(("api_canvas", "form_png"), workloads, strict=True):
            result[label] = one_client(server.port, workload, counts["single"])
            print(f"one client {label}: {result[label]}", flush=True)
        server_cpu, client_cpu = worker_cpu_s(server), time.process_time()
        result["concurrent"] = many_clients(
            server.port, workloads, counts["concurrent"], counts["clients"]
        )
        # CPU per request does not depend on what else the machine runs: with
        # the client's share it bounds the throughput two idle cores could give.
        count = result["concurrent"]["count"]
        server_ms = (worker_cpu_s(server) - server_cpu) * 1000 / count
        client_ms = (time.process_time() - client_cpu) * 1000 / count
        result["concurrent"]["server_cpu_ms_per_request"] = round(server_ms, 2)
        result["concurrent"]["client_cpu_ms_per_request"] = round(client_ms, 2)
        result["concurrent"]["two_core_bound_requests_per_s"] = round(
            2000 / (server_ms + client_ms), 1
        )
        print(f"{counts['clients']} clients: {result['concurrent']}", flush=True)
        result["memory_after_load"] = memory_mb(server)
        print(f"memory: {result['memory_after_load']}", flush=True)
    return result


def memory_run(name: str, args: list[str], workloads, checkpoints: list[int]) -> dict:
    """One worker, predictions up to each checkpoint, its resident size at each."""
    print(f"\n== {name}: one worker, memory at {checkpoints} predictions", flush=True)
    result, done = {}, 0
    with GunicornServer(args, {"WEB_CONCURRENCY": "1"}) as server:
        for checkpoint in checkpoints:
            errors = predictions(server.port, workloads, checkpoint - done)
            done = checkpoint
            result[str(checkpoint)] = {**memory_mb(server)["workers"][0], "errors": errors}
            print(f"after {checkpoint}: {result[str(checkpoint)]}", flush=True)
    first, last = result[str(checkpoints[0])], result[str(checkpoints[-1])]
    result["growth_percent"] = round(100 * (last["rss_mb"] / first["rss_mb"] - 1), 2)
    return result


def ratio(classic: float, ours: float) -> float:
    return round(classic / ours, 1) if ours else float("inf")


CLASSIC_ARGS = [
    "bench.classic_server:app",
    "--config",
    os.devnull,
    "--no-control-socket",
    "--workers",
    "2",
    "--timeout",
    "120",
]


def side_by_side(workloads, runs: int, before_tree: Path | None) -> dict:
    """One client's latency on each server, all running, requests interleaved."""
    servers = [("ours", procfile_args(), ROOT)]
    if before_tree is not None:
        servers.append(("before", procfile_args(), before_tree.resolve()))
    # Its own settings, not gunicorn.conf.py (see main).
    servers.append(("classic", CLASSIC_ARGS, ROOT))
    labels = ("api_canvas", "form_png")
    with contextlib.ExitStack() as stack:
        started = {}
        for name, args, cwd in servers:
            print(f"starting {name} ({cwd})", flush=True)
            started[name] = stack.enter_context(GunicornServer(args, cwd=cwd))
        calls, keys, statuses = [], [], collections.Counter()
        for name, server in started.items():
            for label, workload in zip(labels, workloads, strict=True):
                requests = itertools.cycle(workload)

                def call(port=server.port, requests=requests, key=(name, label)):
                    statuses[(*key, send(port, next(requests))[0])] += 1

                calls.append(call)
                keys.append((name, label))
        times = measure_interleaved(calls, runs)
    result: dict = {
        "runs": runs,
        "statuses": {" ".join(map(str, k)): n for k, n in statuses.items()},
    }
    for (name, label), samples in zip(keys, times, strict=True):
        result.setdefault(name, {})[label] = {
            "median_ms": round(median(samples), 2),
            "p99_ms": round(percentile(samples, 99), 2),
        }
    ours = result["ours"]
    for other in [name for name, _, _ in servers if name != "ours"]:
        result[f"{other}_over_ours"] = {
            f"{label}_{stat}": ratio(result[other][label][stat], ours[label][stat])
            for label in labels
            for stat in ("median_ms", "p99_ms")
        }
    print(json.dumps(result, indent=2), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke run")
    parser.add_argument("--no-classic", action="store_true", help="skip the reference server")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "serve.json")
    parser.add_argument("--side-by-side", type=int, metavar="RUNS", help="latencies only")
    parser.add_argument("--before-tree", type=Path, help="another checkout, with --side-by-side")
    options = parser.parse_args()

    drawings = pen_digit_drawings(pen_digits_sample(), count=200)
    workloads = [
        [raw_post("/api/predict", body, JSON) for body in api_canvas_bodies(drawings)],
        [raw_post("/predict", body, FORM) for body in form_png_bodies(drawings)],
    ]
    if options.side_by_side:
        report = side_by_side(workloads, options.side_by_side, options.before_tree)
        options.out.parent.mkdir(parents=True, exist_ok=True)
        options.out.write_text(json.dumps(report, indent=2))
        return
    ours_counts = {"single": 1000, "concurrent": 4000, "clients": 32}
    classic_counts = {"single": 300, "concurrent": 1000, "clients": 32}
    checkpoints = [1000, 10_000]
    if options.quick:
        ours_counts = {"single": 100, "concurrent": 400, "clients": 32}
        classic_counts = {"single": 30, "concurrent": 100, "clients": 32}
        checkpoints = [100, 1000]

    report = {
        "requests": {
            "drawings": len(drawings),
            "workloads": ["POST /api/predict canvas json_data", "POST /predict PNG data URL"],
        }
    }
    report["ours"] = measure("ours (Procfile)", procfile_args(), {}, workloads, ours_counts)
    report["ours_memory"] = memory_run("ours", procfile_args(), workloads, checkpoints)
    if not options.no_classic:
        # Its own settings, not gunicorn.conf.py: TensorFlow preloaded in the
        # master hangs in forked workers, so the classic app loads per worker.
        report["classic"] = measure("classic", CLASSIC_ARGS, {}, workloads, classic_counts)
        ours, classic = report["ours"], report["classic"]
        report["ratios_classic_over_ours"] = {
            "api_canvas_median": ratio(
                classic["api_canvas"]["median_ms"], ours["api_canvas"]["median_ms"]
            ),
            "form_png_median": ratio(
                classic["form_png"]["median_ms"], ours["form_png"]["median_ms"]
            ),
            "api_canvas_p99": ratio(classic["api_canvas"]["p99_ms"], ours["api_canvas"]["p99_ms"]),
            "form_png_p99": ratio(classic["form_png"]["p99_ms"], ours["form_png"]["p99_ms"]),
            "worker_rss": ratio(
                classic["memory_after_load"]["max_rss_mb"], ours["memory_after_load"]["max_rss_mb"]
            ),
            "cold_start": ratio(classic["cold_start_s"], ours["cold_start_s"]),
            "throughput_ours_over_classic": ratio(
                ours["concurrent"]["requests_per_s"], classic["concurrent"]["requests_per_s"]
            ),
        }
        print(f"\nratios (classic / ours): {report['ratios_classic_over_ours']}")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {options.out}")


if __name__ == "__main__":
    main()
