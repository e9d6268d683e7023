"""Evidence: content-addressed files on disk, one row per file.

An allmän handling (official record) must be provably unaltered (REC-8): every file is
named by its SHA-256, written once and never changed. The row says the file exists,
how big it is and what it is.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EvidenceImmutableError(Exception):
    """Raised when code tries to change or remove stored evidence."""


class EvidenceQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: D102
        raise EvidenceImmutableError("Evidence is written once and never changed.")

    def delete(self):  # noqa: D102
        raise EvidenceImmutableError("Evidence is removed only by culling (gallring), never by a plain delete.")


class EvidenceBlob(models.Model):
    """One file in the evidence store; ``sha256`` is also its file name."""

    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    media_type = models.CharField(_("media type"), max_length=100)
    created_at = models.DateTimeField(_("stored"), default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… ({self.media_type}, {self.size} byte)"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise EvidenceImmutableError("Evidence is written once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise EvidenceImmutableError("Evidence is removed only by culling (gallring), never by a plain delete.")
