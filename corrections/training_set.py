"""The accepted corrections as training material for the fine-tune
(model/training/finetune.py): each correction's client key, what was written
and the 28x28 inputs the reader saw, one per character.

Only corrections with one input per written digit can teach a digit: when the
reader split a drawing into another number of characters than the person
wrote, which input is which digit is unknown, and the correction is skipped
(`usable` is False).
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy import Engine

from corrections.reads import rows_in_batches
from corrections.records import SIDE
from corrections.schema import corrections

BATCH = 500


@dataclass(frozen=True)
class TrainingCorrection:
    id: str
    client_key: str
    wrote: str
    inputs: np.ndarray  # (characters, 28, 28) uint8, 0 = no ink

    @property
    def usable(self) -> bool:
        return len(self.wrote) == len(self.inputs)


def accepted_corrections(engine: Engine, batch_size: int = BATCH) -> Iterator[TrainingCorrection]:
    """Every accepted correction, oldest first, read in keyset batches."""
    table = corrections
    columns = [table.c[n] for n in ("id", "created_at", "client_key", "wrote", "characters")]
    query = sa.select(*columns, table.c.inputs).where(table.c.status == "accepted")
    for row in rows_in_batches(engine, query, batch_size, "reading accepted corrections"):
        pixels = np.frombuffer(bytes(row.inputs), dtype=np.uint8)
        yield TrainingCorrection(
            row.id, row.client_key, row.wrote, pixels.reshape(row.characters, SIDE, SIDE)
        )
