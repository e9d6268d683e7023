"""Scheduled polling with Huey: due channels only, each in its own task, one at a time per channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from uppsikt.channels.models import Channel, Status
from uppsikt.platforms import services, tasks
from uppsikt.platforms.models import ChannelConnection
from uppsikt.platforms.registry import all_connectors


@pytest.fixture
def polled(monkeypatch):
    calls = []

    def fake_poll(channel, **kwargs):
        calls.append(channel.slug)
        return services.PollSummary(fetched=0, created=0, updated=0)

    monkeypatch.setattr(services, "poll", fake_poll)
    return calls


def make_channel(name, *, status=Status.ACTIVE, connected=True, polled_minutes_ago=None):
    from uppsikt.channels.tests.factories import proposed

    channel = proposed(platform="facebook", name=name)
    Channel.objects.filter(pk=channel.pk).update(status=status)
    if connected:
        services.connect_channel(channel, "EAAGtoken", account_id="104857600000001")
        if polled_minutes_ago is not None:
            ChannelConnection.objects.filter(channel=channel).update(last_polled_at=timezone.now() - timedelta(minutes=polled_minutes_ago))
    channel.refresh_from_db()
    return channel


@pytest.mark.django_db
def test_REC_2_schedule_polls_only_due_active_connected_channels(polled):
    due = make_channel("Aldrig hämtad")
    late = make_channel("Hämtad för länge sedan", polled_minutes_ago=6)
    make_channel("Nyss hämtad", polled_minutes_ago=1)
    make_channel("Inte aktiv", status=Status.PROPOSED)
    make_channel("Inte kopplad", connected=False)
    queued = tasks.schedule_polls.call_local()  # what the every-minute run does; the polls run at once (immediate mode)
    assert sorted(queued) == sorted([due.pk, late.pk])
    assert sorted(polled) == sorted([due.slug, late.slug])


@pytest.mark.django_db
def test_REC_2_one_poll_at_a_time_per_channel(polled):
    channel = make_channel("Låst kanal")
    with HUEY.lock_task(tasks.lock_name(channel.pk)):
        result = tasks.poll_channel_task(channel.pk)
        assert (result.get() if hasattr(result, "get") else result) is None
    assert polled == []
    result = tasks.poll_channel_task(channel.pk)
    assert (result.get() if hasattr(result, "get") else result) == {"fetched": 0, "created": 0, "updated": 0}
    assert polled == [channel.slug]


@pytest.mark.django_db
def test_REC_2_default_poll_interval_is_five_minutes():
    channel = make_channel("Standardintervall")
    assert services.poll_interval(channel) == timedelta(minutes=5)


def test_GOV_11_every_platform_declares_its_capabilities():
    connectors = all_connectors()
    assert {"facebook", "instagram", "x", "youtube", "linkedin", "mastodon"} <= set(connectors)
    for name in ("facebook", "instagram", "x", "youtube", "linkedin", "mastodon"):
        caps = connectors[name].capabilities
        assert caps.notes, name  # a Swedish note where the platform differs
        assert caps.reply and caps.delete
    assert not connectors["linkedin"].capabilities.hide and not connectors["mastodon"].capabilities.hide
    assert connectors["facebook"].capabilities.webhook and connectors["instagram"].capabilities.webhook


def test_REC_2_poll_interval_comes_from_the_policy(db, roles):
    from uppsikt.channels import services as channel_services
    from uppsikt.policies.loader import preset_data
    from uppsikt.policies.models import MunicipalPolicy

    data = preset_data("mora")
    data["name"] = "mora-tat"
    data["response"]["poll_interval_minutes"] = 2
    MunicipalPolicy.objects.create(name="mora-tat", based_on="mora", data=data)
    channel = channel_services.propose_channel(name="Tät bevakning", platform="facebook", policy_name="mora-tat", actor=None)
    assert services.poll_interval(channel) == timedelta(minutes=2)
