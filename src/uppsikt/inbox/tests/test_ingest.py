"""Ingestion: items as records, idempotent, append-only (INB-1, REC-1, REC-2, REC-8, invariants 1 and 4)."""

from __future__ import annotations

import hashlib

import pytest
from django.db import IntegrityError, transaction

from uppsikt.audit.events import verify_chain
from uppsikt.audit.models import AuditEvent
from uppsikt.inbox.models import Item, ItemTriage, ItemVersion, RecordImmutableError
from uppsikt.inbox.services import ingest_items
from uppsikt.records.evidence import read_bytes, verify_blob
from uppsikt.records.models import EvidenceBlob

from .factories import fetched, make_channel

pytestmark = pytest.mark.django_db


def test_REC_1_visitor_comment_is_inkommen():
    channel = make_channel()
    ingest_items(channel, [fetched("c1", "Gatlampan på Storgatan är trasig.")], source="api")
    assert Item.objects.get(platform_id="c1").record_status == "inkommen"


def test_REC_1_own_post_is_upprattad():
    channel = make_channel()
    ingest_items(channel, [fetched("p1", "Välkomna till badplatsen! 🌞", kind="post", own=True, author="Mörbyåns kommun")], source="api")
    item = Item.objects.get(platform_id="p1")
    assert item.record_status == "upprattad"
    assert item.text == "Välkomna till badplatsen! 🌞"


def test_INB_1_ingest_twice_creates_nothing_new():
    channel = make_channel()
    items = [fetched(f"c{n}", f"Fråga nummer {n} om snöröjningen?", minutes=n) for n in range(25)]
    first = ingest_items(channel, items, source="api", batch_size=10)
    second = ingest_items(channel, items, source="api", batch_size=10)
    assert (first.read, first.created, first.updated, first.duplicates) == (25, 25, 0, 0)
    assert (second.read, second.created, second.updated, second.duplicates) == (25, 0, 0, 25)
    assert Item.objects.filter(channel=channel).count() == 25
    assert ItemVersion.objects.count() == 0


def test_INB_1_same_id_twice_in_one_input_is_one_item():
    channel = make_channel()
    result = ingest_items(channel, [fetched("c1"), fetched("c1")], source="api")
    assert (result.created, result.duplicates) == (1, 1)
    assert Item.objects.count() == 1


def test_INB_1_platform_id_is_unique_per_channel_in_the_database():
    facebook = make_channel("facebook")
    other = make_channel("facebook", slug="annan-kanal")
    ingest_items(facebook, [fetched("same-id")], source="api")
    ingest_items(other, [fetched("same-id")], source="api")
    assert Item.objects.filter(platform_id="same-id").count() == 2
    existing = Item.objects.get(channel=facebook, platform_id="same-id")
    duplicate = Item(**{f.attname: getattr(existing, f.attname) for f in Item._meta.concrete_fields if f.attname != "id"})
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_REC_8_raw_record_hash_matches():
    channel = make_channel()
    items = [fetched("c1", "Tack för hjälpen! 😊"), fetched("c2", "Vem svarar på min fråga om bygglov?", minutes=1)]
    ingest_items(channel, items, source="api")
    for original in items:
        item = Item.objects.get(platform_id=original.platform_id)
        raw = item.read_raw()
        assert raw == original.raw
        assert hashlib.sha256(raw).hexdigest() == item.raw_sha256
        assert verify_blob(item.raw_blob_id)
        assert EvidenceBlob.objects.get(sha256=item.raw_blob_id).media_type == "application/vnd.uppsikt.raw-records"


def test_REC_8_raw_records_of_a_batch_share_one_evidence_file():
    channel = make_channel()
    ingest_items(channel, [fetched(f"c{n}", minutes=n) for n in range(5)], source="api")
    blobs = set(Item.objects.values_list("raw_blob_id", flat=True))
    assert len(blobs) == 1
    pack = read_bytes(blobs.pop())
    assert sum(Item.objects.values_list("raw_length", flat=True)) == len(pack)


