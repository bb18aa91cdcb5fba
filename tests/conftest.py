"""Shared fixtures: the shipped classifier, a fresh app per test, its test client,
and the data files (which fail, not skip, under CI=true when missing)."""

import os
from pathlib import Path

import numpy as np
import pytest

from model.inference import load_classifier
from model.training import data

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def classifier():
    return load_classifier()


@pytest.fixture
def app(classifier):
    from dashboard import create_app

    return create_app({"classifier": classifier})


@pytest.fixture
def client(app):
    return app.server.test_client()


def require_data_file(path: Path) -> Path:
    """The shared data file, or a failure under CI (a skip elsewhere) naming what is missing."""
    if not path.is_file():
        message = f"{path} is missing: see ../shared/data/README.md, or set DIGITS_DATA_DIR"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def mnist_path() -> Path:
    return require_data_file(data.MNIST_PATH)


@pytest.fixture(scope="session")
def pen_digits_path() -> Path:
    return require_data_file(data.PEN_DIGITS_PATH)


@pytest.fixture(scope="session")
def mnist_fixture():
    """200 MNIST test digits committed in the repo (origin: tests/fixtures/README.md)."""
    with np.load(FIXTURES / "mnist_test_200.npz") as fixture:
        return fixture["x_test"], fixture["y_test"]
