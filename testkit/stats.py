"""Summary statistics for latency figures: the one percentile definition."""

import numpy as np


def percentile(values, q: float) -> float:
    """The q-th percentile (0..100) of `values`, linearly interpolated between
    the two nearest ranks (NumPy's default): the definition of every p99 here."""
    if len(values) == 0:
        raise ValueError("percentile of no values")
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def median(values) -> float:
    return percentile(values, 50)
