"""The gate: a candidate model ships only if no line of the validation table is
worse than the serving model's beyond its noise.

`gate(serving, candidate, must_improve=())` is a pure function over the two
models' per-item results on the same items, line by line
({line: LineItems(correct, confidence)}, as validate.measure makes them):

- Accuracy (every line; a rate such as "real digits refused" is stated as its
  per-item complement, so higher is always better): an exact one-sided McNemar
  test on the discordant pairs. Of the items exactly one model gets right, b
  are the serving model's and c the candidate's; if the two were equally good,
  b would be Binomial(b + c, 1/2). The line is worse when P(X >= b) < ALPHA.
  Items both get right or both get wrong say nothing about which is better,
  so the test is as sharp as the models' disagreements allow: a candidate that
  loses 20 items and wins none fails (p = 2^-20), one that loses 1 passes
  (p = 1/2), 5 to 0 fails (p = 1/32), 4 to 0 passes (p = 1/16).
- Calibration (lines with confidences): the expected calibration error (10
  bins) of both models, and a paired bootstrap over the items (BOOTSTRAP
  resamples, seeded, the same resampled items for both models) of the
  difference. The line is worse when the one-sided 95% lower bound of
  ECE(candidate) - ECE(serving) is above ECE_TOLERANCE (half a point): binned
  ECE is a biased estimate whose bias depends on how sharp a model's
  confidences are, so two models that are equally calibrated can differ by a
  few tenths of a point on the same items; half a point is a quarter of the 2%
  target.
- `must_improve` lines (the fine-tune's held-out corrections) must be better,
  as the learning-loop issue asks: more of their items read right than the
  serving model reads (c > b), besides not worse beyond noise as every line.
  Not better beyond chance (P(X >= c) < ALPHA): a
  young deployment's held-out people have corrected few mistakes, and that
  test needs five fixed and none broken; on the writers' benchmark
  (docs/finetune.md) it refused a candidate that fixed 4 of its held-out
  people's 10 mistakes, broke none, halved the errors on their other digits
  and lost nothing on any line of the table. A candidate no better for the
  people it never saw still never ships, and every version can be rolled
  back in one step.

ALPHA applies to each line. A candidate no different from the serving model
passes every line with certainty (no discordant pairs); one whose lines are
each truly as good fails some line by chance at most ALPHA a line (the exact
test is conservative), so a failure names its line and figures for a person
to read rather than settling the matter alone.

`python -m model.training.gate CANDIDATE.tflite [--card CARD] [--sibling S.tflite]`
(make gate) measures the candidate and the serving model on the same items
(validate.measure) and prints each line's verdict; it exits 1 when the gate
fails. A candidate trained on both pen collections has no whole-collection-held-
out line of its own: `--sibling` names the run of its recipe trained without
one, whose line stands in for it (without one, that line fails as unmeasured).
"""

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.training.line_items import LineItems, expected_calibration_error

ALPHA = 0.05
ECE_TOLERANCE = 0.005
BOOTSTRAP = 1000
BOOTSTRAP_SEED = 26


@dataclass(frozen=True)
class LineVerdict:
    """One line's comparison: accuracies, discordant pairs (lost: the serving
    model right, the candidate wrong; won: the reverse), the one-sided p-value
    of losing that many by chance, the ECEs with the bootstrap's 95% lower
    bound of their difference, and whether the line passes, with why not."""

    line: str
    count: int
    serving_accuracy: float
    candidate_accuracy: float
    lost: int
    won: int
    p_worse: float
    serving_ece: float | None
    candidate_ece: float | None
    ece_increase_lower_bound: float | None
    passed: bool
    reason: str


@dataclass(frozen=True)
class GateResult:
    passed: bool
    lines: tuple[LineVerdict, ...]

    def failures(self) -> list[LineVerdict]:
        return [verdict for verdict in self.lines if not verdict.passed]

    def report(self) -> str:
        rows = [
            f"{'line':44s} {'n':>6s} {'serving':>8s} {'candidate':>9s} {'lost':>5s} "
            f"{'won':>4s} {'p(worse)':>9s} {'ECE s/c':>13s}  verdict"
        ]
        for v in self.lines:
            ece = (
                f"{v.serving_ece:6.2%}/{v.candidate_ece:6.2%}"
                if v.serving_ece is not None
                else f"{'-':>13s}"
            )
            rows.append(
                f"{v.line:44s} {v.count:6d} {v.serving_accuracy:8.2%} "
                f"{v.candidate_accuracy:9.2%} {v.lost:5d} {v.won:4d} {v.p_worse:9.2g} "
                f"{ece:>13s}  {'pass' if v.passed else 'FAIL: ' + v.reason}"
            )
        rows.append(f"gate: {'PASSED' if self.passed else 'FAILED'}")
        return "\n".join(rows)


def binomial_tail(successes: int, trials: int) -> float:
    """P(X >= successes) for X ~ Binomial(trials, 1/2), exactly."""
    if successes <= 0:
        return 1.0
    if successes > trials:
        return 0.0
    tail = sum(math.comb(trials, k) for k in range(successes, trials + 1))
    return tail / 2**trials


