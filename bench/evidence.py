"""Evidence maps: how faithful each method is, and what the served one costs.

On held-out writers' digits (pen-digits-trajectories.json, the writers the
model's card names as never trained on, drawn
through the serving preprocessing), prints for each method the share of digits
on which deleting the fifth of the ink with the most evidence for the answer
lowers its log-odds more than deleting a random fifth (testkit/evidence_check.py;
the issue asks for at least 90%), and for the occlusion methods the server time
of all ten maps for one drawing (median, p99) and the model calls it took,
beside the time of one model call measured in the same loop. Wall time counts
the waits for a core on a busy machine; the CPU time of the thread (LiteRT runs
on the calling thread, one thread per interpreter) is the work itself.

    .venv/bin/python -m bench.evidence                # occlusion 4x4 (served), 3x3, the ink
    .venv/bin/python -m bench.evidence --gradients    # also input gradients (imports TensorFlow)
    .venv/bin/python -m bench.evidence --every 3      # a third of the digits, faster
"""

import argparse
import time

from model import evidence
from model.core.inference import load_classifier
from model.training import data
from testkit.evidence_check import deletion_check, held_out_digits, held_out_writers
from testkit.stats import median, percentile


def occlusion(classifier, patch: int):
    return lambda image, digit: evidence.evidence_maps(classifier, image, patch=patch)[digit]


def gradient_times_input():
    """Input gradients of the answer's log-odds, times the input (TensorFlow, from the
    committed Keras weights): the cheap alternative the occlusion method was chosen over."""
    import tensorflow as tf

    from model.training.export import WEIGHTS_PATH
    from model.training.network import build_model

    model = build_model()
    model.load_weights(WEIGHTS_PATH)

    def evidence_for(image, digit):
        x = tf.constant(image[None, ..., None])
        with tf.GradientTape() as tape:
            tape.watch(x)
            p = model(x, training=False)[0]
            odds = tf.math.log(p[digit]) - tf.math.log(tf.reduce_sum(p) - p[digit])
        return (tape.gradient(odds, x).numpy()[0, ..., 0]) * image

    return evidence_for


def timing(classifier, images, patch: int) -> dict[str, list[float]]:
    """Per image: wall and CPU seconds for all ten maps and for one model call, and calls."""
    times = {"wall": [], "cpu": [], "call wall": [], "call cpu": [], "calls": []}
    for image in images:
        wall, cpu = time.perf_counter(), time.thread_time()
        classifier.predict(image)
        times["call wall"].append(time.perf_counter() - wall)
        times["call cpu"].append(time.thread_time() - cpu)
        wall, cpu = time.perf_counter(), time.thread_time()
        evidence.evidence_maps(classifier, image, patch=patch)
        times["wall"].append(time.perf_counter() - wall)
        times["cpu"].append(time.thread_time() - cpu)
        times["calls"].append(len(evidence.ink_patches(image, patch)) + 1)
    return times


def spread(seconds: list[float]) -> str:
    ms = [1000 * s for s in seconds]
    return f"{median(ms):.2f}/{percentile(ms, 99):.2f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", default=str(data.PEN_TRAJECTORIES_PATH))
    parser.add_argument("--every", type=int, default=1, help="use every n-th digit")
    parser.add_argument("--gradients", action="store_true", help="also input gradients")
    args = parser.parse_args(argv)

    classifier = load_classifier()
    writers = held_out_writers(classifier.card)
    images = held_out_digits(args.trajectories, writers)[:: args.every]
    print(f"{len(images)} digits of writers {', '.join(map(str, writers))}")
    methods = {
        f"occlusion {evidence.PATCH}x{evidence.PATCH} (served)": occlusion(
            classifier, evidence.PATCH
        ),
        "occlusion 3x3": occlusion(classifier, 3),
        "the ink itself (baseline)": lambda image, digit: image,
    }
    if args.gradients:
        methods["input gradient x input"] = gradient_times_input()
    print(
        f"{'method':30s} {'faithful':>9s} {'wall median/p99 ms':>19s}"
        f" {'CPU median/p99 ms':>18s} {'calls':>7s} {'1 call wall/CPU ms':>19s}"
    )
    for name, evidence_for in methods.items():
        result = deletion_check(classifier, images, evidence_for)
        line = f"{name:30s} {result.rate:9.1%}"
        if name.startswith("occlusion"):
            patch = evidence.PATCH if "served" in name else 3
            times = timing(classifier, images, patch)
            calls = times["calls"]
            line += (
                f" {spread(times['wall']):>19s} {spread(times['cpu']):>18s}"
                f" {median(calls):3.0f}/{percentile(calls, 99):<3.0f}"
                f" {1000 * median(times['call wall']):9.3f}/{1000 * median(times['call cpu']):.3f}"
            )
        print(line, flush=True)
    print("calls: model calls per drawing, median/p99; 1 call: one image's inference, medians")
    print("faithful: share of digits on which the deletion check passed")


if __name__ == "__main__":
    main()
