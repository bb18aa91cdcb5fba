"""Throughput under load, the old worker model and the new, side by side.

32 clients post real drawings (canvas JSON to /api/predict and PNG data URLs
to /predict, alternately) for DURATION seconds to gunicorn as the Procfile
starts it, and to the same app with the previous settings (2 sync workers),
in alternating rounds so that a slow spell of this noisy machine falls on both.
Reports requests per second, latency and errors for each round and the ratio
of the medians. Target (issue 15): 0 errors, the new model's throughput within
10% of the old one's.

    .venv/bin/python -m bench.worker_models                   # 2 rounds of 60 s each
    .venv/bin/python -m bench.worker_models --rounds 1 --duration 20
"""

import argparse
import json
import statistics
import threading
import time
from pathlib import Path

from bench.serve_latency import FORM, JSON
from testkit.client import raw_post, send
from testkit.fixtures import pen_digits_sample
from testkit.payloads import api_canvas_bodies, form_png_bodies, pen_digit_drawings
from testkit.servers import ROOT, GunicornServer, procfile_args
from testkit.stats import percentile

MODELS = {
    "sync (before)": ["--worker-class", "sync", "--threads", "1", "--keep-alive", "5"],
    "gthread (Procfile)": [],
}


def load(port: int, workloads, clients: int, duration: float) -> dict:
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    stop = time.perf_counter() + duration

    def client(offset: int):
        mine, index = [], offset
        while time.perf_counter() < stop:
            workload = workloads[index % len(workloads)]
            mine.append(send(port, workload[(index // len(workloads)) % len(workload)]))
            index += clients
        with lock:
            results.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = [seconds for _, seconds in results]
    return {
        "requests": len(results),
        "requests_per_s": round(len(results) / elapsed, 1),
        "errors": sum(status != 200 for status, _ in results),
        "median_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--today",
        type=Path,
        help="a checkout of the code before this change (git archive COMMIT | tar -x -C DIR): "
        "its own app and gunicorn.conf.py run as a third model",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "workers.json")
    options = parser.parse_args()
    models = dict(MODELS)
    if options.today:
        today = str(options.today.resolve())
        models = {
            "today's checkout (sync)": ["--chdir", today, "--config", f"{today}/gunicorn.conf.py"],
            **models,
        }
    drawings = pen_digit_drawings(pen_digits_sample(), count=200)
    workloads = [
        [raw_post("/api/predict", body, JSON) for body in api_canvas_bodies(drawings)],
        [raw_post("/predict", body, FORM) for body in form_png_bodies(drawings)],
    ]
    runs: dict[str, list[dict]] = {name: [] for name in models}
    for round_number in range(options.rounds):
        for name, extra in models.items():
            with GunicornServer(procfile_args() + extra) as server:
                load(server.port, workloads, options.clients, 3)  # warm up
                result = load(server.port, workloads, options.clients, options.duration)
            runs[name].append(result)
            print(f"round {round_number + 1} {name}: {result}", flush=True)
    medians = {name: statistics.median(r["requests_per_s"] for r in runs[name]) for name in models}
    old, new = medians[next(iter(models))], medians["gthread (Procfile)"]
    report = {
        "clients": options.clients,
        "duration_s": options.duration,
        "runs": runs,
        "median_requests_per_s": medians,
        "new_over_old": round(new / old, 3),
        "errors": sum(r["errors"] for rs in runs.values() for r in rs),
    }
    report["met"] = report["errors"] == 0 and report["new_over_old"] >= 0.9
    print(json.dumps({k: v for k, v in report.items() if k != "runs"}, indent=2))
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
