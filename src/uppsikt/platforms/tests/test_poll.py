"""``uppsikt channel connect`` + ``uppsikt poll`` end to end, against a real local Graph stand-in."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from uppsikt.cli import main
from uppsikt.inbox.models import Item, PollCursor
from uppsikt.platforms import apiclient, services

from .standin import P3, PAGE, GraphStandIn, comment_pages


@pytest.fixture
def no_waiting(monkeypatch):
    waits = []
    monkeypatch.setattr(apiclient, "default_sleep", waits.append)
    return waits


def create_and_connect(capsys, tmp_path, api_base: str, name: str = "Exempelby kommun") -> str:
    assert main(["channel", "create", "--platform", "facebook", "--name", name]) == 0
    slug = capsys.readouterr().out.strip()
    token = tmp_path / "token.txt"
    token.write_text("EAAGm0PX4ZCpsBAtest-token\n", encoding="utf-8")
    assert main(["channel", "connect", slug, "--token-file", str(token), "--account-id", PAGE, "--api-base", api_base]) == 0
    capsys.readouterr()
    return slug


def poll(capsys, slug: str) -> tuple[int, dict | None, str]:
    status = main(["poll", slug])
    captured = capsys.readouterr()
    return status, (json.loads(captured.out) if status == 0 else None), captured.err


def test_INB_1_poll_through_local_standin_twice_is_idempotent(db, capsys, tmp_path, no_waiting):
    with GraphStandIn() as standin:
        slug = create_and_connect(capsys, tmp_path, standin.api_base)
        status, first, _ = poll(capsys, slug)
        assert status == 0
        assert first == {"fetched": 9, "created": 9, "updated": 0}
        status, second, _ = poll(capsys, slug)
        assert status == 0
        # The stand-in ignores ``since`` and serves the posts and comments again; nothing new is created.
        # The conversation was last updated before the first poll, so its messages are not read again.
        assert second == {"fetched": 7, "created": 0, "updated": 0}
        # The paths and the paging are Graph's own; only the root is the stand-in's.
        assert any(path.startswith(f"/v21.0/{PAGE}/feed?") and "after=QVFIUjJhZAnRlcjE2ZD" in path for path in standin.requests)
        assert any("filter=stream" in path and "order=chronological" in path for path in standin.requests)
    items = Item.objects.filter(channel__slug=slug)
    assert items.count() == 9
    kinds = {i.platform_id: (i.kind, i.record_status) for i in items}
    assert kinds[f"{PAGE}_812345678901234"] == ("post", "upprattad")
    assert kinds[f"{PAGE}_812345678905678"] == ("post", "inkommen")
    assert kinds["812345678901234_998877665544002"] == ("reply", "upprattad")


def test_REC_2_poll_failure_on_page_2_keeps_page_1_and_resumes(db, capsys, tmp_path, no_waiting):
    with GraphStandIn() as standin:
        slug = create_and_connect(capsys, tmp_path, standin.api_base)
        standin.fail.add((f"/v21.0/{PAGE}/feed", "QVFIUjJhZAnRlcjE2ZD"))
        status, _, err = poll(capsys, slug)
        assert status == 1
        assert err.startswith("uppsikt: Facebook svarade med serverfel (HTTP 500) för GET http://127.0.0.1:")
        assert len(err.strip().splitlines()) == 1 and "test-token" not in err
        stored = set(Item.objects.filter(channel__slug=slug).values_list("platform_id", flat=True))
        assert f"{PAGE}_812345678901234" in stored and f"{PAGE}_812345678905678" in stored  # page 1 committed
        assert "812345678901234_998877665544003" in stored  # with its comments
        assert P3 not in stored
        cursor = PollCursor.objects.get(channel__slug=slug).cursor
        resume = cursor["run"]["queue"][0]
        assert resume["t"] == "feed" and "after=QVFIUjJhZAnRlcjE2ZD" in resume["url"] and "access_token" not in json.dumps(cursor)

        standin.fail.clear()
        status, again, _ = poll(capsys, slug)
        assert status == 0
        assert again["created"] == 3  # the last post and the two messages
    ids = list(Item.objects.filter(channel__slug=slug).values_list("platform_id", flat=True))
    assert len(ids) == len(set(ids)) == 9
    assert PollCursor.objects.get(channel__slug=slug).cursor["run"] is None


def _poll_comments(channel, total: int, *, trace: bool = True) -> tuple[int, int]:
    routes = {(f"/v21.0/{PAGE}/feed", None): "feed_page2.json", (f"/v21.0/{PAGE}/conversations", None): "comments_empty.json"}
    with GraphStandIn(routes) as standin:
        standin.dynamic[f"/v21.0/{P3}/comments"] = comment_pages(P3, total)
        services.connect_channel(channel, "EAAGtoken", account_id=PAGE, api_base=standin.api_base)
        if not trace:
            return services.poll(channel).created, 0
        tracemalloc.start()
        try:
            summary = services.poll(channel)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return summary.created, peak


@pytest.mark.django_db
def test_REC_2_poll_10000_comments_with_bounded_memory(no_waiting):
    from uppsikt.channels.tests.factories import proposed

    _poll_comments(proposed(platform="facebook", name="Uppvärmning"), 100, trace=False)  # imports and caches, once
    small = proposed(platform="facebook", name="Liten kanal")
    large = proposed(platform="facebook", name="Stor kanal")
    created_small, peak_small = _poll_comments(small, 1_000)
    created_large, peak_large = _poll_comments(large, 10_000)
    assert created_small == 1_001 and created_large == 10_001  # the post and its comments
    assert Item.objects.filter(channel=large, kind="comment").count() == 10_000
    # Ten times the comments, but memory stays that of a page or two, not of the whole walk
    # (holding 10,000 items with their raw records would take well over 10 MB).
    assert peak_large < peak_small * 2 + 1_000_000, (peak_small, peak_large)
    assert peak_large < 8_000_000, peak_large
