"""Test-wide fixtures. The suite runs on SQLite, and on PostgreSQL when DATABASE_URL is set."""

import pytest


@pytest.fixture(autouse=True)
def _evidence_root(settings, tmp_path):
    """Each test gets its own evidence folder."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture
def roles(db):
    from uppsikt.accounts.services import ensure_roles

    ensure_roles()