def test_REC_2_edit_on_platform_becomes_new_version_and_item_is_not_changed():
    channel = make_channel()
    ingest_items(channel, [fetched("c1", "Ingen har plogat Älvgatan.")], source="api")
    before = Item.objects.values().get(platform_id="c1")
    result = ingest_items(channel, [fetched("c1", "Ingen har plogat Älvgatan i dag heller!")], source="api")
    assert (result.created, result.updated, result.duplicates) == (0, 1, 0)
    after = Item.objects.values().get(platform_id="c1")
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"current_version_id"}
    item = Item.objects.select_related("current_version").get(platform_id="c1")
    assert item.text == "Ingen har plogat Älvgatan."
    assert item.current_text == "Ingen har plogat Älvgatan i dag heller!"
    version = item.versions.get()
    assert version.number == 2
    assert hashlib.sha256(version.read_raw()).hexdigest() == version.raw_sha256 == item.current_raw_sha256
    # The same edit seen again is a duplicate, not another version.
    again = ingest_items(channel, [fetched("c1", "Ingen har plogat Älvgatan i dag heller!")], source="api")
    assert (again.updated, again.duplicates) == (0, 1)


def test_REC_2_removal_on_platform_becomes_new_version():
    channel = make_channel()
    ingest_items(channel, [fetched("c1", "Jag vet var du bor, akta dig.")], source="api")
    result = ingest_items(channel, [fetched("c1", "Jag vet var du bor, akta dig.", deleted=True)], source="api")
    assert result.updated == 1
    item = Item.objects.get(platform_id="c1")
    assert item.deleted is False and item.current_deleted is True
    assert item.text == "Jag vet var du bor, akta dig."
    event = AuditEvent.objects.filter(name="items_ingested").last()
    assert event.data["versions"] == [{"platform_id": "c1", "number": 2, "deleted": True}]


def test_invariant_1_items_and_versions_are_never_changed_in_place():
    channel = make_channel()
    ingest_items(channel, [fetched("c1", "Original")], source="api")
    ingest_items(channel, [fetched("c1", "Ändrad")], source="api")
    item = Item.objects.get(platform_id="c1")
    item.text = "Förfalskad"
    with pytest.raises(RecordImmutableError):
        item.save()
    with pytest.raises(RecordImmutableError):
        Item.objects.filter(pk=item.pk).update(text="Förfalskad")
    with pytest.raises(RecordImmutableError):
        ItemVersion.objects.update(text="Förfalskad")
    version = ItemVersion.objects.get()
    version.text = "Förfalskad"
    with pytest.raises(RecordImmutableError):
        version.save()
    assert Item.objects.get(pk=item.pk).text == "Original"


def test_INB_1_parents_are_resolved_within_and_across_batches():
    channel = make_channel()
    items = [
        fetched("r2", "Svar på svaret", kind="reply", parent="c1", minutes=3),  # arrives before its parent
        fetched("p1", "Inlägg", kind="post", own=True, minutes=0),
        fetched("c1", "Kommentar", parent="p1", minutes=1),
        fetched("c2", "Kommentar två", parent="p1", minutes=2),
        fetched("orphan", "Svar på något vi aldrig sett", kind="reply", parent="unknown", minutes=4),
    ]
    ingest_items(channel, items, source="api", batch_size=2)
    by_id = {i.platform_id: i for i in Item.objects.all()}
    assert by_id["c1"].parent_id == by_id["p1"].pk
    assert by_id["c2"].parent_id == by_id["p1"].pk
    assert by_id["r2"].parent_id == by_id["c1"].pk
    assert by_id["orphan"].parent_id is None and by_id["orphan"].parent_platform_id == "unknown"
    # The parent arriving in a later run adopts its reply.
    ingest_items(channel, [fetched("unknown", "Det saknade inlägget", kind="post", minutes=-5)], source="api")
    assert Item.objects.get(platform_id="orphan").parent.platform_id == "unknown"


def test_INB_1_audit_event_per_batch_not_per_item():
    channel = make_channel()
    ingest_items(channel, [fetched(f"c{n}", minutes=n) for n in range(30)], source="api", batch_size=10)
    assert AuditEvent.objects.filter(name="items_ingested").count() == 3
    ingest_items(channel, [fetched(f"c{n}", minutes=n) for n in range(30)], source="api", batch_size=10)
    assert AuditEvent.objects.filter(name="items_ingested").count() == 3  # nothing new, nothing logged
    assert verify_chain() == []


