"""Notices the guideline asks for: the communications unit is told when a channel opens or closes
(LE §9 "Meddela kommunikationsteamet när ni upprättar eller avslutar ett konto", GOV-8).

Recipients are the people holding the policy's ``approval.notify`` roles for the channel's
unit. Mail is sent by the background worker after the change is committed, in the
product's language (``LANGUAGE_CODE``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from huey.contrib.djhuey import db_task

from uppsikt.accounts.models import RoleGrant

from .models import Channel

SUBJECTS = {
    "activated": gettext_noop("New channel in social media: %(name)s"),
    "closed": gettext_noop("Channel in social media closed: %(name)s"),
}
BODIES = {
    "activated": gettext_noop(
        "%(name)s (%(platform)s) for %(unit)s is now active and listed in the municipality's register of channels in social media.\n\nAddress: %(url)s\n"
    ),
    "closed": gettext_noop("%(name)s (%(platform)s) for %(unit)s is closed. Its content is preserved and registered as the guideline requires.\n"),
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
    with translation.override(settings.LANGUAGE_CODE):
        values = {"name": channel.name, "platform": channel.platform_label, "unit": channel.unit or settings.UPPSIKT_MUNICIPALITY, "url": channel.url or "–"}
        subject = gettext(SUBJECTS[event]) % values
        body = gettext(BODIES[event]) % values
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
