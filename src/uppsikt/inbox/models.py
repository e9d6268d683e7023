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
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from uppsikt.channels.models import Channel
from uppsikt.records.models import EvidenceBlob


class RecordImmutableError(Exception):
    """Raised when code tries to change the content of a record in place."""


class Kind(models.TextChoices):
    POST = "post", pgettext_lazy("item kind", "Post")
    COMMENT = "comment", pgettext_lazy("item kind", "Comment")
    REPLY = "reply", pgettext_lazy("item kind", "Reply")
    MESSAGE = "message", pgettext_lazy("item kind", "Message")


class RecordStatus(models.TextChoices):
    INKOMMEN = "inkommen", _("Received (inkommen)")
    UPPRATTAD = "upprattad", _("Drawn up (upprättad)")


class Source(models.TextChoices):
    API = "api", _("The platform's API")
    IMPORT = "import", _("The platform's export")
    WEBHOOK = "webhook", _("Webhook")
    SANDBOX = "sandbox", _("Practice channel")


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

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="items", verbose_name=_("channel"))
    platform_id = models.CharField(_("platform id"), max_length=512)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name=_("reply to"))
    parent_platform_id = models.CharField(_("reply to (platform id)"), max_length=512, null=True, blank=True)
    author_id = models.CharField(_("author id"), max_length=255, blank=True)
    author_name = models.CharField(_("author"), max_length=255, blank=True)
    text = models.TextField(_("text"), blank=True)
    media = models.JSONField(_("media"), default=list, blank=True)
    url = models.TextField(_("address"), blank=True)
    published_at = models.DateTimeField(_("published"))
    edited_at = models.DateTimeField(_("edited on the platform"), null=True, blank=True)
    deleted = models.BooleanField(_("removed when first seen"), default=False)
    record_status = models.CharField(_("record status"), max_length=10, choices=RecordStatus.choices)
    raw_sha256 = models.CharField(_("SHA-256 of the raw record"), max_length=64)
    raw_blob = models.ForeignKey(
        EvidenceBlob, to_field="sha256", db_column="raw_blob_sha256", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    raw_offset = models.PositiveBigIntegerField()
    raw_length = models.PositiveIntegerField()
    first_seen_at = models.DateTimeField(_("first seen"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    current_version = models.ForeignKey("ItemVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
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
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"), blank=True)
    media = models.JSONField(_("media"), default=list, blank=True)
    edited_at = models.DateTimeField(_("edited on the platform"), null=True, blank=True)
    deleted = models.BooleanField(_("removed on the platform"), default=False)
    raw_sha256 = models.CharField(_("SHA-256 of the raw record"), max_length=64)
    raw_blob = models.ForeignKey(
        EvidenceBlob, to_field="sha256", db_column="raw_blob_sha256", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    raw_offset = models.PositiveBigIntegerField()
    raw_length = models.PositiveIntegerField()
    seen_at = models.DateTimeField(_("seen"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["item_id", "number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
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
    policy_name = models.CharField(_("policy"), max_length=63)
    categories = models.JSONField(_("categories"), default=list)
    urgent = models.BooleanField(_("urgent"), default=False)
    action = models.CharField(_("action"), max_length=63)
    reasons = models.JSONField(_("reasons"), default=list)
    decision = models.JSONField(_("decision"), default=dict)
    created_at = models.DateTimeField(_("assessed"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["item_id", "created_at", "id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

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
        verbose_name = _("poll position")
        verbose_name_plural = _("poll positions")
