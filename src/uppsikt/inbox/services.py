"""Capturing items as records: ingestion, polling, importing and exporting (INB-1, REC-1, REC-2).

``ingest_items`` is the one way items enter the database, whether they come from a
platform's API, a webhook, an export file or the sandbox. It is idempotent (the platform
id is unique per channel), works in batches that each commit on their own, and never
changes a stored item: a changed text or a removal becomes a new ``ItemVersion``.
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone

from uppsikt.audit.events import log
from uppsikt.channels.models import Channel, Status
from uppsikt.platforms.base import FetchedItem, ImportFormatError
from uppsikt.policies.vocabulary import CATEGORY_LABELS_SV
from uppsikt.records.evidence import store_bytes

from .models import RAW_PACK_MEDIA_TYPE, Item, ItemTriage, ItemVersion, Kind, PollCursor, RecordStatus, Source

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_KINDS = frozenset(Kind.values)
_SOURCES = frozenset(Source.values)
_LOOKUP_CHUNK = 500  # ids per IN (...) list; below SQLite's variable limit


@dataclass
class IngestResult:
    """What one ingestion did. ``read`` = ``created`` + ``updated`` + ``duplicates``."""

    read: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0

    def __iadd__(self, other: IngestResult) -> IngestResult:
        self.read += other.read
        self.created += other.created
        self.updated += other.updated
        self.duplicates += other.duplicates
        return self

    def as_dict(self) -> dict[str, int]:
        return {"read": self.read, "created": self.created, "updated": self.updated, "duplicates": self.duplicates}


# --- triage -----------------------------------------------------------------------


class _Triage:
    """The triage engine for a channel's policy, applied to the items the channel answers for (GOV-11)."""

    def __init__(self, engine, policy_name: str, scope: str):
        self.engine = engine
        self.policy_name = policy_name
        self.scope = scope

    @classmethod
    def for_channel(cls, channel: Channel) -> _Triage | None:
        try:
            module = importlib.import_module("uppsikt.triage.engine")
        except ModuleNotFoundError as exc:
            # Only a missing engine module means "no triage yet"; a broken engine is an error.
            if exc.name == "uppsikt.triage.engine":
                return None
            raise
        engine = module.get_engine(channel.policy_name)
        scope = channel.policy.scope.platforms.get(channel.platform, "assess")
        return cls(engine, channel.policy_name, scope)

    def in_scope(self, item: FetchedItem) -> bool:
        """Visitors' items are moderated except where the municipality answers only for its own (X)."""
        return not item.is_own and self.scope != "own_content" and not item.deleted and bool(item.text.strip())

    def classify(self, text: str) -> dict:
        decision = self.engine.classify(text)
        data = decision.to_json()
        if isinstance(data, (str, bytes)):
            import json

            data = json.loads(data)
        reasons = data.get("reasons") if isinstance(data, dict) else None
        if reasons is None:
            reasons = [r if isinstance(r, dict) else getattr(r, "__dict__", str(r)) for r in decision.reasons]
        return {
            "categories": list(decision.categories),
            "urgent": bool(decision.urgent),
            "action": str(decision.action),
            "reasons": reasons,
            "decision": data,
        }


def triage_labels(categories: Iterable[str]) -> list[str]:
    return [CATEGORY_LABELS_SV.get(c, c) for c in categories]


# --- ingestion --------------------------------------------------------------------


class _State:
    __slots__ = ("pk", "text", "deleted")

    def __init__(self, pk, text: str, deleted: bool):
        self.pk = pk
        self.text = text
        self.deleted = deleted


def _check(item: FetchedItem) -> None:
    if not isinstance(item, FetchedItem):
        raise TypeError(f"expected FetchedItem, got {type(item).__name__}")
    if not item.platform_id or len(item.platform_id) > 512:
        raise ValueError(f"platform_id must be 1–512 characters: {item.platform_id!r}")
    if item.kind not in _KINDS:
        raise ValueError(f"{item.platform_id}: unknown kind {item.kind!r}")
    if not isinstance(item.published_at, datetime) or item.published_at.tzinfo is None:
        raise ValueError(f"{item.platform_id}: published_at must be a timezone-aware datetime")
    if not isinstance(item.raw, (bytes, bytearray)):
        raise ValueError(f"{item.platform_id}: raw must be bytes")
    if item.parent_platform_id is not None and len(item.parent_platform_id) > 512:
        raise ValueError(f"{item.platform_id}: parent_platform_id longer than 512 characters")


