"""Shared fixtures: the shipped classifier, a fresh app per test, its test client,
the committed samples, and the full data sets, which skip with one clear reason
when absent (a clone without ../shared/data) and fail under CI=true."""

import os
from pathlib import Path

import pytest
from hypothesis import settings

from model.core.inference import load_classifier
from model.training import data
from testkit.fixtures import mnist_sample
from testkit.sure_digits import sure_digits as sure_pen_digits

# Under CI the property tests draw their examples from a fixed seed, so that a CI
# run's verdict is the code's, not the draw's; elsewhere each run explores anew.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def classifier():
    return load_classifier()


@pytest.fixture
def app(classifier):
    from web import create_app

    return create_app({"classifier": classifier})


@pytest.fixture
def client(app):
    return app.server.test_client()


def require_data_file(path: Path) -> Path:
    """The full data file, or a failure under CI (a skip elsewhere) saying how to get it."""
    if not path.is_file():
        message = f"needs the full data set ({path.name}): {data.MISSING_DATA_HINT}"
        if os.environ.get("CI", "").lower() == "true":
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
def pen_trajectories_path() -> Path:
    return require_data_file(data.PEN_TRAJECTORIES_PATH)


@pytest.fixture(scope="session")
def uji_path() -> Path:
    return require_data_file(data.UJI_PATH)


@pytest.fixture(scope="session")
def mnist_fixture():
    """200 MNIST test digits committed in the repo (origin: tests/fixtures/README.md)."""
    return mnist_sample()


@pytest.fixture(scope="session")
def sure_digits(classifier):
    """testkit.sure_digits: numbers made of these test the reading, not the model."""
    chosen = sure_pen_digits(classifier)
    assert len(chosen) == 10
    return chosen
