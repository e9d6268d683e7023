"""State changes for people, units, roles, training and absences."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

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
        raise ValueError(f"Användarnamnet {username} finns redan.")
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, title=title, unit=unit, is_superuser=is_superuser, is_staff=is_superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    log("user_created", actor=actor, obj=user, username=username)
    return user


@transaction.atomic
def grant_role(user: User, role: str, *, unit: Unit | None = None, channel=None, actor=None) -> RoleGrant:
    if role not in ROLES:
        raise ValueError(f"Okänd roll: {role}")
    if unit is None and channel is None:
        raise ValueError("En roll gäller alltid en enhet eller en kanal.")
    group = Group.objects.get_or_create(name=role)[0]
    existing = RoleGrant.objects.filter(user=user, role=group, unit=unit, channel=channel, revoked_at__isnull=True).first()
    if existing:
        return existing
    grant = RoleGrant.objects.create(user=user, role=group, unit=unit, channel=channel, granted_by=actor)
    log("role_granted", actor=actor, obj=user, username=user.username, role=ROLES[role], scope=grant.scope_label)
    return grant


@transaction.atomic
def revoke_role(grant: RoleGrant, *, actor=None) -> None:
    if grant.revoked_at is None:
        RoleGrant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
        log("role_revoked", actor=actor, obj=grant.user, username=grant.user.username, role=ROLES.get(grant.role.name, grant.role.name), scope=grant.scope_label)


@transaction.atomic
def record_training(user: User, course: str, completed_on, *, valid_until=None, actor=None) -> Training:
    if course not in COURSES:
        raise ValueError(f"Okänd kurs: {course}")
    training = Training.objects.create(user=user, course=course, completed_on=completed_on, valid_until=valid_until, recorded_by=actor)
    log("training_recorded", actor=actor, obj=user, username=user.username, course=COURSES[course])
    return training


@transaction.atomic
def record_absence(user: User, start, end, reason: str = "", *, actor=None) -> Absence:
    if end < start:
        raise ValueError("Frånvaron måste sluta efter att den börjat.")
    absence = Absence.objects.create(user=user, start=start, end=end, reason=reason)
    log("absence_recorded", actor=actor, obj=user, username=user.username, start=start.isoformat(), end=end.isoformat())
    return absence


# --- questions (no state change) -------------------------------------------------

def roles_of(user: User, *, unit: Unit | None = None, channel=None) -> set[str]:
    """Roles the user holds for this unit (inherited from units above) or this channel."""
    if user.is_superuser:
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
