from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: D102
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self):  # noqa: D102
        raise AppendOnlyError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One named event. Each row carries the hash of the row before it."""

    created_at = models.DateTimeField(db_index=True)
    name = models.CharField(max_length=80, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    object_type = models.CharField(max_length=80, blank=True, db_index=True)
    object_id = models.CharField(max_length=80, blank=True, db_index=True)
    message = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def compute_hash(self) -> str:
        payload = json.dumps(
            {
                "created_at": self.created_at.isoformat(),
                "name": self.name,
                "actor": self.actor_id,
                "actor_label": self.actor_label,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "message": self.message,
                "data": self.data,
                "prev": self.prev_hash,
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ChainHead(models.Model):
    """A single row locked while an event is appended, so the chain stays linear."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
