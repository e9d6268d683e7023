import copy

import pytest
import yaml

from uppsikt.cli import main
from uppsikt.policies import commands
from uppsikt.policies.loader import PRESET_DIR, load_preset, preset_names

GUIDELINE_PRESETS = ("lilla-edet", "mora", "hultsfred", "kiruna", "nykoping")


@pytest.fixture(scope="session")
def presets():
    return {name: load_preset(name) for name in preset_names()}


@pytest.fixture
def preset_yaml():
    """A preset's raw YAML data, a fresh copy to break in a test."""

    def load(name="lilla-edet"):
        return copy.deepcopy(yaml.safe_load((PRESET_DIR / f"{name}.yaml").read_text(encoding="utf-8")))

    return load


@pytest.fixture
def no_database(monkeypatch):
    """The CLI sees no database (a machine that never ran `uppsikt setup`)."""
    monkeypatch.setattr(commands, "_database_configured", lambda: False)


@pytest.fixture
def cli(capsys):
    """Run `uppsikt ARGS`; returns (exit status, stdout, stderr lines)."""

    def run(*args):
        status = main(list(args))
        out, err = capsys.readouterr()
        return status, out, [line for line in err.splitlines() if line.strip()]

    return run
