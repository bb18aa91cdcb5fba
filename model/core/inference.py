"""Serving inference: the shipped .tflite model run with LiteRT.

The model is loaded once per process (`load_classifier` caches it) and checked
against its model card: the card must name this file's sha256 and the input
shape the contract promises, or loading fails with `ModelCardMismatch`. One
interpreter serves all threads of a process behind a lock (an invocation takes
a fraction of a millisecond). It is sized for one image and never resized: a
batch runs one image per invocation, which costs the same per image as one
invocation of the whole batch (the network's time is linear in the batch),
while resizing it whenever requests alternate between one character and
several cost each of them more than that. The file's sha256 is checked
against the card before LiteRT parses a byte of it, so a corrupt or swapped
file fails with a clear message, never a LiteRT traceback. LiteRT is a
serving requirement: without it, loading fails with `LiteRTMissing`, and
TensorFlow is never imported as a stand-in.
"""

import functools
import json
import threading
from pathlib import Path

import numpy as np

from model.core.contract import INPUT_SHAPE, to_model_batch
from model.core.hashing import sha256_of, sha256_of_bytes

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "shipped"
DEFAULT_MODEL_PATH = SHIPPED_DIR / "digit_cnn.tflite"
DEFAULT_CARD_PATH = SHIPPED_DIR / "model_card.json"


class ModelCardMismatch(RuntimeError):
    """The model card does not describe the model file being loaded."""


class LiteRTMissing(RuntimeError):
    """The LiteRT runtime (ai-edge-litert) is not installed."""


def _interpreter_class():
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError as error:
        raise LiteRTMissing(
            f"LiteRT is not installed ({error}); it is a serving requirement: "
            "pip install -r requirements.txt"
        ) from error
    return Interpreter


class DigitClassifier:
    """The model's probabilities (the ten digits, then "not a digit") from 28x28
    images of the input contract."""

    def __init__(
        self,
        model_path=DEFAULT_MODEL_PATH,
        card: dict | None = None,
        *,
        content: bytes | None = None,
    ):
        self.model_path = Path(model_path)
        self.card = card or {}
        if content is not None:
            # Kept for the interpreter's lifetime: LiteRT reads the model from this buffer.
            self._content = content
            if card is not None:
                _check_card_names_bytes(card, content, self.model_path)
            self._interpreter = _interpreter_class()(model_content=content, num_threads=1)
        else:
            if card is not None:
                _check_card_names_file(card, self.model_path)
            self._interpreter = _interpreter_class()(model_path=str(self.model_path), num_threads=1)
        self._input = self._interpreter.get_input_details()[0]
        self._output = self._interpreter.get_output_details()[0]
        # Ten digit probabilities, or eleven: the tenth index is "not a digit".
        self.outputs = int(self._output["shape"][-1])
        self.input_shape = tuple(int(size) for size in self._input["shape_signature"][1:])
        if self.input_shape != INPUT_SHAPE:
            raise ModelCardMismatch(
                f"{self.model_path} takes inputs of shape {self.input_shape}, "
                f"but the input contract is {INPUT_SHAPE}"
            )
        if card is not None:
            _check_card_input_shape(card, self.model_path, self.input_shape)
        self._interpreter.resize_tensor_input(self._input["index"], (1, *INPUT_SHAPE))
        self._interpreter.allocate_tensors()
        self._lock = threading.Lock()

    @classmethod
    def from_files(cls, model_path=DEFAULT_MODEL_PATH, card_path=DEFAULT_CARD_PATH):
        """Load a model file and verify it against its card."""
        card_path = Path(card_path)
        try:
            card = json.loads(card_path.read_text())
        except (OSError, ValueError) as error:
            raise ModelCardMismatch(f"model card {card_path} cannot be read: {error}") from error
        return cls(model_path, card)

    @classmethod
    def from_bytes(cls, content: bytes, card: dict, expected_sha256: str, name: str):
        """A model held in memory (a version from the store), checked before LiteRT
        parses a byte of it: its sha256 must be `expected_sha256` (what the store
        recorded) and the one its card names. `name` stands for the file in messages."""
        actual = sha256_of_bytes(content)
        if actual != expected_sha256:
            raise ModelCardMismatch(
                f"model {name} has sha256 {actual}, but {expected_sha256} was recorded for it: "
                "not loaded"
            )
        return cls(Path(name), card, content=content)

    def predict(self, image: np.ndarray) -> np.ndarray:
        """The probabilities for one 28x28 image."""
        return self.predict_batch(image)[0]

    def predict_batch(self, images: np.ndarray) -> np.ndarray:
        """(N, outputs) probabilities for N images (uint8 0..255 or float 0..1)."""
        batch = np.ascontiguousarray(to_model_batch(images))
        outputs = np.empty((len(batch), self.outputs), dtype=np.float32)
        interpreter, source, sink = self._interpreter, self._input["index"], self._output["index"]
        with self._lock:
            for index in range(len(batch)):
                interpreter.set_tensor(source, batch[index : index + 1])
                interpreter.invoke()
                outputs[index] = interpreter.get_tensor(sink)[0]
        return outputs


def _check_card_names_file(card: dict, model_path: Path) -> None:
    expected = card.get("model_sha256")
    try:
        actual = sha256_of(model_path)
    except OSError as error:
        raise ModelCardMismatch(f"model file {model_path} cannot be read: {error}") from error
    if expected != actual:
        raise ModelCardMismatch(
            f"model card does not match {model_path.name}: the card names sha256 {expected}, "
            f"the file has {actual}. Export the model and its card together "
            "(python -m model.training.train)."
        )


def _check_card_names_bytes(card: dict, content: bytes, model_path: Path) -> None:
    expected, actual = card.get("model_sha256"), sha256_of_bytes(content)
    if expected != actual:
        raise ModelCardMismatch(
            f"model card does not match {model_path.name}: the card names sha256 {expected}, "
            f"the model has {actual}"
        )


def _check_card_input_shape(card: dict, model_path: Path, input_shape: tuple) -> None:
    card_shape = tuple(card.get("input", {}).get("shape", ()))
    if card_shape != input_shape:
        raise ModelCardMismatch(
            f"model card gives input shape {card_shape}, but {model_path.name} takes {input_shape}"
        )


@functools.lru_cache(maxsize=4)
def load_classifier(model_path=None, card_path=None) -> DigitClassifier:
    """The process's classifier for these files, loaded and verified once."""
    return DigitClassifier.from_files(
        model_path or DEFAULT_MODEL_PATH, card_path or DEFAULT_CARD_PATH
    )
