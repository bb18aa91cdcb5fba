"""From a drawing or an image to a whole number, read left to right, with
every character's own reading.

`read_canvas_number` and `read_image_number` are what the API and the page
call; both answer a `NumberReading`. The drawing's candidate characters
(model/numbers/characters.py, model/numbers/image_characters.py) are classified
as model/numbers/splitting.py needs them to pick the reading: only those that
could be part of it. A drawing of one character answers exactly what reading it
as one character answers (model/character/preprocess.py, then the classifier),
with the number and the one character's entry added.

A reading has at most MAX_CHARACTERS characters. model/numbers/grouping.py
refuses a drawing with more before anything is classified (so a drawing of a
thousand dots costs little); a NumberReading refuses more too, as an image's ink cut
where digits touch can come apart into more characters than it had pieces.
Both raise InputTooLarge, as every other stated limit on input does.

Each reading's work is charged to one model.core.budget.WorkBudget: the caller's,
so that what it does next for the same request (evidence) is bounded with
it, or a fresh one.
"""

import math
from dataclasses import dataclass

import numpy as np

from model.character.preprocess import min_extent, read_ink
from model.core.budget import WorkBudget
from model.core.contract import NUM_CLASSES
from model.core.errors import InputTooLarge
from model.core.prediction import Prediction, read_probabilities
from model.inputs.canvas import parse_canvas
from model.inputs.images import LocatedInk
from model.numbers.characters import stroke_layout
from model.numbers.grouping import MAX_CHARACTERS
from model.numbers.image_characters import image_layout
from model.numbers.splitting import Candidate, Layout, choose


@dataclass(frozen=True)
class CharacterReading:
    """One character of a number: what the model read, and where it is
    ([x0, y0, x1, y1] in the input's pixels: canvas units or image pixels)."""

    prediction: Prediction
    box: tuple[float, float, float, float]
    not_a_digit: bool = False

    @property
    def digit(self) -> int | None:
        return None if self.not_a_digit else self.prediction.digit

    def to_json(self) -> dict:
        return {
            "digit": self.digit,
            "confidence": self.prediction.confidence,
            "probabilities": list(self.prediction.probabilities),
            "not_a_digit": self.not_a_digit,
            "box": list(self.box),
        }


@dataclass(frozen=True)
class NumberReading:
    """The characters read, left to right (none for an empty drawing)."""

    characters: tuple[CharacterReading, ...]

    def __post_init__(self):
        if len(self.characters) > MAX_CHARACTERS:
            raise InputTooLarge(
                f"the drawing has {len(self.characters)} characters; "
                f"at most {MAX_CHARACTERS} are read"
            )

    @property
    def empty(self) -> bool:
        return not self.characters

    @property
    def number(self) -> str | None:
        """The digits as a string, such as "2026"; None when the drawing is
        empty or some character is not a digit."""
        if self.empty or any(c.not_a_digit for c in self.characters):
            return None
        return "".join(str(c.digit) for c in self.characters)

    @property
    def prediction(self) -> Prediction:
        """Today's answer: for one character, its prediction; for several, no
        digit, and as confidence the probability that every character is read
        right (the product of theirs). `probabilities` then belong to no one
        character: they are uniform, as for an empty drawing."""
        if self.empty:
            return Prediction.nothing()
        if len(self.characters) == 1:
            return self.characters[0].prediction
        confidence = math.prod(c.prediction.confidence for c in self.characters)
        uniform = (1.0 / NUM_CLASSES,) * NUM_CLASSES
        return Prediction(
            digit=None, confidence=confidence, probabilities=uniform, empty=False, image=None
        )

    def to_json(self) -> dict:
        return {
            **self.prediction.to_json(),
            "number": self.number,
            "digits": [c.to_json() for c in self.characters],
        }


def read_canvas_number(
    classifier, json_data, width=None, height=None, budget: WorkBudget | None = None
) -> NumberReading:
    """dash-canvas json_data (string or dict) to the number drawn."""
    return read_strokes_number(classifier, parse_canvas(json_data), width, height, budget)


def read_strokes_number(
    classifier, strokes: list[np.ndarray], width=None, height=None, budget=None
) -> NumberReading:
    """Polylines in canvas units (y down) to the number drawn."""
    budget = WorkBudget() if budget is None else budget
    layout = stroke_layout(strokes, min_extent(width, height), budget)
    return _read(classifier, layout, budget)


def read_image_number(classifier, data, budget: WorkBudget | None = None) -> NumberReading:
    """An image (a data URL, bare base64 text or bytes) to the number written in it."""
    budget = WorkBudget() if budget is None else budget
    located, as_is = read_ink(data)
    if as_is is not None:
        # A 28x28 image already in the model's form (MNIST's) holds one character.
        return _read(classifier, _whole_image(as_is, located), budget)
    return _read(classifier, image_layout(located), budget)


def _whole_image(image: np.ndarray, located: LocatedInk) -> Layout:
    height, width = located.ink.shape
    box = (located.left, located.top, located.left + width, located.top + height)
    candidate = Candidate(
        0, 0, 1, lambda: image, tuple(map(float, box)), float(width), float(height)
    )
    return Layout(cut_costs=[()], candidates=[candidate], tallest=float(height))


def _read(classifier, layout: Layout | None, budget: WorkBudget) -> NumberReading:
    if layout is None:
        return NumberReading(characters=())
    candidates = layout.candidates
    if len(candidates) == 1:  # one character: nothing to choose
        budget.called(1)
        output = classifier.predict(candidates[0].image)
        return NumberReading(characters=(_read_character(classifier, output, candidates[0]),))

    def classify(indices):
        # At most model.splitting.MAX_CANDIDATES, each classified once.
        budget.called(len(indices))
        return classifier.predict_batch(np.stack([candidates[i].image for i in indices]))

    chosen, outputs = choose(layout, classify)
    return NumberReading(
        characters=tuple(_read_character(classifier, outputs[i], candidates[i]) for i in chosen)
    )


def _read_character(classifier, output: np.ndarray, candidate) -> CharacterReading:
    # `prediction` keeps the ten digits' probabilities; the model's eleventh
    # output, when it reaches the card's threshold, makes the character no digit.
    prediction = read_probabilities(classifier, output, candidate.image)
    return CharacterReading(
        prediction=prediction, box=candidate.box, not_a_digit=prediction.not_a_digit
    )
