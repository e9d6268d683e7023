import pytest

from uppsikt.policies import loader
from uppsikt.triage.engine import Engine


@pytest.fixture(scope="session")
def engine():
    return Engine(loader.load_preset("lilla-edet"))


@pytest.fixture(scope="session")
def classify(engine):
    return engine.classify
