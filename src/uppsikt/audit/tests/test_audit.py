import pytest

from uppsikt.audit.events import UnknownEvent, log, verify_chain
from uppsikt.audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def test_REC_8_audit_chain_links_every_event():
    first = log("user_created", username="anna")
    second = log("user_created", username="bo")
    assert second.prev_hash == first.hash
    assert verify_chain() == []


def test_REC_8_audit_events_cannot_be_changed_or_deleted():
    event = log("user_created", username="anna")
    event.message = "något annat"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(message="x")


def test_REC_8_tampering_is_detected():
    log("user_created", username="anna")
    log("user_created", username="bo")
    # Tamper through raw SQL, below the model's guard.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET message = 'ändrad' WHERE id = (SELECT MIN(id) FROM audit_auditevent)")
    assert any("kontrollsumma" in p for p in verify_chain())


def test_unknown_event_name_is_refused():
    with pytest.raises(UnknownEvent):
        log("no_such_event")
