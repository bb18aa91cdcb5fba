"""The hostile-request corpus against the real server: time and memory per request.

Starts the app as the Procfile does (gunicorn, gunicorn.conf.py, 2 workers) and
sends every case of testkit/hostile_corpus.py (cost bombs, scan bombs,
malformed bodies, across /api/predict, /predict and /_dash-update-component)
one at a time, each on its own connection, in ROUNDS rounds. For each case it
records the status (which must be the expected 4xx or 200, never a 5xx) and
the server time two ways: the wall time from the request's last byte sent to
the answer's last byte received, on loopback (which a noisy machine inflates),
and the CPU time the workers spent (one request at a time, so all of it is
that request's; the kernel counts it in 10 ms ticks). After every round it reads each
worker's peak resident size (VmHWM). Targets (issue 15): no request over
250 ms, every worker's peak at or below 150 MB.

    .venv/bin/python -m bench.hostile_corpus            # 3 rounds
    .venv/bin/python -m bench.hostile_corpus --rounds 1 --per-case-memory  # memory per case
    .venv/bin/python -m bench.hostile_corpus --only heavy --only exif  # those cases alone
"""

import argparse
import contextlib
import json
import socket
import time
from pathlib import Path

from testkit.hostile_corpus import CASES, raw_request
from testkit.servers import ROOT, GunicornServer, procfile_args
from testkit.stats import percentile

MAX_SERVER_MS = 250
MAX_WORKER_PEAK_MB = 150


def exchange(port: int, data: bytes) -> tuple[int, float]:
    """Send one request; (status, seconds from the request's last byte to the answer's last)."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        # answered (413) before the whole body was sent
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(data)
        sent = time.perf_counter()
        chunks = []
        try:
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    answer = b"".join(chunks)
    status = int(answer[9:12]) if answer.startswith(b"HTTP/1.1 ") else 0
    return status, time.perf_counter() - sent


def worker_cpu_s(server: GunicornServer) -> float:
    return sum(sum(worker.cpu_times()[:2]) for worker in server.workers())


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--per-case-memory",
        action="store_true",
        help="one worker; print each case that raises its peak resident size",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="only the cases whose id holds TEXT (repeatable); each case's own figures",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "hostile.json")
    options = parser.parse_args()

    cases = [c for c in CASES if not options.only or any(t in c.id for t in options.only)]
    requests = [(case, raw_request(case)) for case in cases]
    env = {"WEB_CONCURRENCY": "1"} if options.per_case_memory else {}
    times: dict[str, list[float]] = {case.id: [] for case in cases}
    cpu: dict[str, list[float]] = {case.id: [] for case in cases}
    wrong, peaks = [], []
    with GunicornServer(procfile_args(), env) as server:
        expected = 1 if options.per_case_memory else 2
        deadline = time.monotonic() + 30
        while len(server.workers()) < expected and time.monotonic() < deadline:
            time.sleep(0.1)  # /healthz answers as soon as one worker is up
        pids = [worker.pid for worker in server.workers()]
        print(
            f"{len(cases)} cases, workers {pids}, idle peak RSS "
            f"{[round(peak_rss_mb(pid), 1) for pid in pids]} MB",
            flush=True,
        )
        for round_number in range(options.rounds):
            for case, data in requests:
                before = peak_rss_mb(pids[0]) if options.per_case_memory else 0
                cpu_before = worker_cpu_s(server)
                status, seconds = exchange(server.port, data)
                cpu[case.id].append(worker_cpu_s(server) - cpu_before)
                times[case.id].append(seconds)
                if status != case.status:
                    wrong.append((case.id, case.status, status))
                if options.per_case_memory:
                    after = peak_rss_mb(pids[0])
                    if after > before + 0.5:
                        print(f"  {case.id}: peak {before:.1f} -> {after:.1f} MB", flush=True)
            peaks = [round(peak_rss_mb(pid), 1) for pid in pids]
            print(f"round {round_number + 1}: worker peak RSS {peaks} MB", flush=True)
        alive = [worker.pid for worker in server.workers()]
    slowest = sorted(((max(values), case_id) for case_id, values in times.items()), reverse=True)
    costliest = sorted(((max(values), case_id) for case_id, values in cpu.items()), reverse=True)
    every = [value for values in times.values() for value in values]
    every_cpu = [value for values in cpu.values() for value in values]
    report = {
        "cases": len(cases),
        "rounds": options.rounds,
        "requests": len(every),
        "wrong_status": wrong,
        "five_xx": sum(status >= 500 or status == 0 for _, _, status in wrong),
        "server_ms": {
            "median": round(percentile(every, 50) * 1000, 1),
            "p99": round(percentile(every, 99) * 1000, 1),
            "max": round(max(every) * 1000, 1),
        },
        "slowest_cases_ms": [(case_id, round(value * 1000, 1)) for value, case_id in slowest[:8]],
        "server_cpu_ms": {
            "median": round(percentile(every_cpu, 50) * 1000, 1),
            "p99": round(percentile(every_cpu, 99) * 1000, 1),
            "max": round(max(every_cpu) * 1000, 1),
        },
        "costliest_cases_cpu_ms": [
            (case_id, round(value * 1000, 1)) for value, case_id in costliest[:8]
        ],
        "worker_peak_rss_mb": peaks,
        **(
            {
                "each_case_ms": {
                    case_id: {
                        "server_max": round(max(times[case_id]) * 1000, 1),
                        "cpu_max": round(max(cpu[case_id]) * 1000, 1),
                    }
                    for case_id in times
                }
            }
            if options.only
            else {}
        ),
        "workers_restarted": alive != pids,
        "targets": {"max_server_ms": MAX_SERVER_MS, "max_worker_peak_mb": MAX_WORKER_PEAK_MB},
        "met_wall": not wrong and max(every) * 1000 <= MAX_SERVER_MS,
        "met_cpu": not wrong and max(every_cpu) * 1000 <= MAX_SERVER_MS,
        "met_memory": max(peaks) <= MAX_WORKER_PEAK_MB,
    }
    print(json.dumps(report, indent=2))
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
