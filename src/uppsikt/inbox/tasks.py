"""Background work for the inbox: the sandbox channels fill while you watch.

Connected channels (a ``platforms.ChannelConnection``) are polled by the platforms
app's schedule; this task polls the sandbox channels that have no connection, through
the same ``poll_channel`` service and under the same per-channel lock, so one channel is
never polled twice at once.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task
from huey.exceptions import TaskLockedException

logger = logging.getLogger(__name__)

POLLED_STATUSES = ("active", "closing")


def _lock_name(channel_id: int) -> str:
    try:
        from uppsikt.platforms.tasks import lock_name
    except ImportError:
        return f"uppsikt-poll-channel-{channel_id}"
    return lock_name(channel_id)


def _connected(channel) -> bool:
    try:
        from uppsikt.platforms.models import ChannelConnection
    except ImportError:
        return False
    return ChannelConnection.objects.filter(channel=channel).exists()


def poll_sandbox_channels_now() -> dict[str, int]:
    """Poll every active or closing sandbox channel once; returns the new items per channel."""
    from uppsikt.channels.models import Channel
    from uppsikt.inbox.services import poll_channel

    created: dict[str, int] = {}
    for channel in Channel.objects.filter(platform="sandbox", status__in=POLLED_STATUSES).order_by("pk"):
        if _connected(channel):
            continue
        try:
            with HUEY.lock_task(_lock_name(channel.pk)):
                created[channel.slug] = poll_channel(channel).created
        except TaskLockedException:
            logger.info("sandbox channel %s is being polled already", channel.slug)
        except Exception:
            # One broken channel must not stop the others; the error is logged with its trace.
            logger.exception("polling sandbox channel %s failed", channel.slug)
    return created


@db_periodic_task(crontab(minute="*"))
def poll_sandbox_channels() -> dict[str, int]:
    return poll_sandbox_channels_now()
