"""State changes for people, units, roles, training and absences."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from uppsikt.audit.events import log
from uppsikt.policies.vocabulary import ROLES

from .models import COURSES, Absence, RoleGrant, Training, Unit, User


def ensure_roles() -> None:
    """Create the role groups (the fixture `roles.json` holds the same list)."""
    for key in ROLES:
        Group.objects.get_or_create(name=key)


@transaction.atomic
def create_user(username: str, *, password: str | None, first_name="", last_name="", email="", title="", unit: Unit | None = None, actor=None, is_superuser=False) -> User:
    if User.objects.filter(username=username).exists():
        raise ValueError(_("The user name %(username)s is already taken.") % {"username": username})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, title=title, unit=unit, is_superuser=is_superuser, is_staff=is_superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    log("user_created", actor=actor, obj=user, username=username)
    return user


PEOPLE_MANAGERS = {"social_media_lead", "verksamhetschef", "forvaltningschef", "informationssekreterare", "webbstrateg"}


class NotAllowed(ValueError):
    """The actor lacks the role this change needs."""


def _require_manager(actor, unit: Unit | None, refusal: str) -> None:
    """``refusal`` is the whole message shown when the actor does not manage people here."""
    if actor is None:
        return
    if not (PEOPLE_MANAGERS & roles_of(actor, unit=unit)):
        raise NotAllowed(refusal)


def may_manage(actor, person: User) -> bool:
    """Whether ``actor`` manages ``person``: records their training, roles and leaving."""
    return actor.is_superuser or bool(person.unit and PEOPLE_MANAGERS & roles_of(actor, unit=person.unit))


@transaction.atomic
def save_unit(unit: Unit, *, actor=None) -> Unit:
    """Create or change a unit; a unit can never be placed below itself."""
    node = unit.parent
    while node is not None:
        if unit.pk is not None and node.pk == unit.pk:
            raise ValueError(_("The unit %(unit)s cannot be placed below itself.") % {"unit": unit})
        node = node.parent
    unit.save()
    log("unit_saved", actor=actor, obj=unit, unit=unit.name)
    return unit


@transaction.atomic
def save_user_details(user: User, *, fields: list[str], actor=None) -> User:
    """Save a person's details edited by an administrator, with an audit event."""
    user.save()
    log("user_changed", actor=actor, obj=user, username=user.username, fields=", ".join(fields) or gettext_lazy("no fields"))
    return user


@transaction.atomic
def mark_left(user: User, left_on, *, actor=None) -> list:
    """The person has left: they lose their roles, and every channel they held a log-in for is flagged (GOV-5)."""
    if actor is not None and not may_manage(actor, user):
        raise NotAllowed(_("You are not allowed to mark that the person has left."))
    User.objects.filter(pk=user.pk).update(left_at=left_on)
    RoleGrant.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    log("user_left", actor=actor, obj=user, username=user.username, left_on=left_on.isoformat())
    from uppsikt.channels.models import Channel

    return list(Channel.objects.filter(custody__holder=user, custody__ended_at__isnull=True).distinct())


@transaction.atomic
def confirm_totp_device(device, token: str) -> bool:
    """Confirm a newly connected authenticator app with its first code."""
    if not token or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save()
    log("otp_device_confirmed", actor=device.user)
    return True


@transaction.atomic
def grant_role(user: User, role: str, *, unit: Unit | None = None, channel=None, actor=None) -> RoleGrant:
    _require_manager(actor, unit or (channel.unit if channel is not None else None), _("You are not allowed to hand out roles here."))
    if role not in ROLES:
        raise ValueError(_("Unknown role: %(role)s") % {"role": role})
    if unit is None and channel is None:
        raise ValueError(_("A role always applies to a unit or a channel."))
    group = Group.objects.get_or_create(name=role)[0]
    existing = RoleGrant.objects.filter(user=user, role=group, unit=unit, channel=channel, revoked_at__isnull=True).first()
    if existing:
        return existing
    grant = RoleGrant.objects.create(user=user, role=group, unit=unit, channel=channel, granted_by=actor)
    log("role_granted", actor=actor, obj=user, username=user.username, role=ROLES[role], scope=grant.scope_label)
    return grant


@transaction.atomic
def revoke_role(grant: RoleGrant, *, actor=None) -> None:
    _require_manager(actor, grant.unit or (grant.channel.unit if grant.channel_id else None), _("You are not allowed to remove roles here."))
    if grant.revoked_at is None:
        RoleGrant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
        log("role_revoked", actor=actor, obj=grant.user, username=grant.user.username, role=ROLES.get(grant.role.name, grant.role.name), scope=grant.scope_label)


@transaction.atomic
def record_training(user: User, course: str, completed_on, *, valid_until=None, actor=None) -> Training:
    if actor is not None and not may_manage(actor, user):
        raise NotAllowed(_("You are not allowed to record training for this person."))
    if completed_on > timezone.localdate():
        raise ValueError(_("A course cannot be completed in the future."))
    if valid_until is not None and valid_until < completed_on:
        raise ValueError(_("The validity must end after the course was completed."))
    if course not in COURSES:
        raise ValueError(_("Unknown course: %(course)s") % {"course": course})
    training = Training.objects.create(user=user, course=course, completed_on=completed_on, valid_until=valid_until, recorded_by=actor)
    log("training_recorded", actor=actor, obj=user, username=user.username, course=COURSES[course])
    return training


@transaction.atomic
def record_absence(user: User, start, end, reason: str = "", *, actor=None) -> Absence:
    if actor is not None and actor != user and not may_manage(actor, user):
        raise NotAllowed(_("You can only record your own absence."))
    if end < start:
        raise ValueError(_("The absence must end after it begins."))
    absence = Absence.objects.create(user=user, start=start, end=end, reason=reason)
    log("absence_recorded", actor=actor, obj=user, username=user.username, start=start.isoformat(), end=end.isoformat())
    return absence


# --- questions (no state change) -------------------------------------------------

def roles_of(user: User, *, unit: Unit | None = None, channel=None, superuser_all: bool = True) -> set[str]:
    """Roles the user holds for this unit (inherited from units above) or this channel.

    A superuser counts as holding every role, except where ``superuser_all`` is False:
    decisions such as approvals need a real role holder.
    """
    if user.is_superuser and superuser_all:
        return set(ROLES)
    grants = RoleGrant.objects.filter(user=user, revoked_at__isnull=True).select_related("role")
    units = set()
    if channel is not None and channel.unit_id:
        unit = channel.unit
    if unit is not None:
        units = {unit.pk, *(u.pk for u in unit.ancestors())}
    roles = set()
    for g in grants:
        if (g.unit_id and g.unit_id in units) or (channel is not None and g.channel_id == channel.pk):
            roles.add(g.role.name)
    return roles


def valid_courses(user: User, on=None) -> set[str]:
    return {t.course for t in user.trainings.all() if t.is_valid(on)}


def is_trained(user: User, required: list[str], on=None) -> bool:
    """GOV-10: publishing rights only after the required courses."""
    return set(required) <= valid_courses(user, on)


def is_absent(user: User, day=None) -> bool:
    day = day or timezone.localdate()
    return any(a.covers(day) for a in user.absences.all())
