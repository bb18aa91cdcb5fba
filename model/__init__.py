"""Digit model: the input contract, preprocessing, inference and training code."""
