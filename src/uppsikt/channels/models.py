from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from uppsikt.policies.vocabulary import PLATFORM_LABELS


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CHECKLIST_DONE = "checklist_done", _("Checklist done")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    CLOSING = "closing", _("Closing")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


class Channel(models.Model):
    """One official account on a platform (GOV-1). Status changes only through channels.services."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    platform = models.CharField(_("platform"), max_length=20, choices=list(PLATFORM_LABELS.items()))
    handle = models.CharField(_("user name"), max_length=200, blank=True)
    url = models.URLField(_("address"), blank=True)
    unit = models.ForeignKey("accounts.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="channels", verbose_name=_("owning unit"))
    purpose = models.TextField(_("purpose"), blank=True)
    target_group = models.TextField(_("target group"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    communication_plan = models.TextField(_("communication plan"), blank=True)
    official_email = models.EmailField(_("official e-mail"), blank=True)
    policy_name = models.CharField(_("policy"), max_length=63)
    policy_snapshot = models.JSONField(
        _("policy at start"),
        default=dict,
        editable=False,
        help_text=_("The policy as it was when the channel was proposed: its checklist, approval chain and profile requirements govern the start-up."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return self.name

    @property
    def platform_label(self) -> str:
        return PLATFORM_LABELS.get(self.platform, self.platform)

    @property
    def policy(self):
        """The policy in force now (moderation, deadlines, staffing)."""
        from uppsikt.policies.services import get_policy

        return get_policy(self.policy_name)

    @cached_property
    def startup_policy(self):
        """The policy the channel was proposed under: a later edit does not move its goalposts."""
        from uppsikt.policies.schema import validate_policy

        return validate_policy(self.policy_snapshot) if self.policy_snapshot else self.policy


class StatusChange(models.Model):
    """Lifecycle history, append-only."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class ChecklistAnswer(models.Model):
    """One start-up checklist point (GOV-2) with the answer the unit wrote."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="checklist")
    key = models.CharField(max_length=64)
    done = models.BooleanField(default=False)
    answer = models.TextField(_("answer"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = [("channel", "key")]


class Approval(models.Model):
    """One step of the policy's approval chain (GOV-3): who approved and when."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="approvals")
    step = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=40)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["step"]
        constraints = [models.UniqueConstraint(fields=["channel", "step"], name="one_approval_per_step")]


class Member(models.Model):
    """A person who runs the channel (GOV-4), and whether they may speak for the municipality (GOV-9)."""

    class Role(models.TextChoices):
        EDITOR = "redaktor", _("Editor")
        KOMMUNIKATOR = "kommunikator", _("Communications officer")
        OWNER = "verksamhetschef", _("Responsible manager")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="channel_memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EDITOR)
    authorised_speaker = models.BooleanField(_("may speak for the municipality"), default=False)
    tasked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("task given by manager"))
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "user"], condition=models.Q(removed_at__isnull=True), name="one_active_membership")
        ]


class CredentialCustody(models.Model):
    """Who holds the channel's log-in, where it is deposited, when it last changed (GOV-5). Never the password."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="custody")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("holder"))
    login_email = models.EmailField(_("the log-in's e-mail (official)"))
    deposited_with = models.CharField(_("deposited with"), max_length=200)
    storage = models.CharField(_("kept in"), max_length=200, help_text=_("e.g. the municipality's password manager; never the password itself"))
    last_rotated_on = models.DateField(_("last changed"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]


class ProfileCheck(models.Model):
    """One required profile element (GOV-6) confirmed on the platform."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="profile_checks")
    key = models.CharField(max_length=64)
    done = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = [("channel", "key")]
