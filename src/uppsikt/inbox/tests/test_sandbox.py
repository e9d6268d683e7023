"""The sandbox platform and polling through it (INB-1, REC-1, invariant 4)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from personnummer import personnummer

from uppsikt.inbox.models import Item, ItemVersion, PollCursor
from uppsikt.inbox.services import poll_channel
from uppsikt.platforms.base import PlatformError
from uppsikt.platforms.connectors.sandbox import SandboxConnector, credentials_for
from uppsikt.platforms.registry import Credentials, get_connector_class
from uppsikt.platforms.sandbox_traffic import POST_EVERY_SLOTS, Traffic, slot_of, slot_start

from .factories import make_channel

# A fixed moment two hours after one of the municipality's posting times.
BOUNDARY = slot_of(datetime(2024, 5, 6, 6, 0, tzinfo=UTC))
BOUNDARY -= BOUNDARY % POST_EVERY_SLOTS
T0 = slot_start(BOUNDARY + 120)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def connector_for(channel, clock, **extra) -> SandboxConnector:
    credentials = credentials_for(channel)
    return SandboxConnector(Credentials(token="", account_id=credentials.account_id, extra={**credentials.extra, "backfill_hours": 2, **extra}), now=clock)


def test_INB_1_sandbox_is_registered_and_needs_no_token():
    cls = get_connector_class("sandbox")
    assert cls is SandboxConnector
    assert cls.capabilities.hide and cls.capabilities.delete and cls.capabilities.reply


def test_INB_1_sandbox_traffic_is_the_same_for_the_same_seed():
    a, b, other = Traffic("morbyan"), Traffic("morbyan"), Traffic("grannkommunen")
    slots = range(BOUNDARY, BOUNDARY + 90)
    assert [a.slot_events(s) for s in slots] == [b.slot_events(s) for s in slots]
    assert [a.slot_events(s) for s in slots] != [other.slot_events(s) for s in slots]


def test_INB_1_sandbox_traffic_is_believable_and_covers_the_guideline_cases():
    traffic = Traffic("morbyan", rate_per_hour=120)
    events = [e for s in range(BOUNDARY, BOUNDARY + 3 * 24 * 60) for e in traffic.base_events(s)]
    categories = {e.category for e in events}
    assert {"question", "fault_report", "praise", "criticism", "threat", "personal_data", "spam", "own_post", "message"} <= categories
    assert {e.kind for e in events} == {"post", "comment", "reply", "message"}
    numbers = [m for e in events if e.category == "personal_data" for m in re.findall(r"\d{6}-\d{4}", e.text)]
    assert numbers and all(personnummer.valid(n) for n in numbers)
    assert any("å" in e.text or "ä" in e.text or "ö" in e.text for e in events)
    comments = [e for e in events if e.kind == "comment"]
    assert all(e.parent_platform_id.endswith("-p") for e in comments)
    assert any(e.edited_text for e in events) and any(e.removed_later for e in events)


@pytest.mark.django_db
def test_INB_1_sandbox_poll_returns_what_arrived_since_the_cursor():
    channel = make_channel("sandbox", slug="ovning")
    clock = Clock(T0)
    first = poll_channel(channel, connector=connector_for(channel, clock))
    assert first.created > 0
    newest = Item.objects.filter(channel=channel).order_by("-published_at").first().published_at
    assert newest < T0
    assert Item.objects.filter(channel=channel, kind="post", record_status="upprattad").exists()
    # Nothing new has arrived: nothing is read.
    assert poll_channel(channel, connector=connector_for(channel, clock)).read == 0
    clock.now = T0 + timedelta(minutes=45)
    second = poll_channel(channel, connector=connector_for(channel, clock))
    assert second.created > 0
    fresh = Item.objects.filter(channel=channel, first_seen_at__gt=Item.objects.order_by("first_seen_at").first().first_seen_at)
    assert all(T0 <= item.published_at < clock.now for item in fresh.filter(deleted=False))
    assert PollCursor.objects.get(channel=channel).cursor["slot"] == slot_of(clock.now)


@pytest.mark.django_db
def test_REC_1_sandbox_visitors_are_inkommen_and_the_municipality_upprattad():
    channel = make_channel("sandbox", slug="ovning")
    poll_channel(channel, connector=connector_for(channel, Clock(T0), rate_per_hour=120))
    for item in Item.objects.filter(channel=channel):
        expected = "upprattad" if item.author_name == channel.name else "inkommen"
        assert item.record_status == expected, item.text


@pytest.mark.django_db
def test_INB_1_sandbox_hide_delete_and_reply_show_on_the_next_fetch():
    channel = make_channel("sandbox", slug="ovning")
    clock = Clock(T0)
    poll_channel(channel, connector=connector_for(channel, clock, rate_per_hour=120))
    visitors = list(Item.objects.filter(channel=channel, record_status="inkommen", kind="comment", deleted=False)[:2])
    target, removed = visitors
    connector = connector_for(channel, clock)
    connector.hide(target.platform_id)
    connector.delete(removed.platform_id)
    reply_id = connector.reply(target.platform_id, "Hej! Vi har skickat din fråga vidare till gatuavdelningen.")
    assert connector.is_hidden(target.platform_id) and connector.is_deleted(removed.platform_id)

    result = poll_channel(channel, connector=connector_for(channel, clock))
    assert result.created == 1 and result.updated == 1
    reply = Item.objects.get(channel=channel, platform_id=reply_id)
    assert reply.record_status == "upprattad" and reply.kind == "reply" and reply.parent_id == target.pk
    gone = Item.objects.get(pk=removed.pk)
    assert gone.current_deleted and gone.text == removed.text
    assert ItemVersion.objects.get(item=gone).deleted
    # The state lives on the platform's side: a new connector sees it too.
    assert connector_for(channel, clock).is_hidden(target.platform_id)
    with pytest.raises(PlatformError, match="finns inte"):
        connector.hide("sbx-00000000-1-1")


@pytest.mark.django_db
def test_INB_1_sandbox_edits_and_removals_by_writers_become_versions():
    channel = make_channel("sandbox", slug="ovning")
    poll_channel(channel, connector=connector_for(channel, Clock(slot_start(BOUNDARY + 6 * 60 - 1)), rate_per_hour=600, backfill_hours=6))
    versions = ItemVersion.objects.filter(item__channel=channel)
    assert versions.filter(deleted=True).exists()
    edited = versions.filter(deleted=False).first()
    assert edited.text.endswith("(redigerat: rättade stavningen)")
    assert not edited.item.text.endswith("(redigerat: rättade stavningen)")


@pytest.mark.django_db
def test_INB_1_sandbox_polls_page_by_page_with_the_cursor_after_each_page():
    channel = make_channel("sandbox", slug="ovning")
    connector = connector_for(channel, Clock(T0), rate_per_hour=600, page_size=50)
    pages = list(connector.fetch({}))
    assert len(pages) > 3 and all(len(p.items) <= 50 for p in pages)
    # Resuming from any page's cursor gives exactly what followed it.
    middle = len(pages) // 2
    rest = [i.platform_id for p in connector.fetch(pages[middle].cursor) for i in p.items]
    assert rest == [i.platform_id for p in pages[middle + 1 :] for i in p.items]
    raw = json.loads(pages[0].items[0].raw)
    assert raw["id"] == pages[0].items[0].platform_id and "message" in raw


@pytest.mark.django_db
def test_INB_1_periodic_task_polls_active_sandbox_channels_only():
    from uppsikt.inbox.tasks import poll_sandbox_channels_now

    active = make_channel("sandbox", slug="aktiv")
    make_channel("sandbox", slug="foreslagen", status="proposed")
    created = poll_sandbox_channels_now()
    assert set(created) == {"aktiv"} and created["aktiv"] > 0
    assert Item.objects.filter(channel=active).count() == created["aktiv"]
    assert poll_sandbox_channels_now() == {"aktiv": 0}


@pytest.mark.django_db
def test_INB_1_demo_inbox_is_filled_with_days_of_traffic():
    from uppsikt.inbox.demo import fill_demo_inbox

    channel = make_channel("sandbox", slug="ovningskanalen")
    created = fill_demo_inbox(backfill_hours=30)
    assert created["ovningskanalen"] > 0
    oldest = Item.objects.filter(channel=channel).order_by("published_at").first().published_at
    assert datetime.now(tz=UTC) - oldest > timedelta(hours=29)
