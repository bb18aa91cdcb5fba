"""Calibration: the temperature that makes the confidence mean what it says, the
not-a-digit threshold, the expected calibration error and the reliability plot.

The temperature T divides the network's logits before the softmax. It is fitted
(lowest negative log-likelihood on a grid) on the validation writers' digits and
validation non-digits, never on the held-out writers, then folded into the last
layer's weights (logits / T = (W / T) x + b / T), so the exported LiteRT file
outputs calibrated probabilities itself. The network ends in a softmax, so the
logits are recovered, up to a constant that the softmax ignores, as log p.
"""

import numpy as np

from model.core.contract import NOT_A_DIGIT

TEMPERATURES = np.exp(np.linspace(np.log(0.4), np.log(4.0), 241))
THRESHOLDS = np.round(np.arange(0.5, 0.996, 0.01), 2)
ECE_BINS = 10


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def tempered(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities as they would be with the logits divided by `temperature`."""
    return softmax(np.log(np.maximum(probabilities.astype(np.float64), 1e-30)) / temperature)


def fit_temperature(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The grid temperature with the lowest mean negative log-likelihood."""
    rows = np.arange(len(labels))
    losses = [
        -np.log(np.maximum(tempered(probabilities, t)[rows, labels], 1e-30)).mean()
        for t in TEMPERATURES
    ]
    return float(TEMPERATURES[int(np.argmin(losses))])


def choose_threshold(digit_probabilities: np.ndarray, max_false_rate: float) -> float:
    """The lowest threshold on the not-a-digit probability that answers "not a digit"
    for at most `max_false_rate` of these real digits."""
    scores = digit_probabilities[:, NOT_A_DIGIT]
    for threshold in THRESHOLDS:
        if (scores >= threshold).mean() <= max_false_rate:
            return float(threshold)
    return float(THRESHOLDS[-1])


def answers(probabilities: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """What serving answers for each row: (answer, confidence). The answer is
    NOT_A_DIGIT when its probability reaches `threshold` (confidence: that
    probability), else the likeliest digit (confidence: its probability among the
    digits, renormalised to sum to 1 over 0-9), as model.core.prediction does."""
    not_digit = probabilities[:, NOT_A_DIGIT] >= threshold
    digits = probabilities[:, :NOT_A_DIGIT]
    digits = digits / np.maximum(digits.sum(axis=1, keepdims=True), 1e-30)
    answer = np.where(not_digit, NOT_A_DIGIT, digits.argmax(axis=1))
    confidence = np.where(not_digit, probabilities[:, NOT_A_DIGIT], digits.max(axis=1))
    return answer, confidence


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = ECE_BINS) -> dict:
    """Expected calibration error over `bins` equal-width confidence bins, and the bins."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    rows, ece = [], 0.0
    for b in range(bins):
        inside = index == b
        count = int(inside.sum())
        if count:
            mean_confidence = float(confidence[inside].mean())
            accuracy = float(correct[inside].mean())
            ece += count / len(confidence) * abs(accuracy - mean_confidence)
            rows.append(
                {
                    "low": edges[b],
                    "high": edges[b + 1],
                    "count": count,
                    "confidence": mean_confidence,
                    "accuracy": accuracy,
                }
            )
    return {"ece": float(ece), "bins": rows, "count": len(confidence)}


def plot_reliability(curves: dict[str, dict], path) -> None:
    """A reliability diagram (accuracy against confidence per bin, each point labelled
    with its bin's count; the diagonal is perfect calibration) with one line per
    curve, drawn with Pillow."""
    from PIL import Image, ImageDraw

    size, margin = 480, 60
    image = Image.new("RGB", (size + 2 * margin, size + 2 * margin), "white")
    draw = ImageDraw.Draw(image)

    def at(x, y):
        return margin + x * size, margin + (1 - y) * size

    draw.rectangle([at(0, 1), at(1, 0)], outline="black")
    for tick in np.linspace(0, 1, 6):
        draw.line([at(tick, 0), (at(tick, 0)[0], at(tick, 0)[1] + 5)], fill="black")
        draw.text((at(tick, 0)[0] - 8, at(tick, 0)[1] + 8), f"{tick:.1f}", fill="black")
        draw.line([at(0, tick), (at(0, tick)[0] - 5, at(0, tick)[1])], fill="black")
        draw.text((at(0, tick)[0] - 30, at(0, tick)[1] - 5), f"{tick:.1f}", fill="black")
    draw.line([at(0, 0), at(1, 1)], fill="gray")
    colours = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd"]
    for number, (name, curve) in enumerate(curves.items()):
        colour = colours[number % len(colours)]
        points = [at(row["confidence"], row["accuracy"]) for row in curve["bins"]]
        if len(points) > 1:
            draw.line(points, fill=colour, width=2)
        for (x, y), row in zip(points, curve["bins"], strict=True):
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=colour)
            # A bin's digit count: the few-digit bins swing widely and weigh little.
            draw.text((x + 5, y + 4 + 12 * number), str(row["count"]), fill=colour)
        label = f"{name}: ECE {curve['ece']:.2%} ({curve['count']} digits)"
        draw.text((margin + 10, margin + 10 + 16 * number), label, fill=colour)
    draw.text((margin + size / 2 - 40, margin + size + 30), "confidence", fill="black")
    draw.text((5, margin - 20), "accuracy", fill="black")
    image.save(path)
