from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MunicipalPolicy(models.Model):
    """A municipality's own policy: a copy of a preset, edited in the admin and validated on save."""

    name = models.SlugField(_("name"), max_length=63, unique=True)
    based_on = models.CharField(_("based on preset"), max_length=63)
    data = models.JSONField(_("content"))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("municipal policy")
        verbose_name_plural = _("municipal policies")

    def __str__(self) -> str:
        return self.name
