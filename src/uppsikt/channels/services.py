"""Every state change of the channel register, each in a transaction with a named audit event.

``actor=None`` means the system itself (the command line run by an administrator);
every other actor is checked against the roles they hold for the channel's unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _, gettext_lazy, gettext_noop, ngettext

from uppsikt.accounts.models import Unit, User
from uppsikt.accounts.services import is_absent, is_trained, roles_of
from uppsikt.audit.events import RECORD_LANGUAGE, log
from uppsikt.policies.schema import PolicyError
from uppsikt.policies.vocabulary import PLATFORMS, ROLES

from . import lifecycle
from .lifecycle import TransitionError
from .notifications import notify_after_commit
from .models import Approval, Channel, ChecklistAnswer, CredentialCustody, Member, ProfileCheck, Status, StatusChange

EDITABLE_FIELDS = ("name", "handle", "url", "purpose", "target_group", "goals", "communication_plan", "official_email")
CREDENTIAL_ROTATION_DAYS = 365


class PermissionDenied(TransitionError):
    """The actor lacks the role this step needs."""


# --- helpers -------------------------------------------------------------------

def _require(actor, channel: Channel | None, roles: set[str], refusal: str, unit: Unit | None = None) -> None:
    """``refusal`` is the whole message shown when the actor lacks the roles; ``%(roles)s`` names them."""
    if actor is None or actor.is_superuser:
        return
    held = roles_of(actor, unit=unit, channel=channel)
    if not held & roles:
        names = ", ".join(sorted(str(ROLES[r]) for r in roles)) or _("a role in the chain of decision")
        raise PermissionDenied(refusal % {"roles": names})


def _locked(channel: Channel) -> Channel:
    return Channel.objects.select_for_update().get(pk=channel.pk)


def _move(channel: Channel, transition: str, actor, note: str = "") -> Channel:
    new = lifecycle.target(channel.status, transition)
    old = channel.status
    fields = {"status": new}
    now = timezone.now()
    if new == Status.ACTIVE:
        fields["activated_at"] = now
    if new == Status.CLOSED:
        fields["closed_at"] = now
    Channel.objects.filter(pk=channel.pk).update(**fields)
    StatusChange.objects.create(channel=channel, from_status=old, to_status=new, actor=actor, note=note)
    channel.refresh_from_db()
    return channel


def _unique_slug(name: str) -> str:
    base = slugify(name.replace("å", "a").replace("ä", "a").replace("ö", "o").replace("Å", "a").replace("Ä", "a").replace("Ö", "o"))[:70] or "kanal"
    slug, n = base, 2
    while Channel.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


# --- register --------------------------------------------------------------------

@transaction.atomic
def propose_channel(*, name: str, platform: str, policy_name: str, unit: Unit | None = None, actor: User | None = None, **fields) -> Channel:
    """Register a proposed channel (GOV-1) with the policy's checklist and profile items."""
    from uppsikt.policies.services import get_policy

    name = (name or "").strip()
    if not name:
        raise TransitionError(_("The channel must have a name."))
    if platform not in PLATFORMS:
        raise TransitionError(_("Unknown platform “%(platform)s”. Choose one of: %(platforms)s.") % {"platform": platform, "platforms": ", ".join(PLATFORMS)})
    try:
        policy = get_policy(policy_name)
    except PolicyError as exc:
        raise TransitionError(_("The policy “%(policy)s” cannot be used: %(problem)s") % {"policy": policy_name, "problem": exc.problems[0]}) from None
    _require(actor, None, set(ROLES), gettext_lazy("You are not allowed to propose a channel for the unit. It requires the role: %(roles)s."), unit=unit)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TransitionError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    channel = Channel.objects.create(
        slug=_unique_slug(name), name=name, platform=platform, unit=unit, policy_name=policy_name, policy_snapshot=policy.model_dump(mode="json"), created_by=actor, **fields
    )
    ChecklistAnswer.objects.bulk_create([ChecklistAnswer(channel=channel, key=item.key) for item in policy.checklist])
    ProfileCheck.objects.bulk_create([ProfileCheck(channel=channel, key=item.key) for item in policy.profile])
    StatusChange.objects.create(channel=channel, from_status="", to_status=Status.PROPOSED, actor=actor)
    log("channel_proposed", actor=actor, obj=channel, channel=channel.name, platform=platform, policy=policy_name)
    return channel


