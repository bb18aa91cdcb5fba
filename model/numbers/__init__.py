"""A drawing split into characters and read left to right as a number (number)."""
