from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from uppsikt.policies.vocabulary import COURSES  # one list of courses, shared with the policy schema


class Unit(models.Model):
    """An organisational unit: förvaltning (administration), verksamhet (service), bolag (company)."""

    class Kind(models.TextChoices):
        KOMMUN = "kommun", _("Municipality")
        FORVALTNING = "forvaltning", _("Administration")
        VERKSAMHET = "verksamhet", _("Service")
        BOLAG = "bolag", _("Municipal company")
        ENHET = "enhet", _("Unit")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.VERKSAMHET)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent unit"))
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("official e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    own_symbol = models.BooleanField(
        _("own symbol"),
        default=False,
        help_text=_("The unit uses its own logo (the profile must then say “A service within … municipality”)."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Unit]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def municipality(self) -> Unit:
        node = self
        while node.parent is not None:
            node = node.parent
        return node


class User(AbstractUser):
    """A person who works in Uppsikt. ``title`` is the function they state when they speak (GOV-9)."""

    title = models.CharField(_("job title"), max_length=200, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="people", verbose_name=_("unit"))
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    left_at = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def has_left(self) -> bool:
        return self.left_at is not None and self.left_at <= timezone.localdate()


class RoleGrant(models.Model):
    """A role held in a unit (and the units below it) or on one channel. Least privilege: no global roles."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="grants", verbose_name=_("role"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="grants")
    channel = models.ForeignKey("channels.Channel", null=True, blank=True, on_delete=models.CASCADE, related_name="grants")
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(channel__isnull=False),
                name="grant_has_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.role.name}"

    @property
    def scope_label(self) -> str:
        """Where the role applies, e.g. "unit Biblioteket"; lazy, so the audit log stores it in Swedish."""
        if self.channel_id:
            return format_lazy(_("channel {channel}"), channel=self.channel)
        return format_lazy(_("unit {unit}"), unit=self.unit)




class Training(models.Model):
    """A completed course (GOV-10). Rows are history: a new completion is a new row."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField(_("course"), max_length=40, choices=list(COURSES.items()))
    completed_on = models.DateField(_("completed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def is_valid(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.completed_on <= on and (self.valid_until is None or self.valid_until >= on)


class Absence(models.Model):
    """Leave, holiday or sickness (GOV-4): a channel must not be left unwatched."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="absences")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="absence_end_after_start")]

    def covers(self, day) -> bool:
        return self.start <= day <= self.end
