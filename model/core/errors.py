"""The one exception family for bad input; the web layer maps it to 4xx."""


class InvalidInput(ValueError):
    """The client's input cannot be read as a digit drawing (answered with 400)."""

    status_code = 400


class InputTooLarge(InvalidInput):
    """The input is beyond a stated size limit (answered with 413)."""

    status_code = 413