@transaction.atomic
def update_details(channel: Channel, *, actor: User | None, **fields) -> Channel:
    channel = _locked(channel)
    if channel.status in (Status.CLOSED, Status.REJECTED):
        raise TransitionError(_("A closed or rejected channel cannot be changed."))
    _require(actor, channel, lifecycle.TRANSITION_ROLES["complete_checklist"], gettext_lazy("You are not allowed to change the channel's details. It requires the role: %(roles)s."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TransitionError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    changed = {k: v for k, v in fields.items() if getattr(channel, k) != v}
    if changed:
        Channel.objects.filter(pk=channel.pk).update(**changed)
        channel.refresh_from_db()
        log("channel_updated", actor=actor, obj=channel, fields=", ".join(sorted(changed)))
    return channel


@transaction.atomic
def set_checklist_item(channel: Channel, key: str, *, done: bool, answer: str = "", actor: User | None) -> ChecklistAnswer:
    """Tick or untick one start-up checklist point (GOV-2). Only while the channel is proposed."""
    channel = _locked(channel)
    if channel.status != Status.PROPOSED:
        raise TransitionError(_("The checklist can only be changed while the channel is proposed."))
    _require(actor, channel, lifecycle.TRANSITION_ROLES["complete_checklist"], gettext_lazy("You are not allowed to fill in the checklist. It requires the role: %(roles)s."))
    item = _policy_item(channel.startup_policy.checklist, key, gettext_lazy("The point “%(key)s” is not in the checklist."))
    row = ChecklistAnswer.objects.select_for_update().get_or_create(channel=channel, key=key)[0]
    if done and not answer.strip() and not row.answer:
        answer = ""
    if row.done == done and (not answer or row.answer == answer):
        return row
    row.done, row.by, row.at = done, actor, timezone.now()
    if answer:
        row.answer = answer
    row.save()
    log("checklist_item_checked" if done else "checklist_item_unchecked", actor=actor, obj=channel, item=item.label, key=key)
    return row


@transaction.atomic
def save_checklist(channel: Channel, answers: dict[str, tuple[bool, str]], *, actor: User | None) -> None:
    """Save a whole checklist form at once: every point or none."""
    for item in channel.startup_policy.checklist:
        done, answer = answers.get(item.key, (False, ""))
        set_checklist_item(channel, item.key, done=done, answer=answer, actor=actor)


def _policy_item(items, key: str, refusal: str):
    """The policy item ``key``; ``refusal`` (with ``%(key)s``) is the message when there is none."""
    for item in items:
        if item.key == key:
            return item
    raise TransitionError(refusal % {"key": key})


@transaction.atomic
def complete_checklist(channel: Channel, *, actor: User | None) -> Channel:
    channel = _locked(channel)
    lifecycle.target(channel.status, "complete_checklist")
    _require(actor, channel, lifecycle.TRANSITION_ROLES["complete_checklist"], gettext_lazy("You are not allowed to mark the checklist as complete. It requires the role: %(roles)s."))
    missing = [item.label for item in channel.startup_policy.checklist if not channel.checklist.filter(key=item.key, done=True).exists()]
    if missing:
        raise TransitionError(
            ngettext(
                "The checklist is not complete: %(count)d point is missing, “%(first)s”.",
                "The checklist is not complete: %(count)d points are missing, among them “%(first)s”.",
                len(missing),
            )
            % {"count": len(missing), "first": missing[0]}
        )
    channel = _move(channel, "complete_checklist", actor)
    log("channel_checklist_completed", actor=actor, obj=channel, channel=channel.name)
    return channel


def next_approval_step(channel: Channel):
    """(index, step) of the next approval the chain needs, or None when all are given."""
    chain = channel.startup_policy.approval.chain
    given = set(channel.approvals.values_list("step", flat=True))
    for index, step in enumerate(chain):
        if index not in given:
            return index, step
    return None


@transaction.atomic
def approve(channel: Channel, *, actor: User, comment: str = "") -> Channel:
    """Give the next approval of the policy's chain (GOV-3). The last one approves the channel."""
    channel = _locked(channel)
    if channel.status != Status.CHECKLIST_DONE:
        lifecycle.target(channel.status, "approve")
    nxt = next_approval_step(channel)
    if nxt is None:
        raise TransitionError(_("The channel already has every approval."))
    index, step = nxt
    if actor is None:
        raise PermissionDenied(_("An approval must be given by a person in the chain of decision."))
    if channel.approvals.filter(approver=actor).exists():
        raise PermissionDenied(_("You have already approved the channel; the next step must be approved by someone else."))
    if step.role not in roles_of(actor, channel=channel, superuser_all=False):
        raise PermissionDenied(
            _("The next approval (step %(step)d: %(label)s) is given by the role %(role)s, which you do not hold for this unit.")
            % {"step": index + 1, "label": step.label, "role": ROLES[step.role]}
        )
    Approval.objects.create(channel=channel, step=index, role=step.role, approver=actor, comment=comment)
    log("channel_approval_given", actor=actor, obj=channel, channel=channel.name, role=step.label, step=index + 1)
    if next_approval_step(channel) is None:
        channel = _move(channel, "approve", actor)
        log("channel_approved", actor=actor, obj=channel, channel=channel.name)
    return channel


@transaction.atomic
def reject(channel: Channel, *, actor: User, reason: str) -> Channel:
    channel = _locked(channel)
    lifecycle.target(channel.status, "reject")
    if not reason.strip():
        raise TransitionError(_("Give the reason why the channel is rejected."))
    chain_roles = {step.role for step in channel.startup_policy.approval.chain}
    _require(actor, channel, chain_roles, gettext_lazy("You are not allowed to reject the channel. It requires the role: %(roles)s."))
    channel = _move(channel, "reject", actor, note=reason)
    log("channel_rejected", actor=actor, obj=channel, channel=channel.name, reason=reason)
    return channel


# --- staffing (GOV-4, GOV-10) ------------------------------------------------------

def active_members(channel: Channel):
    return channel.members.filter(removed_at__isnull=True).select_related("user")


def trained_members(channel: Channel, on: date | None = None) -> list[Member]:
    required = channel.policy.staffing.required_training
    return [m for m in active_members(channel) if m.user.is_active and not m.user.has_left and is_trained(m.user, required, on)]


@dataclass
class StaffingReport:
    trained: int
    present: int
    required: int
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.warnings


def staffing_report(channel: Channel, day: date | None = None) -> StaffingReport:
    """GOV-4: at least N trained people, and not all of them away."""
    day = day or timezone.localdate()
    policy = channel.policy
    required = policy.staffing.min_trained
    trained = trained_members(channel, day)
    present = [m for m in trained if not is_absent(m.user, day)]
    warnings: list[str] = []
    if len(trained) < required:
        warnings.append(
            ngettext(
                "Only one trained person runs the channel; the guideline requires at least %(required)d.",
                "%(count)d trained people run the channel; the guideline requires at least %(required)d.",
                len(trained),
            )
            % {"count": len(trained), "required": required}
        )
    if trained and not present:
        warnings.append(_("Everyone who runs the channel is absent today – the channel is unwatched."))
    elif len(present) == 1 and len(trained) >= 2:
        warnings.append(_("Only one of those who run the channel is in today."))
    untrained = [m.user for m in active_members(channel) if m not in trained]
    for user in untrained:
        if user.has_left or not user.is_active:
            warnings.append(_("%(person)s has left but is still listed as an editor.") % {"person": user})
    return StaffingReport(trained=len(trained), present=len(present), required=required, warnings=warnings)


@transaction.atomic
def activate(channel: Channel, *, actor: User | None) -> Channel:
    channel = _locked(channel)
    lifecycle.target(channel.status, "activate")
    _require(actor, channel, lifecycle.TRANSITION_ROLES["activate"], gettext_lazy("You are not allowed to activate the channel. It requires the role: %(roles)s."))
    report = staffing_report(channel)
    if report.trained < report.required:
        raise TransitionError(
            ngettext(
                "The channel cannot be activated: it has %(count)d trained person, the guideline requires at least %(required)d (GOV-4).",
                "The channel cannot be activated: it has %(count)d trained people, the guideline requires at least %(required)d (GOV-4).",
                report.trained,
            )
            % {"count": report.trained, "required": report.required}
        )
    channel = _move(channel, "activate", actor)
    log("channel_activated", actor=actor, obj=channel, channel=channel.name)
    notify_after_commit(channel, "activated")
    return channel


@transaction.atomic
def start_closing(channel: Channel, *, actor: User | None, reason: str = "") -> Channel:
    channel = _locked(channel)
    lifecycle.target(channel.status, "start_closing")
    _require(actor, channel, lifecycle.TRANSITION_ROLES["start_closing"], gettext_lazy("You are not allowed to close down the channel. It requires the role: %(roles)s."))
    channel = _move(channel, "start_closing", actor, note=reason)
    log("channel_closing_started", actor=actor, obj=channel, channel=channel.name)
    return channel


@transaction.atomic
def close(channel: Channel, *, actor: User | None, content_preserved: bool, comms_informed: bool) -> Channel:
    """GOV-8: a channel closes only when its content is preserved and the communications unit is told."""
    channel = _locked(channel)
    lifecycle.target(channel.status, "close")
    _require(actor, channel, lifecycle.TRANSITION_ROLES["close"], gettext_lazy("You are not allowed to close the channel. It requires the role: %(roles)s."))
    if not content_preserved:
        raise TransitionError(_("The channel's content must be preserved and registered before it is closed (GOV-8)."))
    if not comms_informed:
        raise TransitionError(_("The communications unit must be informed before the channel is closed (GOV-8)."))
    with translation.override(RECORD_LANGUAGE):
        note = _("Content preserved; communications unit informed.")
    channel = _move(channel, "close", actor, note=note)
    log("channel_closed", actor=actor, obj=channel, channel=channel.name)
    notify_after_commit(channel, "closed")
    return channel


# --- members and speakers (GOV-4, GOV-9) ------------------------------------------------

MEMBER_MANAGERS = {"verksamhetschef", "social_media_lead", "forvaltningschef", "informationssekreterare", "webbstrateg"}


@transaction.atomic
def add_member(channel: Channel, user: User, *, role: str = Member.Role.EDITOR, authorised_speaker: bool = False, tasked_by: User | None = None, actor: User | None) -> Member:
    channel = _locked(channel)
    _require(actor, channel, MEMBER_MANAGERS, gettext_lazy("You are not allowed to appoint editors for the channel. It requires the role: %(roles)s."))
    if role not in Member.Role.values:
        raise TransitionError(_("Unknown role for the channel: %(role)s") % {"role": role})
    if channel.members.filter(user=user, removed_at__isnull=True).exists():
        raise TransitionError(_("%(person)s already runs the channel.") % {"person": user})
    if authorised_speaker:
        tasked_by = _speaker_mandate(channel, actor, tasked_by)
    member = Member.objects.create(channel=channel, user=user, role=role, authorised_speaker=authorised_speaker, tasked_by=tasked_by)
    log("channel_member_added", actor=actor, obj=channel, channel=channel.name, username=user.username, role=Member.Role(role).label)
    return member


@transaction.atomic
def remove_member(member: Member, *, actor: User | None) -> None:
    channel = _locked(member.channel)
    _require(actor, channel, MEMBER_MANAGERS, gettext_lazy("You are not allowed to remove editors from the channel. It requires the role: %(roles)s."))
    if member.removed_at is not None:
        raise TransitionError(_("The person already does not run the channel."))
    Member.objects.filter(pk=member.pk).update(removed_at=timezone.now())
    log("channel_member_removed", actor=actor, obj=channel, channel=channel.name, username=member.user.username)


def can_publish(user: User, channel: Channel, on: date | None = None) -> bool:
    """GOV-10: publishing rights only for active, trained members of an active channel."""
    if channel.status != Status.ACTIVE:
        return False
    return any(m.user_id == user.pk for m in trained_members(channel, on))


SPEAKER_MANAGERS = {"verksamhetschef", "forvaltningschef"}


def _speaker_mandate(channel: Channel, actor: User | None, tasked_by: User | None) -> User:
    """GOV-9: only the manager gives the task to speak for the municipality, and gives it in person.

    A person acting in the app gives the mandate themselves; only the system (an
    administrator's command) may record a mandate given by someone else.
    """
    giver = actor if actor is not None else tasked_by
    if giver is None:
        raise TransitionError(_("Whoever may speak for the municipality must have the task from their manager (GOV-9): name the manager."))
    if actor is not None and tasked_by is not None and tasked_by != actor:
        raise PermissionDenied(_("The manager gives the task of speaking for the municipality in person; you cannot record it in someone else's name (GOV-9)."))
    if not SPEAKER_MANAGERS & roles_of(giver, channel=channel, superuser_all=False):
        raise PermissionDenied(_("%(person)s is not a manager of the unit and cannot give the task of speaking (GOV-9).") % {"person": giver})
    return giver


@transaction.atomic
def task_speaker(member: Member, *, actor: User | None, tasked_by: User | None = None) -> Member:
    """Give an existing member the task to speak for the municipality (GOV-9)."""
    channel = _locked(member.channel)
    if member.removed_at is not None:
        raise TransitionError(_("The person no longer runs the channel."))
    giver = _speaker_mandate(channel, actor, tasked_by)
    Member.objects.filter(pk=member.pk).update(authorised_speaker=True, tasked_by=giver)
    log("speaker_tasked", actor=actor, obj=channel, channel=channel.name, username=member.user.username, manager=str(giver))
    member.refresh_from_db()
    return member


def speakers(channel: Channel) -> list[Member]:
    return [m for m in active_members(channel) if m.authorised_speaker]


# --- credential custody (GOV-5) ------------------------------------------------------

@transaction.atomic
def record_custody(channel: Channel, *, holder: User, login_email: str, deposited_with: str, storage: str, last_rotated_on: date, actor: User | None) -> CredentialCustody:
    """Who holds the log-in and where it is deposited. Never the password itself."""
    channel = _locked(channel)
    _require(actor, channel, MEMBER_MANAGERS, gettext_lazy("You are not allowed to record where the log-in details are kept. It requires the role: %(roles)s."))
    if "lösenord" in storage.lower() and ":" in storage:
        raise TransitionError(_("Write where the log-in is kept, never the password itself (GOV-5)."))
    if last_rotated_on > timezone.localdate():
        raise TransitionError(_("The date of the last password change cannot be in the future."))
    custody = CredentialCustody.objects.create(
        channel=channel, holder=holder, login_email=login_email, deposited_with=deposited_with, storage=storage, last_rotated_on=last_rotated_on, recorded_by=actor
    )
    log("credential_custody_recorded", actor=actor, obj=channel, channel=channel.name, holder=str(holder), place=deposited_with)
    return custody


@transaction.atomic
def record_rotation(custody: CredentialCustody, *, rotated_on: date, actor: User | None) -> CredentialCustody:
    channel = _locked(custody.channel)
    _require(actor, channel, MEMBER_MANAGERS, gettext_lazy("You are not allowed to record a password change. It requires the role: %(roles)s."))
    custody = CredentialCustody.objects.select_for_update().get(pk=custody.pk)
    if custody.ended_at is not None:
        raise TransitionError(_("This entry is already replaced by a newer one; record the change on the current row."))
    if rotated_on > timezone.localdate():
        raise TransitionError(_("The date of the password change cannot be in the future."))
    if rotated_on < custody.last_rotated_on:
        raise TransitionError(_("The date of the password change cannot be before the previous change."))
    CredentialCustody.objects.filter(pk=custody.pk).update(ended_at=timezone.now())
    new = CredentialCustody.objects.create(
        channel=channel, holder=custody.holder, login_email=custody.login_email, deposited_with=custody.deposited_with, storage=custody.storage, last_rotated_on=rotated_on, recorded_by=actor
    )
    log("credential_rotated", actor=actor, obj=channel, channel=channel.name)
    return new


def current_custody(channel: Channel) -> list[CredentialCustody]:
    return list(channel.custody.filter(ended_at__isnull=True).select_related("holder"))


def custody_warnings(channel: Channel, day: date | None = None) -> list[str]:
    day = day or timezone.localdate()
    rows = current_custody(channel)
    warnings = []
    if channel.status in (Status.APPROVED, Status.ACTIVE) and not rows:
        warnings.append(_("It is not recorded who holds the log-in to the channel (GOV-5)."))
    holders = {c.holder_id for c in rows}
    if rows and len(holders) < 2:
        warnings.append(_("Only one person knows the log-in; several should know it (GOV-5)."))
    for c in rows:
        if c.holder.has_left or not c.holder.is_active:
            warnings.append(_("%(person)s has left but holds the log-in to the channel – change the password and appoint a new holder.") % {"person": c.holder})
        if day - c.last_rotated_on > timedelta(days=CREDENTIAL_ROTATION_DAYS):
            warnings.append(
                _("The password held by %(person)s was last changed on %(date)s, more than a year ago.") % {"person": c.holder, "date": f"{c.last_rotated_on:%Y-%m-%d}"}
            )
    return warnings


# --- profile (GOV-6) ------------------------------------------------------------------

@transaction.atomic
def set_profile_item(channel: Channel, key: str, *, done: bool, actor: User | None) -> ProfileCheck:
    channel = _locked(channel)
    _require(actor, channel, lifecycle.TRANSITION_ROLES["complete_checklist"], gettext_lazy("You are not allowed to confirm the profile requirements. It requires the role: %(roles)s."))
    item = _policy_item(channel.startup_policy.profile, key, gettext_lazy("The point “%(key)s” is not among the profile requirements."))
    row = ProfileCheck.objects.select_for_update().get_or_create(channel=channel, key=key)[0]
    if row.done != done:
        row.done, row.by, row.at = done, actor, timezone.now()
        row.save()
        log("profile_item_checked" if done else "profile_item_unchecked", actor=actor, obj=channel, channel=channel.name, item=item.label)
    return row


@transaction.atomic
def save_profile(channel: Channel, done_keys: set[str], *, actor: User | None) -> None:
    """Save the whole profile check at once."""
    for item in channel.startup_policy.profile:
        set_profile_item(channel, item.key, done=item.key in done_keys, actor=actor)


# The suggested profile text is published on the platform in the language of the policy
# texts it is built from (Swedish), whatever language the person reading the page uses.
PROFILE_LANGUAGE = "sv"

DAY_NAMES = {
    "mon": gettext_noop("Monday"),
    "tue": gettext_noop("Tuesday"),
    "wed": gettext_noop("Wednesday"),
    "thu": gettext_noop("Thursday"),
    "fri": gettext_noop("Friday"),
    "sat": gettext_noop("Saturday"),
    "sun": gettext_noop("Sunday"),
}


def watch_hours_text(policy) -> str:
    """When the channel is watched, e.g. "vardagar 08.00–16.30", in the active language."""
    wh = policy.response.watch_hours
    days = wh.days
    if days == ["mon", "tue", "wed", "thu", "fri"]:
        label = _("weekdays")
    elif len(days) == 7:
        label = _("every day")
    else:
        label = ", ".join(_(DAY_NAMES[d]) for d in days)
    return f"{label} {wh.start:%H.%M}–{wh.end:%H.%M}"


def suggested_profile_text(channel: Channel, municipality: str) -> str:
    """A Swedish profile text built from the policy's required profile elements (GOV-6)."""
    policy = channel.policy
    unit = channel.unit
    website = (unit.website if unit and unit.website else "") or (unit.municipality().website if unit else "")
    with translation.override(PROFILE_LANGUAGE):
        values = {
            "municipality": municipality,
            "unit": unit.name if unit else municipality,
            "website": website or _("the municipality's website"),
            "watch_hours": watch_hours_text(policy),
            "email": channel.official_email or (unit.email if unit else ""),
            "purpose": channel.purpose.rstrip(".") if channel.purpose else _("our work"),
        }
        lines = []
        if unit is not None and unit.own_symbol:
            lines.append(_("A service within %(municipality)s.") % {"municipality": municipality})
    for item in policy.profile:
        if item.text:
            lines.append(item.text.format(**values))
    return "\n".join(lines)
