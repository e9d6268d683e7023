"""Capturing items as records: ingestion, polling, importing and exporting (INB-1, REC-1, REC-2).

``ingest_items`` is the one way items enter the database, whether they come from a
platform's API, a webhook, an export file or the sandbox. It is idempotent (the platform
id is unique per channel), works in batches that each commit on their own, and never
changes a stored item: a changed text or a removal becomes a new ``ItemVersion``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import connections, router, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from uppsikt.audit.events import log
from uppsikt.channels.models import Channel, Status
from uppsikt.platforms.base import FetchedItem, ImportFormatError
from uppsikt.policies.vocabulary import CATEGORY_LABELS
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

    def __init__(self, engine, policy_name: str, scope: str, platform: str):
        self.engine = engine
        self.policy_name = policy_name
        self.scope = scope
        self.platform = platform

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
        return cls(engine, channel.policy_name, scope, channel.platform)

    def in_scope(self, item: FetchedItem) -> bool:
        """Visitors' items are moderated except where the municipality answers only for its own (X)."""
        return not item.is_own and self.scope != "own_content" and not item.deleted and bool(item.text.strip())

    def classify(self, text: str) -> dict:
        decision = self.engine.classify(text, platform=self.platform)
        data = decision.to_json()
        if isinstance(data, (str, bytes)):
            data = json.loads(data)
        if isinstance(data, dict) and data.get("id") is None:
            data.pop("id", None)
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


def triage_labels(categories: Iterable[str]):
    """The categories' labels joined, lazily: the audit log writes them in the record's language."""
    labels = [CATEGORY_LABELS.get(c, c) for c in categories]
    return format_lazy(", ".join(["{}"] * len(labels)), *labels)


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


def _select_by_platform_ids(columns: str, joins: str, channel: Channel, platform_ids: list[str]) -> Iterator[tuple]:
    """Rows of the channel's items with these platform ids, looked up through the unique index.

    Plain SQL: the ORM would add the model's ORDER BY (and SQLite would then walk the date
    index of the whole channel) and spends more time preparing the IN list than the
    database spends answering it.
    """
    connection = connections[router.db_for_read(Item)]
    quote = connection.ops.quote_name
    table = quote(Item._meta.db_table)
    for chunk in _chunks(platform_ids):
        sql = f"SELECT {columns} FROM {table} i {joins} WHERE i.{quote('channel_id')} = %s AND i.{quote('platform_id')} IN ({', '.join(['%s'] * len(chunk))})"
        with connection.cursor() as cursor:
            cursor.execute(sql, [channel.pk, *chunk])
            yield from cursor.fetchall()


def _current_states(channel: Channel, platform_ids: list[str]) -> dict[str, _State]:
    connection = connections[router.db_for_read(Item)]
    quote = connection.ops.quote_name
    versions = quote(ItemVersion._meta.db_table)
    columns = "i.id, i.platform_id, i.text, i.deleted, v.id, v.text, v.deleted"
    joins = f"LEFT JOIN {versions} v ON v.id = i.{quote('current_version_id')}"
    states: dict[str, _State] = {}
    for pk, pid, text, deleted, cv_id, cv_text, cv_deleted in _select_by_platform_ids(columns, joins, channel, platform_ids):
        states[pid] = _State(pk, cv_text if cv_id else text, bool(cv_deleted if cv_id else deleted))
    return states


def _existing_pks(channel: Channel, platform_ids: Iterable[str]) -> dict[str, int]:
    return {pid: pk for pid, pk in _select_by_platform_ids("i.platform_id, i.id", "", channel, list(platform_ids))}


def _adopt_orphans(channel: Channel, arrived: list[str]) -> None:
    """Point replies that arrived before their parent at the parent, now that it is stored.

    Only the ``parent`` pointer moves (a derived link; ``parent_platform_id`` is the
    record). The partial index ``item_orphans`` holds just the replies still waiting,
    so the common case, no orphans at all, costs one index probe.
    """
    connection = connections[router.db_for_write(Item)]
    quote = connection.ops.quote_name
    table = quote(Item._meta.db_table)
    waiting = f"{quote('channel_id')} = %s AND {quote('parent_id')} IS NULL AND {quote('parent_platform_id')} IS NOT NULL"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE {waiting} LIMIT 1", [channel.pk])
        if cursor.fetchone() is None:
            return
        for chunk in _chunks(arrived):
            cursor.execute(
                f"UPDATE {table} SET {quote('parent_id')} = (SELECT p.id FROM {table} p WHERE p.{quote('channel_id')} = %s"
                f" AND p.{quote('platform_id')} = {table}.{quote('parent_platform_id')})"
                f" WHERE {waiting} AND {quote('parent_platform_id')} IN ({', '.join(['%s'] * len(chunk))})"
                f" AND {quote('platform_id')} <> {quote('parent_platform_id')}",
                [channel.pk, channel.pk, *chunk],
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

        pk_of = _create_items(channel, new, places[: len(new)], blob, now, source)
        for platform_id, pk in pk_of.items():
            known[platform_id].pk = pk
        if pk_of:
            _adopt_orphans(channel, list(pk_of))
        versions = _create_versions(changes, places[len(new) :], blob, now, source, known) if changes else []

        urgent = 0
        if triage is not None:
            urgent = _triage(triage, new, pk_of, changes, versions, now)
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
            versions=[{"platform_id": item.platform_id, "number": v.number, "deleted": v.deleted} for v, item in zip(versions, changes)],
        )
    return result


