"""Every audit event by name, with the Swedish sentence it is shown as.

Call ``log(name, actor=..., obj=..., **data)`` from a service function, inside its
transaction. An unknown name is a programming error and raises.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import AuditEvent, ChainHead

TEMPLATES: dict[str, str] = {
    # accounts
    "user_created": "Användaren {username} skapades.",
    "role_granted": "{username} fick rollen {role} ({scope}).",
    "role_revoked": "{username} förlorade rollen {role} ({scope}).",
    "training_recorded": "{username} genomförde utbildningen {course}.",
    "absence_recorded": "{username} är frånvarande {start}–{end}.",
    "login_succeeded": "{username} loggade in.",
    "login_failed": "Misslyckad inloggning för {username}.",
    "otp_device_confirmed": "{username} aktiverade tvåstegsverifiering.",
    # policies
    "policy_created": "Policyn {policy} skapades från {source}.",
    "policy_changed": "Policyn {policy} ändrades.",
    # channels
    "channel_proposed": "Kanalen {channel} föreslogs.",
    "channel_updated": "Kanalens uppgifter ändrades: {fields}.",
    "checklist_item_checked": "Punkten ”{item}” bockades av.",
    "checklist_item_unchecked": "Punkten ”{item}” avmarkerades.",
    "channel_checklist_completed": "Checklistan för {channel} är klar.",
    "channel_approval_given": "{role} godkände {channel} (steg {step}).",
    "channel_approved": "{channel} är godkänd av hela beslutskedjan.",
    "channel_activated": "{channel} är aktiv.",
    "channel_closing_started": "Avslut av {channel} påbörjades.",
    "channel_closed": "{channel} är stängd.",
    "channel_rejected": "{channel} avslogs: {reason}.",
    "channel_member_added": "{username} kan sköta {channel} som {role}.",
    "speaker_tasked": "{manager} gav {username} uppdraget att uttala sig för kommunen i {channel}.",
    "user_left": "{username} har slutat ({left_on}).",
    "user_changed": "Uppgifterna för {username} ändrades: {fields}.",
    "unit_saved": "Enheten {unit} sparades.",
    "channel_member_removed": "{username} sköter inte längre {channel}.",
    "credential_custody_recorded": "Inloggningen till {channel} förvaras av {holder} ({place}).",
    "credential_rotated": "Inloggningen till {channel} byttes.",
    "profile_item_checked": "Profilkravet ”{item}” uppfyllt för {channel}.",
    "profile_item_unchecked": "Profilkravet ”{item}” är inte längre uppfyllt för {channel}.",
    "channel_connected": "API-uppgifter för {channel} sparades (krypterade).",
    # items and records
    "items_imported": "{created} nya poster importerades till {channel} från {format}.",
    "channel_polled": "{created} nya poster hämtades från {channel}.",
    "item_version_recorded": "En ny version av post {platform_id} sparades.",
    "webhook_rejected": "Webbkrok för {platform} avvisades: {reason}.",
    "item_triaged": "Post {platform_id} bedömdes: {categories}.",
    # platform connectors
    "channel_poll_failed": "Hämtningen från {channel} avbröts: {error}",
    "webhook_received": "Webbkrok från {platform} gav {created} nya poster i {channel}.",
    "items_ingested": "{channel}: {created} nya och {updated} ändrade poster sparades ({source}).",
    # triage
    "triage_label_recorded": "Ett märkt exempel för {policy} sparades: {categories}.",
}


class UnknownEvent(KeyError):
    pass


def log(name: str, *, actor=None, obj=None, **data) -> AuditEvent:
    """Append the event ``name``; returns the stored row."""
    if name not in TEMPLATES:
        raise UnknownEvent(name)
    context = {k: v for k, v in data.items()}
    if actor is not None:
        context.setdefault("username", getattr(actor, "username", str(actor)))
    try:
        message = TEMPLATES[name].format(**context)
    except KeyError as missing:
        raise UnknownEvent(f"{name}: missing {missing}") from None
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            created_at=timezone.now(),
            name=name,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=getattr(actor, "username", "") if actor is not None else "system",
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            message=message,
            data={k: v for k, v in data.items()},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        ChainHead.objects.filter(pk=1).update(last_hash=event.hash)
    return event


def verify_chain() -> list[str]:
    """Problems found walking the chain; an empty list means intact."""
    problems: list[str] = []
    prev = "0" * 64
    for event in AuditEvent.objects.order_by("id").iterator():
        if event.prev_hash != prev:
            problems.append(f"händelse {event.pk}: länken till föregående händelse är bruten")
        if event.compute_hash() != event.hash:
            problems.append(f"händelse {event.pk}: innehållet stämmer inte med sin kontrollsumma")
        prev = event.hash
    head = ChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    if head is not None and head != prev:
        problems.append("kedjans slut stämmer inte: händelser har tagits bort i slutet av loggen")
    return problems


def history_for(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("id")
