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


def login_verified(client, user):
    """Log ``user`` in as if with password and second factor (for view tests)."""
    from django_otp.plugins.otp_static.models import StaticDevice

    client.force_login(user)
    device = StaticDevice.objects.get_or_create(user=user, name="test", confirmed=True)[0]
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def verified_login():
    return login_verified
