"""Every audit event by name, with the sentence it is shown as.

Call ``log(name, actor=..., obj=..., **data)`` from a service function, inside its
transaction. An unknown name is a programming error and raises.

The templates are English source strings. The message is part of the record, so it is
written in Swedish (:data:`RECORD_LANGUAGE`) whatever language the person's browser asks
for: the stored text and its hash never depend on a request. Lazy values in ``data``
(translated labels) are resolved in that language too.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop

from .models import AuditEvent, ChainHead

TEMPLATES: dict[str, str] = {
    # accounts
    "user_created": gettext_noop("The user {username} was created."),
    "role_granted": gettext_noop("{username} was given the role {role} ({scope})."),
    "role_revoked": gettext_noop("{username} lost the role {role} ({scope})."),
    "training_recorded": gettext_noop("{username} completed the course {course}."),
    "absence_recorded": gettext_noop("{username} is absent {start}–{end}."),
    "login_succeeded": gettext_noop("{username} logged in."),
    "login_failed": gettext_noop("Failed log-in for {username}."),
    "otp_device_confirmed": gettext_noop("{username} turned on two-step verification."),
    # policies
    "policy_created": gettext_noop("The policy {policy} was created from {source}."),
    "policy_changed": gettext_noop("The policy {policy} was changed."),
    # channels
    "channel_proposed": gettext_noop("The channel {channel} was proposed."),
    "channel_updated": gettext_noop("The channel's details were changed: {fields}."),
    "checklist_item_checked": gettext_noop("The point “{item}” was ticked."),
    "checklist_item_unchecked": gettext_noop("The point “{item}” was unticked."),
    "channel_checklist_completed": gettext_noop("The checklist for {channel} is complete."),
    "channel_approval_given": gettext_noop("{role} approved {channel} (step {step})."),
    "channel_approved": gettext_noop("{channel} is approved by the whole chain of decision."),
    "channel_activated": gettext_noop("{channel} is active."),
    "channel_closing_started": gettext_noop("Closing of {channel} began."),
    "channel_closed": gettext_noop("{channel} is closed."),
    "channel_rejected": gettext_noop("{channel} was rejected: {reason}."),
    "channel_member_added": gettext_noop("{username} may run {channel} as {role}."),
    "speaker_tasked": gettext_noop("{manager} gave {username} the task of speaking for the municipality in {channel}."),
    "user_left": gettext_noop("{username} has left ({left_on})."),
    "user_changed": gettext_noop("The details of {username} were changed: {fields}."),
    "unit_saved": gettext_noop("The unit {unit} was saved."),
    "channel_member_removed": gettext_noop("{username} no longer runs {channel}."),
    "credential_custody_recorded": gettext_noop("The log-in to {channel} is held by {holder} ({place})."),
    "credential_rotated": gettext_noop("The log-in to {channel} was changed."),
    "profile_item_checked": gettext_noop("The profile requirement “{item}” is met for {channel}."),
    "profile_item_unchecked": gettext_noop("The profile requirement “{item}” is no longer met for {channel}."),
    "channel_connected": gettext_noop("API credentials for {channel} were saved (encrypted)."),
    # items and records
    "items_imported": gettext_noop("{created} new items were imported into {channel} from {format}."),
    "channel_polled": gettext_noop("{created} new items were fetched from {channel}."),
    "item_version_recorded": gettext_noop("A new version of item {platform_id} was saved."),
    "webhook_rejected": gettext_noop("Webhook for {platform} was refused: {reason}."),
    "item_triaged": gettext_noop("Item {platform_id} was assessed: {categories}."),
    # platform connectors
    "channel_poll_failed": gettext_noop("Fetching from {channel} was stopped: {error}"),
    "webhook_received": gettext_noop("Webhook from {platform} gave {created} new items in {channel}."),
    "items_ingested": gettext_noop("{channel}: {created} new and {updated} changed items were saved ({source})."),
    # triage
    "triage_label_recorded": gettext_noop("A labelled example for {policy} was saved: {categories}."),
}


# The language audit messages are stored in.
RECORD_LANGUAGE = "sv"


class UnknownEvent(KeyError):
    pass


def log(name: str, *, actor=None, obj=None, **data) -> AuditEvent:
    """Append the event ``name``; returns the stored row."""
    if name not in TEMPLATES:
        raise UnknownEvent(name)
    with translation.override(RECORD_LANGUAGE):
        data = {k: str(v) if isinstance(v, Promise) else v for k, v in data.items()}
        context = dict(data)
        if actor is not None:
            context.setdefault("username", getattr(actor, "username", str(actor)))
        try:
            message = gettext(TEMPLATES[name]).format(**context)
        except KeyError as missing:
            raise UnknownEvent(f"{name}: missing {missing}") from None
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
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
            problems.append(gettext("event %(id)s: the link to the event before it is broken") % {"id": event.pk})
        if event.compute_hash() != event.hash:
            problems.append(gettext("event %(id)s: the content does not match its checksum") % {"id": event.pk})
        prev = event.hash
    head = ChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    if head is not None and head != prev:
        problems.append(gettext("the end of the chain does not match: events have been removed at the end of the log"))
    return problems


def history_for(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("id")
