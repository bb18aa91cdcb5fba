"""How long `make finetune` takes for --corrections accepted corrections (5,000 by default).

A scratch SQLite store gets that many accepted one-digit corrections from
--people addresses (the inputs are MNIST test digits, as the model would have
seen a drawing of them; what they teach does not matter here, their number
does), and the whole loop runs with the real model and data, as `make
finetune` does: reading the corrections, building the replay, training,
exporting, measuring both models on the validation table and the held-out
corrections, the gate, storing when it passes. Prints each part's wall time
and the total, which must stay within ten minutes on the project's 2-core
machine (run it niced when other work shares the machine, and say so).

    nice -n 19 .venv/bin/python -m bench.finetune_time [--corrections 5000]
"""

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import corrections
from corrections import CanvasDrawing, NewCorrection
from model.training import data, finetune

DRAWING = CanvasDrawing('{"objects": []}', 400, 400)
SHA = "0" * 64


def fill(engine, count: int, people: int) -> float:
    """`count` accepted corrections from `people` addresses; the seconds it took."""
    started = time.perf_counter()
    _, _, images, labels = data.load_mnist(data.MNIST_PATH)
    now = datetime.now(UTC) - timedelta(hours=1)
    for index in range(count):
        digit = index % len(labels)
        new = NewCorrection(
            wrote=str(int(labels[digit])),
            reading=None,
            confidences=[0.5],
            model_sha256=SHA,
            drawing=DRAWING,
            inputs=[images[digit]],
        )
        made = corrections.add_correction(
            engine,
            new,
            client_address=f"10.0.{index % people // 250}.{index % people % 250}",
            salt="bench",
            limit_per_hour=0,
            now=now,
        )
        corrections.review_correction(engine, made.id, "accepted")
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corrections", type=int, default=5000)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-finetune-time-") as folder:
        engine = corrections.build_engine(f"sqlite:///{folder}/store.sqlite3")
        corrections.upgrade(engine)
        filling = fill(engine, args.corrections, args.people)
        print(f"{args.corrections} accepted corrections stored in {filling:.0f} s", flush=True)
        marks: list[tuple[float, str]] = []
        started = time.perf_counter()

        def out(text: str) -> None:
            marks.append((time.perf_counter() - started, text.splitlines()[0]))
            print(f"[{time.perf_counter() - started:6.1f} s] {text}", flush=True)

        code = finetune.finetune_store(engine, out=out)
        seconds = time.perf_counter() - started
    print(f"make finetune's loop: {seconds:.0f} s for {args.corrections} corrections (exit {code})")
    if args.out:
        figures = {
            "corrections": args.corrections,
            "people": args.people,
            "seconds": round(seconds, 1),
            "exit": code,
            "marks": [[round(t, 1), text] for t, text in marks],
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
