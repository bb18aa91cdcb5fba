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

from corrections.engine import transaction
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
    after = None
    while True:
        query = (
            sa.select(*columns, table.c.inputs)
            .where(table.c.status == "accepted")
            .order_by(table.c.created_at, table.c.id)
            .limit(batch_size)
        )
        if after is not None:
            created_at, last_id = after
            query = query.where(
                sa.or_(
                    table.c.created_at > created_at,
                    sa.and_(table.c.created_at == created_at, table.c.id > last_id),
                )
            )
        with transaction(engine, "reading accepted corrections") as connection:
            rows = connection.execute(query).all()
        for row in rows:
            pixels = np.frombuffer(bytes(row.inputs), dtype=np.uint8)
            yield TrainingCorrection(
                row.id, row.client_key, row.wrote, pixels.reshape(row.characters, SIDE, SIDE)
            )
        if len(rows) < batch_size:
            return
        after = (rows[-1].created_at, rows[-1].id)