def _chunks(values: list, size: int = _LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _current_states(channel: Channel, platform_ids: list[str]) -> dict[str, _State]:
    states: dict[str, _State] = {}
    for chunk in _chunks(platform_ids):
        rows = Item.objects.filter(channel=channel, platform_id__in=chunk).values_list(
            "pk", "platform_id", "text", "deleted", "current_version_id", "current_version__text", "current_version__deleted"
        )
        for pk, pid, text, deleted, cv_id, cv_text, cv_deleted in rows:
            states[pid] = _State(pk, cv_text if cv_id else text, cv_deleted if cv_id else deleted)
    return states


def _existing_pks(channel: Channel, platform_ids: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(list(platform_ids)):
        found.update(Item.objects.filter(channel=channel, platform_id__in=chunk).values_list("platform_id", "pk"))
    return found


def _adopt_orphans(channel: Channel, arrived: list[str]) -> None:
    """Point replies that arrived before their parent at the parent, now that it is stored."""
    parent_pk = Item.objects.filter(channel=channel, platform_id=OuterRef("parent_platform_id")).values("pk")[:1]
    for chunk in _chunks(arrived):
        (
            Item.objects.filter(channel=channel, parent__isnull=True, parent_platform_id__isnull=False, parent_platform_id__in=chunk)
            .exclude(platform_id=F("parent_platform_id"))
            .update(parent=Subquery(parent_pk))
        )


def _batched(items: Iterable[FetchedItem], size: int) -> Iterator[list[FetchedItem]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def ingest_items(channel: Channel, items: Iterable[FetchedItem], *, source: str, actor=None, batch_size: int = 1000) -> IngestResult:
    """Store ``items`` as records of ``channel``; returns what was read, created, updated and duplicate.

    Each batch of ``batch_size`` items commits in its own transaction (a savepoint when
    the caller holds a transaction), so a crash loses at most the batch in flight and a
    re-run completes it: an item already stored with the same text and removal flag is a
    duplicate, one with a changed text or flag gets a new version. Items are read from
    ``items`` lazily, so a caller that needs all-or-nothing validates its input first.
    """
    if source not in _SOURCES:
        raise ValueError(f"unknown source {source!r}; one of {', '.join(sorted(_SOURCES))}")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    triage = _Triage.for_channel(channel)
    total = IngestResult()
    for batch in _batched(items, batch_size):
        total += _ingest_batch(channel, batch, source=source, actor=actor, triage=triage)
    return total


def _ingest_batch(channel: Channel, batch: list[FetchedItem], *, source: str, actor, triage: _Triage | None) -> IngestResult:
    for item in batch:
        _check(item)
    result = IngestResult(read=len(batch))
    with transaction.atomic():
        # One writer per channel at a time (PostgreSQL); SQLite serialises writers anyway.
        Channel.objects.select_for_update().filter(pk=channel.pk).values_list("pk", flat=True).first()
        known = _current_states(channel, list(dict.fromkeys(item.platform_id for item in batch)))
        new: list[FetchedItem] = []
        changes: list[FetchedItem] = []
        for item in batch:
            state = known.get(item.platform_id)
            if state is None:
                new.append(item)
                known[item.platform_id] = _State(None, item.text, item.deleted)
                result.created += 1
            elif state.text == item.text and state.deleted == item.deleted:
                result.duplicates += 1
            else:
                changes.append(item)
                state.text, state.deleted = item.text, item.deleted
                result.updated += 1
        if not new and not changes:
            return result

        now = timezone.now()
        raws = [bytes(item.raw) for item in itertools.chain(new, changes)]
        blob = store_bytes(b"".join(raws), RAW_PACK_MEDIA_TYPE)
        places: list[tuple[int, int, str]] = []
        offset = 0
        for raw in raws:
            places.append((offset, len(raw), hashlib.sha256(raw).hexdigest()))
            offset += len(raw)

        stored = _create_items(channel, new, places[: len(new)], blob, now, source)
        pk_of = {obj.platform_id: obj.pk for obj in stored}
        for state_id, pk in pk_of.items():
            known[state_id].pk = pk
        if stored:
            _adopt_orphans(channel, list(pk_of))
        versions = _create_versions(changes, places[len(new) :], blob, now, source, known) if changes else []

        urgent = 0
        if triage is not None:
            urgent = _triage(triage, channel, new, stored, changes, versions)
        for version, item in zip(versions, changes):
            log("item_version_recorded", actor=actor, obj=Item(pk=version.item_id), platform_id=item.platform_id, number=version.number, deleted=version.deleted)
        log(
            "items_ingested",
            actor=actor,
            obj=channel,
            channel=channel.slug,
            source=source,
            created=result.created,
            updated=result.updated,
            duplicates=result.duplicates,
            urgent=urgent,
            raw_blob=blob,
        )
    return result


def _create_items(channel, new: list[FetchedItem], places, blob: str, now, source: str) -> list[Item]:
    if not new:
        return []
    parents = _existing_pks(channel, {item.parent_platform_id for item in new if item.parent_platform_id})
    objs = []
    for item, (offset, length, sha) in zip(new, places):
        objs.append(
            Item(
                channel=channel,
                platform_id=item.platform_id,
                kind=item.kind,
                parent_id=parents.get(item.parent_platform_id) if item.parent_platform_id else None,
                parent_platform_id=item.parent_platform_id or None,
                author_id=item.author_id[:255],
                author_name=item.author_name[:255],
                text=item.text,
                media=list(item.media),
                url=item.url,
                published_at=item.published_at,
                edited_at=item.edited_at,
                deleted=item.deleted,
                record_status=RecordStatus.UPPRATTAD if item.is_own else RecordStatus.INKOMMEN,
                raw_sha256=sha,
                raw_blob_id=blob,
                raw_offset=offset,
                raw_length=length,
                first_seen_at=now,
                source=source,
            )
        )
    return Item.objects.bulk_create(objs)


def _create_versions(changes: list[FetchedItem], places, blob: str, now, source: str, known: dict[str, _State]) -> list[ItemVersion]:
    item_pks = [known[item.platform_id].pk for item in changes]
    numbers = dict(ItemVersion.objects.filter(item_id__in=set(item_pks)).values("item_id").annotate(n=Max("number")).values_list("item_id", "n"))
    objs = []
    for item, pk, (offset, length, sha) in zip(changes, item_pks, places):
        number = numbers.get(pk, 1) + 1
        numbers[pk] = number
        objs.append(
            ItemVersion(
                item_id=pk,
                number=number,
                text=item.text,
                media=list(item.media),
                edited_at=item.edited_at,
                deleted=item.deleted,
                raw_sha256=sha,
                raw_blob_id=blob,
                raw_offset=offset,
                raw_length=length,
                seen_at=now,
                source=source,
            )
        )
    versions = ItemVersion.objects.bulk_create(objs)
    newest: dict[int, ItemVersion] = {}
    for version in versions:
        newest[version.item_id] = version
    for pk, version in newest.items():
        Item.objects.filter(pk=pk).update(current_version=version)
    return versions


def _triage(triage: _Triage, channel, new, stored, changes, versions) -> int:
    rows = []
    urgent_items = []
    for item, obj in zip(new, stored):
        if triage.in_scope(item):
            rows.append((obj, None, triage.classify(item.text), item))
    for item, version in zip(changes, versions):
        if triage.in_scope(item):
            rows.append((Item(pk=version.item_id), version, triage.classify(item.text), item))
    if not rows:
        return 0
    ItemTriage.objects.bulk_create(
        [
            ItemTriage(item_id=obj.pk, version=version, policy_name=triage.policy_name, categories=d["categories"], urgent=d["urgent"], action=d["action"], reasons=d["reasons"], decision=d["decision"])
            for obj, version, d, _ in rows
        ]
    )
    for obj, _version, d, item in rows:
        if d["urgent"]:
            urgent_items.append(item.platform_id)
            log("item_triaged", obj=obj, platform_id=item.platform_id, categories=", ".join(triage_labels(d["categories"])), action=d["action"], urgent=True)
    return len(urgent_items)


# --- polling ----------------------------------------------------------------------


def poll_channel(channel: Channel, *, credentials=None, connector=None, actor=None) -> IngestResult:
    """Fetch what is new on ``channel`` through its platform connector, page by page.

    Each page and the cursor after it commit in one transaction, so the stored cursor
    never runs ahead of the stored items (invariant 4). ``credentials`` is a
    ``registry.Credentials``; the sandbox needs none.
    """
    from uppsikt.platforms.registry import get_connector_class

    if connector is None:
        cls = get_connector_class(channel.platform)
        if credentials is None:
            if channel.platform != "sandbox":
                raise ValueError(f"{channel.slug}: credentials are required to poll {channel.platform}")
            from uppsikt.platforms.connectors.sandbox import credentials_for

            credentials = credentials_for(channel)
        connector = cls(credentials)
    source = Source.SANDBOX if channel.platform == "sandbox" else Source.API
    state, _ = PollCursor.objects.get_or_create(channel=channel)
    total = IngestResult()
    pages = 0
    for page in connector.fetch(dict(state.cursor or {})):
        with transaction.atomic():
            total += ingest_items(channel, page.items, source=source, actor=actor)
            PollCursor.objects.filter(pk=state.pk).update(cursor=page.cursor, updated_at=timezone.now())
        pages += 1
    with transaction.atomic():
        log("channel_polled", actor=actor, obj=channel, channel=channel.slug, pages=pages, **total.as_dict())
    return total


# --- importing a platform's own export --------------------------------------------


def import_export(channel: Channel, format_name: str, path, *, actor=None, batch_size: int = 1000) -> IngestResult:
    """Import a platform's export file or folder into ``channel`` (REC-2, GOV-8).

    The export is read twice: first to check every file and record (any fault raises
    ``ImportFormatError`` before anything is stored), then to store it batch by batch.
    A crash during the second pass leaves whole batches; running the import again
    completes it without duplicates.
    """
    from uppsikt.platforms.importers import get_importer, open_export

    importer_cls = get_importer(format_name)
    if channel.status == Status.REJECTED:
        raise ImportFormatError(f"{channel.slug}: kanalen är avslagen och kan inte ta emot poster")
    if importer_cls.platform != channel.platform:
        raise ImportFormatError(
            f"{format_name} är en export från {importer_cls.platform}, men kanalen {channel.slug} är på {channel.platform}"
        )
    path = Path(path)
    with open_export(path) as export:
        importer = importer_cls(export, owner_name=channel.name)
        importer.validate()
        result = ingest_items(channel, importer.items(), source=Source.IMPORT, actor=actor, batch_size=batch_size)
        with transaction.atomic():
            log(
                "items_imported",
                actor=actor,
                obj=channel,
                channel=channel.slug,
                format=format_name,
                file=path.name,
                file_sha256=export.fingerprint(),
                **result.as_dict(),
            )
    return result


# --- reading back -----------------------------------------------------------------


def export_rows(channel: Channel) -> Iterator[dict]:
    """Every stored item of ``channel`` in its current state, as in contracts/cli.md."""
    qs = (
        Item.objects.filter(channel=channel)
        .select_related("current_version")
        .order_by("published_at", "id")
        .only(
            "platform_id", "kind", "parent_platform_id", "author_name", "author_id", "text", "published_at",
            "record_status", "raw_sha256", "current_version__text", "current_version__raw_sha256", "current_version__deleted",
        )
    )
    for item in qs.iterator(chunk_size=2000):
        yield {
            "platform_id": item.platform_id,
            "kind": item.kind,
            "parent_platform_id": item.parent_platform_id,
            "author": item.author_name or item.author_id,
            "text": item.current_text,
            "published_at": item.published_at.astimezone(STOCKHOLM).isoformat(),
            "record_status": item.record_status,
            "sha256": item.current_raw_sha256,
        }
