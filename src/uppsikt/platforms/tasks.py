"""Scheduled polling of the channels (INB-1, REC-2: continuous capture).

Every minute ``schedule_polls`` queues ``poll_channel_task`` for each active, connected
channel whose poll interval has passed (the policy's, else five minutes). Each channel is
polled in its own task, and never twice at once: the task holds a Huey lock named after
the channel, and a task that finds the lock taken leaves the poll to the one running.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

log = logging.getLogger(__name__)


def lock_name(channel_id: int) -> str:
    return f"uppsikt-poll-channel-{channel_id}"


@db_task()
def poll_channel_task(channel_id: int) -> dict | None:
    """Poll one channel once; returns the summary, or ``None`` when skipped or failed."""
    from uppsikt.channels.models import Channel, Status

    from .base import PlatformError
    from .services import ConnectError, poll

    try:
        with HUEY.lock_task(lock_name(channel_id)):
            channel = Channel.objects.filter(pk=channel_id, status=Status.ACTIVE).first()
            if channel is None:
                return None
            try:
                return poll(channel).as_dict()
            except (PlatformError, ConnectError) as exc:
                # Recorded on the connection and in the audit log; the next run tries again.
                log.warning("Hämtningen från %s misslyckades: %s", channel.slug, exc)
                return None
    except TaskLockedException:
        log.info("Kanal %s hämtas redan; hoppar över.", channel_id)
        return None


@db_periodic_task(crontab(minute="*"))
def schedule_polls() -> list[int]:
    """Queue a poll for every channel that is due; returns their ids."""
    from .services import channels_due

    due = channels_due()
    for channel_id in due:
        poll_channel_task(channel_id)
    return due