def test_invariant_4_failure_mid_run_keeps_whole_batches_and_rerun_completes():
    channel = make_channel()
    items = [fetched(f"c{n}", f"Kommentar {n}", minutes=n) for n in range(10)]

    def broken():
        yield from items[:6]
        raise RuntimeError("the connection dropped")

    with pytest.raises(RuntimeError):
        ingest_items(channel, broken(), source="api", batch_size=4)
    assert Item.objects.count() == 4  # the first batch committed, the second never started
    result = ingest_items(channel, items, source="api", batch_size=4)
    assert (result.created, result.duplicates) == (6, 4)
    assert sorted(Item.objects.values_list("platform_id", flat=True)) == sorted(i.platform_id for i in items)


def test_INB_1_bad_item_rolls_back_its_batch():
    channel = make_channel()
    good = fetched("c1")
    bad = fetched("c2")
    object.__setattr__(bad, "kind", "tweet")
    with pytest.raises(ValueError, match="unknown kind"):
        ingest_items(channel, [good, bad], source="api")
    assert Item.objects.count() == 0


def test_INB_1_unknown_source_is_refused():
    channel = make_channel()
    with pytest.raises(ValueError, match="unknown source"):
        ingest_items(channel, [fetched("c1")], source="email")


# --- triage ---------------------------------------------------------------------------


def test_INB_1_visitor_items_are_triaged_and_urgent_ones_audited(fake_triage):
    channel = make_channel()
    ingest_items(
        channel,
        [
            fetched("c1", "När öppnar simhallen?"),
            fetched("c2", "Jag slår ihjäl handläggaren.", minutes=1),
            fetched("p1", "Kommunens eget inlägg", kind="post", own=True, minutes=2),
        ],
        source="api",
    )
    triages = {t.item.platform_id: t for t in ItemTriage.objects.select_related("item")}
    assert set(triages) == {"c1", "c2"}  # the municipality's own post is not moderated
    assert triages["c1"].categories == ["question"] and not triages["c1"].urgent
    assert triages["c2"].urgent and triages["c2"].action == "hide_preserve_police_register"
    assert triages["c2"].reasons[0]["rule"] == "fake.rule"
    assert AuditEvent.objects.filter(name="item_triaged").count() == 1


def test_GOV_11_others_items_on_x_are_recorded_but_not_moderated(fake_triage):
    channel = make_channel("x")
    ingest_items(channel, [fetched("t1", "Jag slår ihjäl er alla.", kind="reply", parent="t0")], source="api")
    assert Item.objects.get(platform_id="t1").record_status == "inkommen"
    assert ItemTriage.objects.count() == 0


def test_INB_1_edited_text_is_triaged_again(fake_triage):
    channel = make_channel()
    ingest_items(channel, [fetched("c1", "Fin bild")], source="api")
    ingest_items(channel, [fetched("c1", "Nu blir det hot mot er")], source="api")
    rows = list(ItemTriage.objects.order_by("id"))
    assert [r.categories for r in rows] == [["trivial"], ["threat"]]
    assert rows[1].version is not None and rows[0].version is None


def test_INB_1_without_triage_engine_items_are_stored_untriaged(no_triage_engine):
    channel = make_channel()
    result = ingest_items(channel, [fetched("c1", "Jag slår ihjäl dig.")], source="api")
    assert result.created == 1
    assert ItemTriage.objects.count() == 0


def test_INB_1_a_failing_triage_engine_is_an_error_and_stores_nothing(monkeypatch, fake_triage):
    channel = make_channel()

    def explode(self, text, platform=None):
        raise RuntimeError("lexicon missing")

    from .conftest import FakeEngine

    monkeypatch.setattr(FakeEngine, "classify", explode)
    with pytest.raises(RuntimeError, match="lexicon missing"):
        ingest_items(channel, [fetched("c1")], source="api")
    assert Item.objects.count() == 0
