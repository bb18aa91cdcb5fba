"""The work one request may make the reader do: one WorkBudget per request,
passed down to what draws and what calls the model (never shared between
requests, never global).

A request's cost is bounded in total, not per piece: every pen dot drawn for
every candidate character, refits included, and every model call (candidates
classified, evidence). A spent budget is never a refusal: the reader does
less (model/characters.py draws candidates with fewer dots, model/evidence.py
measures evidence with larger patches). What is refused (InputTooLarge) is
decided from the drawing itself, before any candidate is tried.
"""

# Pen dots one request may draw, over all its candidates and their refits: a
# few times what the most candidates a drawing has (23) cost for a number of
# twelve of the longest pen-written digits, drawn at full detail.
REQUEST_DOTS = 40_000
# Model calls one request may make: its candidates (at most
# model.splitting.MAX_CANDIDATES) and the evidence of its characters, at the
# finest patches for a dozen typical digits (model/evidence.py), coarser for
# scribbles that fill the frame.
REQUEST_MODEL_CALLS = 400


class WorkBudget:
    """What one request may still do, and what it has done (for tests and benches)."""

    def __init__(self, dots: int = REQUEST_DOTS, model_calls: int = REQUEST_MODEL_CALLS):
        self.dots = dots
        self.model_calls = model_calls
        self.dots_drawn = 0
        self.calls_made = 0

    def dots_per_drawing(self, drawings: int, draws_each: int) -> int:
        """The dots each drawing may cost, so that `drawings` drawings of at
        most `draws_each` draws each stay within the budget whichever are made:
        a share fixed by the layout, not by the order they are drawn in."""
        return self.dots // max(drawings * draws_each, 1)

    def drew(self, dots: int) -> None:
        self.dots_drawn += dots

    def calls_left(self) -> int:
        return self.model_calls - self.calls_made

    def called(self, calls: int) -> None:
        self.calls_made += calls