class _FastInsert:
    """``INSERT … executemany`` of plain rows for one model.

    ``bulk_create`` spends most of an import compiling SQL and preparing values field by
    field; the hot path of ingestion writes rows whose date and JSON values the caller has
    adapted with ``db_value`` (Django's own adapters, so SQLite and PostgreSQL get what the
    ORM would give them), through Django's connection and inside the caller's transaction.
    """

    def __init__(self, model, attnames: tuple[str, ...]):
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        self.model = model
        self.fields = [by_attname[name] for name in attnames]

    def connection(self):
        return connections[router.db_for_write(self.model)]

    def insert(self, rows: list[tuple]) -> None:
        if not rows:
            return
        connection = self.connection()
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(self.model._meta.db_table), ", ".join(quote(f.column) for f in self.fields), ", ".join(["%s"] * len(self.fields))
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


class _Adapt:
    """Django's value adapters for the write connection: datetimes and JSON as the ORM stores them."""

    def __init__(self, model):
        ops = connections[router.db_for_write(model)].ops
        self.datetime = ops.adapt_datetimefield_value
        self._json = ops.adapt_json_value
        self.empty_list = self._json([], None)

    def json(self, value):
        return self._json(value, None) if value or not isinstance(value, list) else self.empty_list

    def maybe_datetime(self, value):
        return None if value is None else self.datetime(value)


_ITEM_INSERT = _FastInsert(
    Item,
    (
        "channel_id", "platform_id", "kind", "parent_id", "parent_platform_id", "author_id", "author_name", "text", "media",
        "url", "published_at", "edited_at", "deleted", "record_status", "raw_sha256", "raw_blob_id", "raw_offset",
        "raw_length", "first_seen_at", "source", "current_version_id",
    ),
)
_TRIAGE_INSERT = _FastInsert(
    ItemTriage, ("item_id", "version_id", "policy_name", "categories", "urgent", "action", "reasons", "decision", "created_at")
)


def _create_items(channel, new: list[FetchedItem], places, blob: str, now, source: str) -> dict[str, int]:
    """Insert the new items; returns their primary keys by platform id."""
    if not new:
        return {}
    parents = _existing_pks(channel, {item.parent_platform_id for item in new if item.parent_platform_id})
    adapt = _Adapt(Item)
    seen_at = adapt.datetime(now)
    inkommen, upprattad = RecordStatus.INKOMMEN.value, RecordStatus.UPPRATTAD.value
    rows = []
    for item, (offset, length, sha) in zip(new, places):
        parent = item.parent_platform_id or None
        rows.append(
            (
                channel.pk,
                item.platform_id,
                item.kind,
                parents.get(parent) if parent else None,
                parent,
                item.author_id[:255],
                item.author_name[:255],
                item.text,
                adapt.json(list(item.media)),
                item.url,
                adapt.datetime(item.published_at),
                adapt.maybe_datetime(item.edited_at),
                bool(item.deleted),
                upprattad if item.is_own else inkommen,
                sha,
                blob,
                offset,
                length,
                seen_at,
                source,
                None,
            )
        )
    _ITEM_INSERT.insert(rows)
    return _existing_pks(channel, [item.platform_id for item in new])


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


def _triage(triage: _Triage, new, pk_of: dict[str, int], changes, versions, now) -> int:
    rows = []
    for item in new:
        if triage.in_scope(item):
            rows.append((pk_of[item.platform_id], None, triage.classify(item.text), item))
    for item, version in zip(changes, versions):
        if triage.in_scope(item):
            rows.append((version.item_id, version.pk, triage.classify(item.text), item))
    if not rows:
        return 0
    adapt = _Adapt(ItemTriage)
    at = adapt.datetime(now)
    _TRIAGE_INSERT.insert(
        [
            (pk, version_pk, triage.policy_name, adapt.json(d["categories"]), bool(d["urgent"]), d["action"], adapt.json(d["reasons"]), adapt.json(d["decision"]), at)
            for pk, version_pk, d, _ in rows
        ]
    )
    urgent = 0
    for pk, _version_pk, d, item in rows:
        if d["urgent"]:
            urgent += 1
            log("item_triaged", obj=Item(pk=pk), platform_id=item.platform_id, categories=triage_labels(d["categories"]), codes=d["categories"], action=d["action"], urgent=True)
    return urgent


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

    The export is read once, completely, into a private temporary file in the data
    folder; any fault raises ``ImportFormatError`` before anything is stored (invariant
    7). The items are then stored batch by batch; a crash during that leaves whole
    batches, and running the import again completes it without duplicates (invariant 4).
    See docs/adr/0200-items-as-records.md.
    """
    from django.conf import settings

    from uppsikt.platforms.importers import get_importer, open_export, unspool

    importer_cls = get_importer(format_name)
    if channel.status == Status.REJECTED:
        raise ImportFormatError(_("%(channel)s: the channel was rejected and takes no items") % {"channel": channel.slug})
    if importer_cls.platform != channel.platform:
        raise ImportFormatError(
            _("%(format)s is an export from %(platform)s, but the channel %(channel)s is on %(channel_platform)s")
            % {"format": format_name, "platform": importer_cls.platform, "channel": channel.slug, "channel_platform": channel.platform}
        )
    path = Path(path)
    # Staged in the data folder (not /tmp, which may be small); the file has no name and vanishes on close.
    with open_export(path) as export, tempfile.TemporaryFile(dir=settings.DATA_DIR, prefix="import-") as spool:
        importer = importer_cls(export, owner_name=channel.name)
        importer.spool(spool, batch_size=batch_size)
        result = ingest_items(channel, unspool(spool), source=Source.IMPORT, actor=actor, batch_size=batch_size)
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
