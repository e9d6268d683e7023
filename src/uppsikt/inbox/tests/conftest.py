import sys
import types

import pytest


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    """The sandbox platform keeps its state in the data folder: one per test."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def no_triage_engine(monkeypatch):
    """As before the triage engine exists: importing it fails with ModuleNotFoundError."""
    monkeypatch.setitem(sys.modules, "uppsikt.triage.engine", None)


class FakeDecision:
    def __init__(self, categories, urgent, action):
        self.categories = categories
        self.urgent = urgent
        self.action = action
        self.reasons = [{"category": categories[0], "rule": "fake.rule", "span": [0, 3], "score": 0.9}]

    def to_json(self):
        return {"categories": self.categories, "urgent": self.urgent, "action": self.action, "reasons": self.reasons}


class FakeEngine:
    """Calls a threat what says "hot", a question what ends in "?", everything else trivial."""

    def __init__(self, policy_name):
        self.policy_name = policy_name
        self.seen: list[str] = []

    def classify(self, text, platform=None):
        self.seen.append((text, platform))
        if "hot" in text.lower() or "slår ihjäl" in text.lower():
            return FakeDecision(["threat"], True, "hide_preserve_police_register")
        if text.rstrip().endswith("?"):
            return FakeDecision(["question"], False, "answer")
        return FakeDecision(["trivial"], False, "no_action")


@pytest.fixture
def fake_triage(monkeypatch):
    engines: dict[str, FakeEngine] = {}

    def get_engine(policy_name):
        return engines.setdefault(policy_name, FakeEngine(policy_name))

    module = types.ModuleType("uppsikt.triage.engine")
    module.get_engine = get_engine
    monkeypatch.setitem(sys.modules, "uppsikt.triage.engine", module)
    return engines
