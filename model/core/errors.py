"""The one exception family for bad input. It carries no HTTP status: the web
layer maps each kind to one (web/errors.py)."""


class InvalidInput(ValueError):
    """The client's input cannot be read as a digit drawing."""


class InputTooLarge(InvalidInput):
    """The input is beyond a stated size limit."""
