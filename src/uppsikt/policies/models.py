from __future__ import annotations

from django.db import models
from django.utils import timezone


class MunicipalPolicy(models.Model):
    """A municipality's own policy: a copy of a preset, edited in the admin and validated on save."""

    name = models.SlugField("namn", max_length=63, unique=True)
    based_on = models.CharField("utgår från förval", max_length=63)
    data = models.JSONField("innehåll")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "kommunens policy"
        verbose_name_plural = "kommunens policyer"

    def __str__(self) -> str:
        return self.name
