"""Notices the guideline asks for: the communications unit is told when a channel opens or closes
(LE §9 "Meddela kommunikationsteamet när ni upprättar eller avslutar ett konto", GOV-8).

Recipients are the people holding the policy's ``approval.notify`` roles for the channel's
unit. Mail is sent by the background worker after the change is committed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from huey.contrib.djhuey import db_task

from uppsikt.accounts.models import RoleGrant

from .models import Channel

SUBJECTS = {
    "activated": "Ny kanal i sociala medier: {name}",
    "closed": "Kanal i sociala medier stängd: {name}",
}
BODIES = {
    "activated": "{name} ({platform}) för {unit} är nu aktiv och finns i kommunens förteckning över kanaler i sociala medier.\n\nAdress: {url}\n",
    "closed": "{name} ({platform}) för {unit} är stängd. Innehållet är bevarat och registrerat enligt riktlinjen.\n",
}


def recipients(channel: Channel) -> list[str]:
    roles = channel.policy.approval.notify
    units = []
    if channel.unit is not None:
        units = [channel.unit.pk, *(u.pk for u in channel.unit.ancestors())]
    grants = RoleGrant.objects.filter(role__name__in=roles, revoked_at__isnull=True, user__is_active=True).filter(
        unit_id__in=units
    ) | RoleGrant.objects.filter(role__name__in=roles, revoked_at__isnull=True, channel=channel)
    return sorted({g.user.email for g in grants.select_related("user") if g.user.email and not g.user.has_left})


def notify_after_commit(channel: Channel, event: str) -> None:
    """Queue the notice once the surrounding transaction has committed."""
    transaction.on_commit(lambda: send_channel_notice(channel.pk, event))


@db_task(retries=3, retry_delay=60)
def send_channel_notice(channel_id: int, event: str) -> int:
    channel = Channel.objects.select_related("unit").get(pk=channel_id)
    to = recipients(channel)
    if not to:
        return 0
    values = {"name": channel.name, "platform": channel.platform_label, "unit": channel.unit or settings.UPPSIKT_MUNICIPALITY, "url": channel.url or "–"}
    return send_mail(SUBJECTS[event].format(**values), BODIES[event].format(**values), settings.DEFAULT_FROM_EMAIL, to)