def _bootstrap_ece_increase(serving: LineItems, candidate: LineItems, resamples, seed) -> float:
    """The one-sided 95% lower bound of ECE(candidate) - ECE(serving), paired."""
    rng = np.random.default_rng(seed)
    n = len(serving.correct)
    differences = np.empty(resamples)
    for r in range(resamples):
        items = rng.integers(0, n, n)
        differences[r] = expected_calibration_error(
            candidate.confidence[items], candidate.correct[items]
        ) - expected_calibration_error(serving.confidence[items], serving.correct[items])
    return float(np.quantile(differences, 0.05))


def compare_line(
    line: str,
    serving: LineItems,
    candidate: LineItems,
    must_improve: bool = False,
    alpha: float = ALPHA,
    ece_tolerance: float = ECE_TOLERANCE,
    resamples: int = BOOTSTRAP,
    seed: int = BOOTSTRAP_SEED,
) -> LineVerdict:
    """One line's verdict (see the module's docstring for the rule)."""
    if serving.correct.shape != candidate.correct.shape:
        raise ValueError(
            f"{line}: the models were measured on different items "
            f"({len(serving.correct)} and {len(candidate.correct)}); the gate pairs items"
        )
    lost = int((serving.correct & ~candidate.correct).sum())
    won = int((~serving.correct & candidate.correct).sum())
    p_worse = binomial_tail(lost, lost + won)
    reasons = []
    if p_worse < alpha:
        reasons.append(f"worse: {lost} lost against {won} won, p = {p_worse:.2g}")
    if must_improve and not won > lost:
        reasons.append(f"must improve: {won} won against {lost} lost")
    serving_ece = candidate_ece = bound = None
    if serving.confidence is not None and candidate.confidence is not None:
        serving_ece = expected_calibration_error(serving.confidence, serving.correct)
        candidate_ece = expected_calibration_error(candidate.confidence, candidate.correct)
        if candidate_ece - serving_ece > ece_tolerance:
            bound = _bootstrap_ece_increase(serving, candidate, resamples, seed)
            if bound > ece_tolerance:
                reasons.append(
                    f"calibration worse: ECE {candidate_ece:.2%} against {serving_ece:.2%} "
                    f"(95% lower bound of the increase {bound:.2%})"
                )
    count = len(serving.correct)
    return LineVerdict(
        line=line,
        count=count,
        serving_accuracy=float(serving.correct.mean()) if count else 0.0,
        candidate_accuracy=float(candidate.correct.mean()) if count else 0.0,
        lost=lost,
        won=won,
        p_worse=p_worse,
        serving_ece=serving_ece,
        candidate_ece=candidate_ece,
        ece_increase_lower_bound=bound,
        passed=not reasons,
        reason="; ".join(reasons),
    )


def gate(
    serving_table_items: dict[str, LineItems],
    candidate_table_items: dict[str, LineItems],
    must_improve=(),
    alpha: float = ALPHA,
    ece_tolerance: float = ECE_TOLERANCE,
) -> GateResult:
    """The candidate passes when no line is worse beyond its noise and every
    `must_improve` line is better beyond it. A line the serving model was
    measured on and the candidate was not fails, as does a `must_improve` line
    either lacks."""
    verdicts = []
    for line in list(serving_table_items) + [
        name for name in must_improve if name not in serving_table_items
    ]:
        serving = serving_table_items.get(line)
        candidate = candidate_table_items.get(line)
        if serving is None or candidate is None:
            missing = "serving model" if serving is None else "candidate"
            verdicts.append(_unmeasured(line, f"not measured for the {missing}"))
            continue
        verdicts.append(
            compare_line(line, serving, candidate, line in must_improve, alpha, ece_tolerance)
        )
    return GateResult(passed=all(v.passed for v in verdicts), lines=tuple(verdicts))


def _unmeasured(line: str, reason: str) -> LineVerdict:
    nan = float("nan")
    return LineVerdict(line, 0, nan, nan, 0, 0, nan, None, None, None, False, reason)


def main(argv=None) -> int:
    # The measuring side (LiteRT, the data, the table's items) is only needed by
    # the command; the gate's rule above stays importable without any of it.
    from model.core.inference import DEFAULT_CARD_PATH, DEFAULT_MODEL_PATH, DigitClassifier
    from model.training import validate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidate", type=Path, help="the candidate .tflite file")
    parser.add_argument(
        "--card", type=Path, help="its model card (default: model_card.json beside it)"
    )
    parser.add_argument("--serving", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--serving-card", type=Path, default=DEFAULT_CARD_PATH)
    validate.add_sibling_argument(parser)
    validate.add_data_arguments(parser)
    args = parser.parse_args(argv)
    card = args.card or args.candidate.with_name("model_card.json")
    serving = DigitClassifier.from_files(args.serving, args.serving_card)
    candidate = DigitClassifier.from_files(args.candidate, card)
    sources = validate.Sources.from_arguments(args, serving.card)
    serving_table = validate.measure(serving, sources)
    candidate_table = validate.measure(
        candidate, sources, sibling=validate.load_sibling(args.sibling)
    )
    print("serving:  ", args.serving)
    print(validate.format_table(serving_table))
    print("candidate:", args.candidate)
    print(validate.format_table(candidate_table))
    result = gate(validate.items_of(serving_table), validate.items_of(candidate_table))
    print(result.report())
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
