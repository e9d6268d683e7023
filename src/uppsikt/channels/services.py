"""Every state change of the channel register, each in a transaction with a named audit event.

``actor=None`` means the system itself (the command line run by an administrator);
every other actor is checked against the roles they hold for the channel's unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from uppsikt.accounts.models import Unit, User
from uppsikt.accounts.services import is_absent, is_trained, roles_of
from uppsikt.audit.events import log
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

def _require(actor, channel: Channel | None, roles: set[str], what: str, unit: Unit | None = None) -> None:
    if actor is None or actor.is_superuser:
        return
    held = roles_of(actor, unit=unit, channel=channel)
    if not held & roles:
        names = ", ".join(sorted(ROLES[r] for r in roles)) or "en roll i beslutskedjan"
        raise PermissionDenied(f"Du saknar behörighet att {what}. Det kräver rollen: {names}.")


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
        raise TransitionError("Kanalen måste ha ett namn.")
    if platform not in PLATFORMS:
        raise TransitionError(f"Okänd plattform ”{platform}”. Välj en av: {', '.join(PLATFORMS)}.")
    try:
        policy = get_policy(policy_name)
    except PolicyError as exc:
        raise TransitionError(f"Policyn ”{policy_name}” går inte att använda: {exc.problems[0]}") from None
    _require(actor, None, set(ROLES), "föreslå en kanal för enheten", unit=unit)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TransitionError(f"Okända fält: {', '.join(sorted(unknown))}")
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
        raise TransitionError("En stängd eller avslagen kanal kan inte ändras.")
    _require(actor, channel, lifecycle.TRANSITION_ROLES["complete_checklist"], "ändra kanalens uppgifter")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TransitionError(f"Okända fält: {', '.join(sorted(unknown))}")
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
        raise TransitionError("Checklistan kan bara ändras medan kanalen är föreslagen.")
    _require(actor, channel, lifecycle.TRANSITION_ROLES["complete_checklist"], "fylla i checklistan")
    item = _policy_item(channel.startup_policy.checklist, key, "checklistan")
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


def _policy_item(items, key: str, where: str):
    for item in items:
        if item.key == key:
            return item
    raise TransitionError(f"Punkten ”{key}” finns inte i {where}.")


@transaction.atomic
def complete_checklist(channel: Channel, *, actor: User | None) -> Channel:
    channel = _locked(channel)
    lifecycle.target(channel.status, "complete_checklist")
    _require(actor, channel, lifecycle.TRANSITION_ROLES["complete_checklist"], "markera checklistan som klar")
    missing = [item.label for item in channel.startup_policy.checklist if not channel.checklist.filter(key=item.key, done=True).exists()]
    if missing:
        raise TransitionError(f"Checklistan är inte klar: {len(missing)} punkter saknas, bland annat ”{missing[0]}”.")
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
        raise TransitionError("Kanalen har redan alla godkännanden.")
    index, step = nxt
    if actor is None:
        raise PermissionDenied("Ett godkännande måste ges av en person i beslutskedjan.")
    if channel.approvals.filter(approver=actor).exists():
        raise PermissionDenied("Du har redan godkänt kanalen; nästa steg måste godkännas av någon annan.")
    if step.role not in roles_of(actor, channel=channel, superuser_all=False):
        raise PermissionDenied(f"Nästa godkännande (steg {index + 1}: {step.label}) ska ges av rollen {ROLES[step.role]}, som du inte har för den här enheten.")
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
        raise TransitionError("Ange varför kanalen avslås.")
    chain_roles = {step.role for step in channel.startup_policy.approval.chain}
    _require(actor, channel, chain_roles, "avslå kanalen")
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
        if len(trained) == 1:
            warnings.append(f"Bara en utbildad person sköter kanalen; riktlinjen kräver minst {required}.")
        else:
            warnings.append(f"{len(trained)} utbildade personer sköter kanalen; riktlinjen kräver minst {required}.")
    if trained and not present:
        warnings.append("Alla som sköter kanalen är frånvarande i dag – kanalen är obevakad.")
    elif len(present) == 1 and len(trained) >= 2:
        warnings.append("Bara en av dem som sköter kanalen är på plats i dag.")
    untrained = [m.user for m in active_members(channel) if m not in trained]
    for user in untrained:
        if user.has_left or not user.is_active:
            warnings.append(f"{user} har slutat men står kvar som redaktör.")
    return StaffingReport(trained=len(trained), present=len(present), required=required, warnings=warnings)


@transaction.atomic
def activate(channel: Channel, *, actor: User | None) -> Channel:
    channel = _locked(channel)
    lifecycle.target(channel.status, "activate")
    _require(actor, channel, lifecycle.TRANSITION_ROLES["activate"], "aktivera kanalen")
    report = staffing_report(channel)
    if report.trained < report.required:
        raise TransitionError(
            f"Kanalen kan inte aktiveras: den har {report.trained} utbildad{'e' if report.trained != 1 else ''} person{'er' if report.trained != 1 else ''}, riktlinjen kräver minst {report.required} (GOV-4)."
        )
    channel = _move(channel, "activate", actor)
    log("channel_activated", actor=actor, obj=channel, channel=channel.name)
    notify_after_commit(channel, "activated")
    return channel


@transaction.atomic
def start_closing(channel: Channel, *, actor: User | None, reason: str = "") -> Channel:
    channel = _locked(channel)
    lifecycle.target(channel.status, "start_closing")
    _require(actor, channel, lifecycle.TRANSITION_ROLES["start_closing"], "avsluta kanalen")
    channel = _move(channel, "start_closing", actor, note=reason)
    log("channel_closing_started", actor=actor, obj=channel, channel=channel.name)
    return channel


@transaction.atomic
def close(channel: Channel, *, actor: User | None, content_preserved: bool, comms_informed: bool) -> Channel:
    """GOV-8: a channel closes only when its content is preserved and the communications unit is told."""
    channel = _locked(channel)
    lifecycle.target(channel.status, "close")
    _require(actor, channel, lifecycle.TRANSITION_ROLES["close"], "stänga kanalen")
    if not content_preserved:
        raise TransitionError("Kanalens innehåll måste vara bevarat och registrerat innan den stängs (GOV-8).")
    if not comms_informed:
        raise TransitionError("Kommunikationsenheten måste vara informerad innan kanalen stängs (GOV-8).")
    channel = _move(channel, "close", actor, note="Innehållet bevarat; kommunikationsenheten informerad.")
    log("channel_closed", actor=actor, obj=channel, channel=channel.name)
    notify_after_commit(channel, "closed")
    return channel


# --- members and speakers (GOV-4, GOV-9) ------------------------------------------------

MEMBER_MANAGERS = {"verksamhetschef", "social_media_lead", "forvaltningschef", "informationssekreterare", "webbstrateg"}


@transaction.atomic
def add_member(channel: Channel, user: User, *, role: str = Member.Role.EDITOR, authorised_speaker: bool = False, tasked_by: User | None = None, actor: User | None) -> Member:
    channel = _locked(channel)
    _require(actor, channel, MEMBER_MANAGERS, "utse redaktörer för kanalen")
    if role not in Member.Role.values:
        raise TransitionError(f"Okänd roll för kanalen: {role}")
    if channel.members.filter(user=user, removed_at__isnull=True).exists():
        raise TransitionError(f"{user} sköter redan kanalen.")
    if authorised_speaker:
        tasked_by = _speaker_mandate(channel, actor, tasked_by)
    member = Member.objects.create(channel=channel, user=user, role=role, authorised_speaker=authorised_speaker, tasked_by=tasked_by)
    log("channel_member_added", actor=actor, obj=channel, channel=channel.name, username=user.username, role=Member.Role(role).label)
    return member


@transaction.atomic
def remove_member(member: Member, *, actor: User | None) -> None:
    channel = _locked(member.channel)
    _require(actor, channel, MEMBER_MANAGERS, "ta bort redaktörer från kanalen")
    if member.removed_at is not None:
        raise TransitionError("Personen sköter redan inte kanalen.")
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
        raise TransitionError("Den som får uttala sig för kommunen måste ha uppdraget från sin chef (GOV-9): ange chefen.")
    if actor is not None and tasked_by is not None and tasked_by != actor:
        raise PermissionDenied("Uppdraget att uttala sig för kommunen ges av chefen själv; du kan inte registrera det i någon annans namn (GOV-9).")
    if not SPEAKER_MANAGERS & roles_of(giver, channel=channel, superuser_all=False):
        raise PermissionDenied(f"{giver} är inte chef för enheten och kan inte ge uppdraget att uttala sig (GOV-9).")
    return giver


@transaction.atomic
def task_speaker(member: Member, *, actor: User | None, tasked_by: User | None = None) -> Member:
    """Give an existing member the task to speak for the municipality (GOV-9)."""
    channel = _locked(member.channel)
    if member.removed_at is not None:
        raise TransitionError("Personen sköter inte längre kanalen.")
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
    _require(actor, channel, MEMBER_MANAGERS, "registrera inloggningsuppgifternas förvaring")
    if "lösenord" in storage.lower() and ":" in storage:
        raise TransitionError("Skriv var inloggningen förvaras, aldrig själva lösenordet (GOV-5).")
    if last_rotated_on > timezone.localdate():
        raise TransitionError("Datum för senaste lösenordsbyte kan inte ligga i framtiden.")
    custody = CredentialCustody.objects.create(
        channel=channel, holder=holder, login_email=login_email, deposited_with=deposited_with, storage=storage, last_rotated_on=last_rotated_on, recorded_by=actor
    )
    log("credential_custody_recorded", actor=actor, obj=channel, channel=channel.name, holder=str(holder), place=deposited_with)
    return custody


@transaction.atomic
def record_rotation(custody: CredentialCustody, *, rotated_on: date, actor: User | None) -> CredentialCustody:
    channel = _locked(custody.channel)
    _require(actor, channel, MEMBER_MANAGERS, "registrera lösenordsbyte")
    custody = CredentialCustody.objects.select_for_update().get(pk=custody.pk)
    if custody.ended_at is not None:
        raise TransitionError("Uppgiften är redan ersatt av en nyare; registrera bytet på den gällande raden.")
    if rotated_on > timezone.localdate():
        raise TransitionError("Datum för lösenordsbytet kan inte ligga i framtiden.")
    if rotated_on < custody.last_rotated_on:
        raise TransitionError("Datum för lösenordsbytet kan inte vara före det förra bytet.")
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
        warnings.append("Det är inte registrerat vem som har inloggningen till kanalen (GOV-5).")
    holders = {c.holder_id for c in rows}
    if rows and len(holders) < 2:
        warnings.append("Bara en person känner till inloggningen; den ska vara känd av flera (GOV-5).")
    for c in rows:
        if c.holder.has_left or not c.holder.is_active:
            warnings.append(f"{c.holder} har slutat men har inloggningen till kanalen – byt lösenord och utse en ny innehavare.")
        if day - c.last_rotated_on > timedelta(days=CREDENTIAL_ROTATION_DAYS):
            warnings.append(f"Lösenordet hos {c.holder} byttes senast {c.last_rotated_on:%Y-%m-%d}, för över ett år sedan.")
    return warnings


# --- profile (GOV-6) ------------------------------------------------------------------

@transaction.atomic
def set_profile_item(channel: Channel, key: str, *, done: bool, actor: User | None) -> ProfileCheck:
    channel = _locked(channel)
    _require(actor, channel, lifecycle.TRANSITION_ROLES["complete_checklist"], "bekräfta profilkraven")
    item = _policy_item(channel.startup_policy.profile, key, "profilkraven")
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


def watch_hours_text(policy) -> str:
    wh = policy.response.watch_hours
    names = {"mon": "måndag", "tue": "tisdag", "wed": "onsdag", "thu": "torsdag", "fri": "fredag", "sat": "lördag", "sun": "söndag"}
    days = wh.days
    if days == ["mon", "tue", "wed", "thu", "fri"]:
        label = "vardagar"
    elif len(days) == 7:
        label = "alla dagar"
    else:
        label = ", ".join(names[d] for d in days)
    return f"{label} {wh.start:%H.%M}–{wh.end:%H.%M}"


def suggested_profile_text(channel: Channel, municipality: str) -> str:
    """A Swedish profile text built from the policy's required profile elements (GOV-6)."""
    policy = channel.policy
    unit = channel.unit
    website = (unit.website if unit and unit.website else "") or (unit.municipality().website if unit else "")
    values = {
        "municipality": municipality,
        "unit": unit.name if unit else municipality,
        "website": website or "kommunens webbplats",
        "watch_hours": watch_hours_text(policy),
        "email": channel.official_email or (unit.email if unit else ""),
        "purpose": channel.purpose.rstrip(".") if channel.purpose else "vår verksamhet",
    }
    lines = []
    if unit is not None and unit.own_symbol:
        lines.append(f"En verksamhet inom {municipality}.")
    for item in policy.profile:
        if item.text:
            lines.append(item.text.format(**values))
    return "\n".join(lines)
