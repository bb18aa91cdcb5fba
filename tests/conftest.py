"""Shared fixtures: the shipped classifier, a fresh app per test, its test client."""

import pytest

from model.inference import load_classifier


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
