"""Inference speed: LiteRT (as served) vs Keras `model(x)` vs Keras `model.predict(x)`.

Single-image latency (median, p99) and batch-of-64 throughput, measured side
by side in one run on the same MNIST test digits, in interleaved rounds so
machine noise hits all three alike.

    .venv/bin/python -m bench.inference_latency [--rounds 30] [--mnist PATH]
"""

import argparse
import statistics
import time

import numpy as np

from model.core.inference import load_classifier
from model.training import data
from model.training.export import WEIGHTS_PATH
from model.training.network import build_model
from testkit.stats import percentile

SINGLES_PER_ROUND = 20
BATCH = 64


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--mnist", default=str(data.MNIST_PATH))
    args = parser.parse_args(argv)

    _, _, x_test, _ = data.load_mnist(args.mnist)
    images = x_test[..., None]
    litert = load_classifier()
    keras_model = build_model()
    keras_model.load_weights(WEIGHTS_PATH)

    runners = {
        "LiteRT (served)": lambda x: litert.predict_batch(x),
        "Keras model(x)": lambda x: keras_model(x, training=False).numpy(),
        "Keras model.predict(x)": lambda x: keras_model.predict(x, verbose=0),
    }
    for run in runners.values():  # warm-up: graph tracing, allocation
        run(images[:1])
        run(images[:BATCH])

    single = {name: [] for name in runners}
    batch = {name: [] for name in runners}
    rng = np.random.default_rng(0)
    for _ in range(args.rounds):
        for name, run in runners.items():
            for index in rng.integers(0, len(images), SINGLES_PER_ROUND):
                start = time.perf_counter()
                run(images[index : index + 1])
                single[name].append(time.perf_counter() - start)
            offset = int(rng.integers(0, len(images) - BATCH))
            start = time.perf_counter()
            run(images[offset : offset + BATCH])
            batch[name].append(time.perf_counter() - start)

    base = statistics.median(single["LiteRT (served)"])
    print(f"{args.rounds} rounds, {SINGLES_PER_ROUND} single images and one batch of {BATCH} each")
    header = ("runtime", "median ms", "p99 ms", "x LiteRT", "batch-64 img/s")
    print("{:24s} {:>10s} {:>8s} {:>9s} {:>15s}".format(*header))
    for name in runners:
        median = statistics.median(single[name])
        throughput = BATCH / statistics.median(batch[name])
        print(
            f"{name:24s} {median * 1e3:10.3f} {percentile(single[name], 99) * 1e3:8.3f} "
            f"{median / base:9.1f} {throughput:15.0f}"
        )


if __name__ == "__main__":
    main()
