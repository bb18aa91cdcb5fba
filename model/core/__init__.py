"""The core: the input contract, inference, the errors, what a prediction is."""
