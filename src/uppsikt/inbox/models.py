"""Items as records (REC-1, REC-2, invariant 1).

Every post, comment, reply and message captured from a channel is an allmän handling
(official record): a visitor's item is *inkommen* (received) when published, the
municipality's own is *upprättad* (drawn up). An ``Item`` row holds the item as first
seen and is never changed; what the platform later shows (an edit, a removal) becomes a
new ``ItemVersion``. Only two derived pointers may move: ``current_version`` (the newest
version) and ``parent`` (filled in when the parent arrives after its reply).

The raw platform record of each item and version is kept byte for byte in the evidence
store (records.evidence): the records of one ingestion batch are packed into one
content-addressed file, and each row names that file, its own offset and length, and the
SHA-256 of its own bytes (docs/adr/0200-items-as-records.md).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from uppsikt.channels.models import Channel
from uppsikt.records.models import EvidenceBlob


class RecordImmutableError(Exception):
    """Raised when code tries to change the content of a record in place."""


class Kind(models.TextChoices):
    POST = "post", "Inlägg"
    COMMENT = "comment", "Kommentar"
    REPLY = "reply", "Svar"
    MESSAGE = "message", "Meddelande"


class RecordStatus(models.TextChoices):
    INKOMMEN = "inkommen", "Inkommen"
    UPPRATTAD = "upprattad", "Upprättad"


class Source(models.TextChoices):
    API = "api", "Plattformens API"
    IMPORT = "import", "Plattformens export"
    WEBHOOK = "webhook", "Webbkrok"
    SANDBOX = "sandbox", "Övningskanal"


RAW_PACK_MEDIA_TYPE = "application/vnd.uppsikt.raw-records"

# The only Item columns that may change after the row is written.
MOVABLE_ITEM_FIELDS = frozenset({"current_version", "current_version_id", "parent", "parent_id"})


class ItemQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: D102
        content = set(kwargs) - MOVABLE_ITEM_FIELDS
        if content:
            raise RecordImmutableError(f"Item content is never changed in place: {', '.join(sorted(content))}")
        return super().update(**kwargs)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: D102
        raise RecordImmutableError("This record is append-only.")


class Item(models.Model):
    """One post, comment, reply or message as first captured."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="items", verbose_name="kanal")
    platform_id = models.CharField("plattformens id", max_length=512)
    kind = models.CharField("typ", max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name="svar på")
    parent_platform_id = models.CharField("svar på (plattformens id)", max_length=512, null=True, blank=True)
    author_id = models.CharField("avsändarens id", max_length=255, blank=True)
    author_name = models.CharField("avsändare", max_length=255, blank=True)
    text = models.TextField("text", blank=True)
    media = models.JSONField("media", default=list, blank=True)
    url = models.TextField("adress", blank=True)
    published_at = models.DateTimeField("publicerad")
    edited_at = models.DateTimeField("ändrad på plattformen", null=True, blank=True)
    deleted = models.BooleanField("borttagen när den först sågs", default=False)
    record_status = models.CharField("handlingens status", max_length=10, choices=RecordStatus.choices)
    raw_sha256 = models.CharField("SHA-256 för rådata", max_length=64)
    raw_blob = models.ForeignKey(
        EvidenceBlob, to_field="sha256", db_column="raw_blob_sha256", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    raw_offset = models.PositiveBigIntegerField()
    raw_length = models.PositiveIntegerField()
    first_seen_at = models.DateTimeField("först sedd")
    source = models.CharField("källa", max_length=10, choices=Source.choices)
    current_version = models.ForeignKey("ItemVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "post"
        verbose_name_plural = "poster"
        constraints = [
            models.UniqueConstraint(fields=["channel", "platform_id"], name="item_platform_id_unique_per_channel"),
        ]
        indexes = [
            models.Index(fields=["channel", "published_at"], name="item_channel_published"),
            # Replies whose parent has not arrived yet, so the parent can adopt them cheaply.
            models.Index(
                fields=["channel", "parent_platform_id"],
                name="item_orphans",
                condition=models.Q(parent__isnull=True, parent_platform_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.platform_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or set(fields) - MOVABLE_ITEM_FIELDS:
                raise RecordImmutableError("Item content is never changed in place; record a new ItemVersion.")
        super().save(*args, **kwargs)

    # Current state: the newest version if the platform has shown one, else the item as first seen.
    @property
    def current_text(self) -> str:
        return self.current_version.text if self.current_version_id else self.text

    @property
    def current_deleted(self) -> bool:
        return self.current_version.deleted if self.current_version_id else self.deleted

    @property
    def current_raw_sha256(self) -> str:
        return self.current_version.raw_sha256 if self.current_version_id else self.raw_sha256

    @property
    def is_edited(self) -> bool:
        return self.current_version_id is not None

    def read_raw(self) -> bytes:
        """The platform's record for this item as first seen, byte for byte."""
        from uppsikt.records.evidence import read_slice

        return read_slice(self.raw_blob_id, self.raw_offset, self.raw_length)


class ItemVersion(models.Model):
    """A later state of an item seen on the platform: an edit or a removal. Append-only.

    The ``Item`` row is version 1; versions here are numbered from 2.
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    text = models.TextField("text", blank=True)
    media = models.JSONField("media", default=list, blank=True)
    edited_at = models.DateTimeField("ändrad på plattformen", null=True, blank=True)
    deleted = models.BooleanField("borttagen på plattformen", default=False)
    raw_sha256 = models.CharField("SHA-256 för rådata", max_length=64)
    raw_blob = models.ForeignKey(
        EvidenceBlob, to_field="sha256", db_column="raw_blob_sha256", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    raw_offset = models.PositiveBigIntegerField()
    raw_length = models.PositiveIntegerField()
    seen_at = models.DateTimeField("sedd")
    source = models.CharField("källa", max_length=10, choices=Source.choices)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["item_id", "number"]
        verbose_name = "version"
        verbose_name_plural = "versioner"
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="item_version_number_unique")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordImmutableError("Item versions are append-only.")
        super().save(*args, **kwargs)

    def read_raw(self) -> bytes:
        from uppsikt.records.evidence import read_slice

        return read_slice(self.raw_blob_id, self.raw_offset, self.raw_length)


class ItemTriage(models.Model):
    """The triage engine's decision for an item's text under the channel's policy. Append-only."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="triages")
    version = models.ForeignKey(ItemVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="triages")
    policy_name = models.CharField("policy", max_length=63)
    categories = models.JSONField("kategorier", default=list)
    urgent = models.BooleanField("brådskande", default=False)
    action = models.CharField("åtgärd", max_length=63)
    reasons = models.JSONField("skäl", default=list)
    decision = models.JSONField("beslut", default=dict)
    created_at = models.DateTimeField("bedömd", default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["item_id", "created_at", "id"]
        verbose_name = "bedömning"
        verbose_name_plural = "bedömningar"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordImmutableError("Triage results are append-only.")
        super().save(*args, **kwargs)


class PollCursor(models.Model):
    """Where the next poll of a channel starts. Moves only in the transaction that stores the page."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="poll_cursor")
    cursor = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "hämtningsposition"
        verbose_name_plural = "hämtningspositioner"
