"""Evidence for and against each digit: where in its 28x28 input the network found it.

The method is occlusion. The input is cut into a 7x7 grid of 4x4 patches; every
patch holding ink is blanked (set to the background, 0) in turn, and the fall of
a digit's log-odds when that patch goes is the patch's evidence for the digit:
positive where the ink there argued for it, negative where it argued against.
Patches with less than one pixel's worth of ink (the faint edge of a stroke that
lies in the next patch) are not run: blanking them could change the answer by
no more than one pixel does, and they are a fifth of the calls. Each map is
scaled into [-1, 1] by its own largest magnitude, so 1 marks the strongest
evidence for that digit in this drawing, not a fixed amount.

Chosen by measurement (python -m bench.evidence; its figures are in
docs/model.md): deleting the fifth of the ink with the most evidence for the
answer lowers its log-odds more than deleting a random fifth on more held-out
writers' digits than input gradient x input or the ink itself do, and 3x3
patches do no better at half again the calls. It costs one model call per
inked patch (at most 49).

Everything here works on one 28x28 image, so a drawing of several characters
gets one set of maps per character. Given a request's model.core.budget.WorkBudget,
the maps are measured at the finest patches (PATCH, then COARSER_PATCHES)
whose calls the budget still holds, and not at all when it holds too few for
the coarsest: a dozen scribbles cost no more than a dozen digits.
"""

import numpy as np

from model.core.contract import IMAGE_SIZE, NUM_CLASSES

PATCH = 4
# Larger patches, each dividing the 28x28 input, for a request whose budget
# is nearly spent: at most 16 and 4 calls (plus one) instead of 49.
COARSER_PATCHES = (7, 14)
# In pixels of full ink (1.0): a patch holding less is not run.
MIN_PATCH_INK = 1.0
# Float32 softmax outputs can underflow to 0; log-odds are taken of probabilities
# no smaller than this, so a digit the network rules out has a finite log-odds.
MIN_PROBABILITY = 1e-30


def ink_patches(image: np.ndarray, patch: int = PATCH) -> list[tuple[int, int]]:
    """Top-left corners (row, column) of the grid's patches holding at least
    MIN_PATCH_INK pixels' worth of ink: the patches whose evidence is measured."""
    image = np.asarray(image, dtype=np.float64).reshape(IMAGE_SIZE, IMAGE_SIZE)
    return [
        (row, column)
        for row in range(0, IMAGE_SIZE, patch)
        for column in range(0, IMAGE_SIZE, patch)
        if image[row : row + patch, column : column + patch].sum() >= MIN_PATCH_INK
    ]


def log_odds(probabilities: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)) for each of the network's outputs, with 1 - p summed from the
    other outputs' probabilities (never computed as 1 - p, which is 0 in float32 for a
    sure answer). The "not a digit" output counts among the others: evidence for a
    digit is evidence against every other answer the network can give."""
    p = np.maximum(np.asarray(probabilities, dtype=np.float64), MIN_PROBABILITY)
    others = np.maximum(p.sum(axis=-1, keepdims=True) - p, MIN_PROBABILITY)
    return np.log(p) - np.log(others)


def evidence_maps(
    classifier, image: np.ndarray, patch: int = PATCH, budget=None
) -> np.ndarray | None:
    """(10, 28, 28) float32 maps in [-1, 1], one per digit; `patch` other than PATCH
    is for comparing patch sizes (bench/evidence.py). With `budget` (a
    model.core.budget.WorkBudget), the finest patches it has the calls for, from
    `patch` on, and None when it has too few for the coarsest."""
    image = np.asarray(image, dtype=np.float32).reshape(IMAGE_SIZE, IMAGE_SIZE)
    patches = ink_patches(image, patch)
    if budget is not None:
        for size in (patch, *(size for size in COARSER_PATCHES if size > patch)):
            patch, patches = size, ink_patches(image, size)
            if 1 + len(patches) <= budget.calls_left():
                break
        else:
            return None
        budget.called(1 + len(patches))
    # The network's own outputs (all of them), not a Prediction's digit probabilities.
    outputs = classifier.predict(image)
    maps = np.zeros((NUM_CLASSES, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float64)
    if not patches:
        return maps.astype(np.float32)
    occluded = np.repeat(image[None], len(patches), axis=0)
    for copy, (row, column) in zip(occluded, patches, strict=True):
        copy[row : row + patch, column : column + patch] = 0.0
    # One image a call: as fast per image as a batch here, and the classifier's
    # interpreter keeps its batch size of one (resizing it costs more than that).
    answers = np.stack([classifier.predict(copy) for copy in occluded])
    drops = (log_odds(outputs)[None] - log_odds(answers))[:, :NUM_CLASSES]  # (patches, 10)
    for drop, (row, column) in zip(drops, patches, strict=True):
        maps[:, row : row + patch, column : column + patch] = drop[:, None, None]
    scale = np.abs(maps).max(axis=(1, 2), keepdims=True)
    maps = np.divide(maps, scale, out=np.zeros_like(maps), where=scale > 0)
    return maps.astype(np.float32)


def explain(classifier, prediction, budget=None) -> dict:
    """The API's explanation of one model.core.prediction.Prediction: the 28x28 input the
    network saw and the ten evidence maps (both None for an empty drawing; the
    maps None when `budget`, a model.core.budget.WorkBudget, is spent)."""
    if prediction.empty or prediction.image is None:
        return {"input": None, "evidence": None}
    image = np.asarray(prediction.image, dtype=np.float32).reshape(IMAGE_SIZE, IMAGE_SIZE)
    maps = evidence_maps(classifier, image, budget=budget)
    return {
        "input": image.astype(np.float64).tolist(),
        # Three decimals: a tenth of a percent of the strongest evidence, and a third
        # of the JSON that full floats would take.
        "evidence": None if maps is None else np.round(maps.astype(np.float64), 3).tolist(),
    }
