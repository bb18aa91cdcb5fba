"""The model card as a file: read and written as JSON beside the model file.

No TensorFlow: `make evaluate` writes its figures into the card through this,
and so do export.py and train.py.
"""

import json
from pathlib import Path

from model.core.inference import DEFAULT_CARD_PATH


def read_card(path=DEFAULT_CARD_PATH) -> dict:
    return json.loads(Path(path).read_text())


def write_card(card: dict, path=DEFAULT_CARD_PATH) -> Path:
    path = Path(path)
    path.write_text(json.dumps(card, indent=2) + "\n")
    return path
