"""POST /api/v1/triage/ for signed-in users."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from uppsikt.audit.models import AuditEvent
from uppsikt.triage.models import LabelledExample
from uppsikt.triage.services import LabelError, export_training_file, record_editor_decision


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="redaktor", password="lösenord-som-räcker")


def _verified_client(user):
    """Signed in with password and a second factor, as the API requires."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
    StaticToken.objects.create(device=device, token="abc123")
    client = APIClient()
    response = client.post("/logga-in/", {"username": user.username, "password": "lösenord-som-räcker", "otp_token": "abc123"})
    assert response.status_code == 302
    return client


def test_triage_api_explains_the_decision(user):
    client = _verified_client(user)
    response = client.post("/api/v1/triage/", {"text": "Jag kommer att skjuta er alla på nästa fullmäktigemöte", "policy": "mora"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["categories"] == ["threat"] and body["urgent"] is True
    assert body["police"] is True and body["policy"] == "mora"
    assert body["explanations"][0].startswith("Hot: ”")


def test_triage_api_requires_login_with_two_factors(user):
    response = APIClient().post("/api/v1/triage/", {"text": "Hej"}, format="json")
    assert response.status_code in (401, 403)
    password_only = APIClient()
    password_only.force_authenticate(user)
    assert password_only.post("/api/v1/triage/", {"text": "Hej"}, format="json").status_code == 403


def test_triage_api_rejects_unknown_policy(user):
    client = _verified_client(user)
    response = client.post("/api/v1/triage/", {"text": "Hej", "policy": "finns-inte"}, format="json")
    assert response.status_code == 400


def test_record_editor_decision_stores_and_audits(user, tmp_path):
    example = record_editor_decision(text="Köp billiga glasögon här", labels=["commercial"], policy="mora", user=user)
    assert LabelledExample.objects.get(pk=example.pk).labels == ["commercial"]
    event = AuditEvent.objects.filter(name="triage_label_recorded").last()
    assert event.object_id == str(example.pk) and "commercial" in event.message
    assert export_training_file("mora", tmp_path / "m.jsonl") == 1
    with pytest.raises(LabelError):
        record_editor_decision(text="x", labels=["nonsense"], policy="mora", user=user)
    assert LabelledExample.objects.count() == 1
