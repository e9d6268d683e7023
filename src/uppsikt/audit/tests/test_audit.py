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


def test_REC_8_database_refuses_raw_update():
    from django.db import DatabaseError, connection, transaction

    log("user_created", username="anna")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET message = 'ändrad'")
    assert AuditEvent.objects.get().message == "Användaren anna skapades."


def test_REC_8_tampering_below_the_database_guard_is_detected():
    from django.db import connection

    log("user_created", username="anna")
    log("user_created", username="bo")
    with connection.cursor() as cur:  # someone with owner rights drops the guard first
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change")
        else:
            cur.execute("DROP TRIGGER audit_event_no_update")
        cur.execute("UPDATE audit_auditevent SET message = 'ändrad' WHERE id = (SELECT MIN(id) FROM audit_auditevent)")
    assert any("kontrollsumma" in p for p in verify_chain())
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent WHERE id = (SELECT MAX(id) FROM audit_auditevent)")
    assert any("slut" in p for p in verify_chain())


def test_unknown_event_name_is_refused():
    with pytest.raises(UnknownEvent):
        log("no_such_event")
