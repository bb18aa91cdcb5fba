"""The learning loop with the real model: do the people it reads worst get read better?

1. Of the UJI collection's writers (other people on other devices than the
   shipped model trained on: the collection it holds out whole; --pool heldout
   takes the 20 of the fixed split instead), take the --writers whom the
   serving model reads worst (most errors through the canvas path, drawings
   placed on the 400-px pad as the page sends them). --form sparse (the
   default) draws each digit with about 8 points, as a pointer that sends few
   events does: the form it reads worst; dense, every sample the pen gave.
2. Each of them sends half of their digits (a seeded choice) as corrections
   through POST /api/corrections from their own address (the server reads the
   drawing itself and stores what the model saw), and the owner accepts each
   one through POST /api/corrections/<id>/review.
3. `make finetune`'s loop runs on that store (model.training.finetune,
   finetune_store): split by person, fine-tune with replay, both models side
   by side on the validation table plus the held-out people's corrections,
   the gate, store and promote.
4. Their other digits, never sent, are read by the serving model and by the
   candidate (whether or not the gate promoted it): the errors before and
   after, for the people trained on and for those held out.

--serving-from REV serves, instead of the shipped model, the one committed
at git revision REV (its .tflite, card and Keras weights, stored in the
scratch store as a version and promoted, as a deployment serving an older
version would): the benchmark as it was when the shipped model had never
seen a UJI writer. The shipped model since trained on 32 of them and reads
even the held-out ones all but perfectly, which leaves nothing to measure.

Caveat, reported with the figures: the UJI lines of the validation table
(held-out writers, numbers, the whole collection held out) contain these
writers' digits, the sent half included, so after the fine-tune those lines
are no longer independent of its training data. MNIST and pen-digits lines are.

    nice -n 19 .venv/bin/python -m bench.finetune_writers [--writers 20] [--form sparse]
        [--serving-from REV]
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import corrections
from model.core.inference import DigitClassifier, load_classifier
from model.training import data, finetune, pen_collections, validate
from testkit.model_versions import send_correction, versions_app

SEED = 28


def drawing(uji, index: int, form: str):
    """A digit's strokes in its own box, as every sample came (dense) or with
    about 8 points a digit (sparse: a pointer that sends few events)."""
    strokes = uji.strokes[index]
    return pen_collections.sparse(strokes) if form == "sparse" else strokes


def worst_writers(classifier, uji, count: int, pool: str, form: str) -> list[int]:
    held = uji.part(pool)
    right, _, _ = validate.canvas_results(
        classifier, [drawing(uji, i, form) for i in held], uji.labels[held]
    )
    errors: dict[int, int] = {}
    for index, ok in zip(held, right, strict=True):
        errors[int(uji.writers[index])] = errors.get(int(uji.writers[index]), 0) + int(not ok)
    ranked = sorted(errors, key=lambda writer: (-errors[writer], writer))
    return ranked[:count]


def halves(uji, writers, rng) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Per writer: the digits sent as corrections and the digits kept to measure."""
    sent, kept = {}, {}
    for writer in writers:
        mine = rng.permutation(np.flatnonzero(uji.writers == writer))
        sent[writer], kept[writer] = sorted(mine[: len(mine) // 2]), sorted(mine[len(mine) // 2 :])
    return sent, kept


def send(client, uji, sent: dict[int, list[int]], form: str) -> dict[int, str]:
    """Each writer's half sent from the writer's own address and accepted; their addresses."""
    addresses = {}
    for writer, indices in sent.items():
        address = addresses[writer] = f"198.51.100.{writer}"
        for index in indices:
            send_correction(client, drawing(uji, index, form), str(int(uji.labels[index])), address)
    return addresses


def committed_model(revision: str) -> tuple[bytes, dict, bytes]:
    """The .tflite, card and Keras weights committed at `revision`."""

    def show(name: str) -> bytes:
        return subprocess.run(
            ["git", "show", f"{revision}:model/shipped/{name}"],
            check=True,
            capture_output=True,
            cwd=Path(__file__).resolve().parent.parent,
        ).stdout

    return (
        show("digit_cnn.tflite"),
        json.loads(show("model_card.json")),
        show("digit_cnn.weights.h5"),
    )


def errors_on(classifier, uji, indices, form: str) -> int:
    right, _, _ = validate.canvas_results(
        classifier, [drawing(uji, i, form) for i in indices], uji.labels[indices]
    )
    return int(np.sum(~right))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument(
        "--pool",
        choices=("all", "heldout"),
        default="all",
        help="all: the 60 UJI writers (the collection the shipped model never trained on); "
        "heldout: the 20 of the fixed split",
    )
    parser.add_argument("--form", choices=("dense", "sparse"), default="sparse")
    parser.add_argument("--epochs", type=int, default=finetune.FinetuneSettings.epochs)
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    parser.add_argument(
        "--serving-from", metavar="REV", help="serve the model committed at this git revision"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.serving_from:
        tflite, card, weights = committed_model(args.serving_from)
        serving = DigitClassifier.from_bytes(
            tflite, card, card["model_sha256"], f"{args.serving_from}.tflite"
        )
    else:
        serving = load_classifier()
    uji = pen_collections.load_uji(data.UJI_PATH)
    writers = worst_writers(serving, uji, args.writers, args.pool, args.form)
    sent, kept = halves(uji, writers, np.random.default_rng(SEED))
    settings = finetune.FinetuneSettings(epochs=args.epochs)
    with tempfile.TemporaryDirectory(prefix="bench-finetune-") as folder:
        url = f"sqlite:///{folder}/store.sqlite3"
        engine = corrections.build_engine(url)
        corrections.upgrade(engine)
        if args.serving_from:
            corrections.add_version(
                engine,
                tflite=tflite,
                card=card,
                table=card.get(validate.CARD_KEY, {}),
                parent=corrections.SHIPPED_VERSION,
                weights=weights,
                promote_it=True,
            )
        client = versions_app(url, 0.2).server.test_client()
        addresses = send(client, uji, sent, args.form)
        held = {
            w
            for w, a in addresses.items()
            if finetune.heldout_side(
                corrections.tokens.client_key(a, "api-test-salt"), settings.heldout_share
            )
        }
        print(f"writers {writers}; held out by the split: {sorted(held)}")
        lines: list[str] = []

        def out(text: str) -> None:
            lines.append(text)
            print(text, flush=True)

        finetune_started = time.perf_counter()
        made: list = []
        code = finetune.finetune_store(engine, settings, out=out, on_candidate=made.append)
        finetune_seconds = time.perf_counter() - finetune_started
    candidate = made[0] if made else None
    figures = {
        "serving_from": args.serving_from,
        "pool": args.pool,
        "form": args.form,
        "writers": writers,
        "held_out_writers": sorted(held),
        "exit": code,
    }
    groups = {
        "all": writers,
        "trained": [w for w in writers if w not in held],
        "held": [w for w in writers if w in held],
    }
    for name, group in groups.items():
        indices = np.array([i for w in group for i in kept[w]], dtype=int)
        figures[name] = {
            "digits": len(indices),
            "errors_before": errors_on(serving, uji, indices, args.form) if len(indices) else 0,
            "errors_after": errors_on(candidate, uji, indices, args.form)
            if candidate is not None and len(indices)
            else None,
        }
    figures["finetune_seconds"] = round(finetune_seconds, 1)
    figures["seconds"] = round(time.perf_counter() - started, 1)
    for name in ("all", "trained", "held"):
        part = figures.get(name)
        if part and part["errors_after"] is not None:
            before, after = part["errors_before"], part["errors_after"]
            change = (before - after) / before if before else float("nan")
            print(
                f"{name:8s} {part['digits']:4d} unsent digits: errors {before} -> {after} "
                f"({change:.0%} fewer)"
            )
    print(json.dumps(figures))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({**figures, "report": lines}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
