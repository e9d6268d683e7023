"""Demo data for the inbox: a few days of sandbox traffic (called by ``uppsikt demo``)."""

from __future__ import annotations

from dataclasses import replace

DEMO_BACKFILL_HOURS = 72


def fill_demo_inbox(*, backfill_hours: float = DEMO_BACKFILL_HOURS) -> dict[str, int]:
    """Poll each active or closing sandbox channel, starting ``backfill_hours`` back; returns new items per channel."""
    from uppsikt.channels.models import Channel
    from uppsikt.inbox.services import poll_channel
    from uppsikt.inbox.tasks import POLLED_STATUSES
    from uppsikt.platforms.connectors.sandbox import SandboxConnector, credentials_for

    created: dict[str, int] = {}
    for channel in Channel.objects.filter(platform="sandbox", status__in=POLLED_STATUSES).order_by("pk"):
        credentials = credentials_for(channel)
        credentials = replace(credentials, extra={**credentials.extra, "backfill_hours": backfill_hours})
        created[channel.slug] = poll_channel(channel, connector=SandboxConnector(credentials)).created
    return created
