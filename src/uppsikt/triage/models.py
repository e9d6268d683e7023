"""Editors' confirmed triage decisions, kept as training examples (learning from editors).

A ``LabelledExample`` is append-only like every record here: a correction is a new row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LabelledExample(models.Model):
    """A post's text with the categories an editor confirmed for it."""

    SOURCE_CHOICES = [("editor", "Redaktör"), ("import", "Import"), ("review", "Granskning")]

    text = models.TextField("text")
    labels = models.JSONField("kategorier", default=list)
    policy = models.CharField("policy", max_length=64, db_index=True)
    source = models.CharField("källa", max_length=20, choices=SOURCE_CHOICES, default="editor")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="bekräftad av"
    )
    created_at = models.DateTimeField("skapad", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "märkt exempel"
        verbose_name_plural = "märkta exempel"

    def __str__(self) -> str:
        return f"{self.policy}: {', '.join(self.labels)}"

    def to_training_line(self) -> dict:
        return {"text": self.text, "labels": list(self.labels)}
