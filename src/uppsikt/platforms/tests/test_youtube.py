"""YouTube Data API v3 connector against recorded payloads (respx)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from uppsikt.platforms.apiclient import dump_raw
from uppsikt.platforms.base import PlatformError
from uppsikt.platforms.connectors.youtube import YouTubeConnector

from .support import data, items, make, raw, reply, walk

Y = "https://www.googleapis.com/youtube/v3"
CH = "UCx5XG1OV2P6uZZ5FSM9Ttwg"
T1 = "UgzQh7Lr9xYvN3kFmJp4AaABAg"
T2 = "UgwB2cD3eF4gH5iJ6kL7AaABAg"


@pytest.fixture
def router():
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{Y}/channels").mock(return_value=reply("youtube", "channels.json"))
        mock.get(f"{Y}/playlistItems", params={"pageToken": "EAAaBlBUOkNBRQ"}).mock(return_value=reply("youtube", "playlistItems_page2.json"))
        mock.get(f"{Y}/playlistItems").mock(return_value=reply("youtube", "playlistItems_page1.json"))
        mock.get(f"{Y}/commentThreads", params={"pageToken": "QURTSl9pMlJ0ZjZ1"}).mock(return_value=reply("youtube", "commentThreads_page2.json"))
        mock.get(f"{Y}/commentThreads").mock(return_value=reply("youtube", "commentThreads_page1.json"))
        mock.get(f"{Y}/comments", params={"parentId": T1}).mock(return_value=reply("youtube", "comments_replies.json"))
        yield mock


def test_INB_1_youtube_videos_threads_replies_paged(router):
    connector, _ = make(YouTubeConnector, account_id=CH)
    pages = walk(connector)
    got = items(pages)
    posts = [i for i in got if i.kind == "post"]
    assert [p.platform_id for p in posts] == ["kF3x9QzT1aB", "Zx8Wv7Ut6Sr"]
    assert posts[0].text.startswith("Kommunfullmäktige 25 april 2024") and posts[0].url.endswith("v=kF3x9QzT1aB")
    top = next(i for i in got if i.platform_id == T1)
    assert top.kind == "comment" and top.parent_platform_id == "kF3x9QzT1aB" and top.author_name == "Göran Ålund" and not top.is_own
    replies = [i for i in got if i.kind == "reply"]
    assert {r.parent_platform_id for r in replies} == {T1}
    assert any(r.is_own for r in replies)  # the channel's own answer
    assert T1 + ".9zA1bC2dE4g" in {r.platform_id for r in replies}  # fetched with comments.list?parentId
    assert next(i for i in got if i.platform_id == T2).edited_at is not None
    threads = next(c.request for c in router.calls if c.request.url.path.endswith("/commentThreads")).url.params
    assert threads["allThreadsRelatedToChannelId"] == CH and threads["part"] == "snippet,replies" and threads["maxResults"] == "100"
    assert all(c.request.headers["Authorization"] == "Bearer hemlig-token-123" for c in router.calls)
    assert pages[-1].cursor["run"] is None


def test_REC_8_youtube_raw_kept(router):
    pages = walk(make(YouTubeConnector, account_id=CH)[0])
    thread_page = next(p for p in pages if "/commentThreads" in p.request)
    assert thread_page.raw == raw("youtube", "commentThreads_page1.json")
    recorded = data("youtube", "commentThreads_page1.json")["items"][0]["snippet"]["topLevelComment"]
    assert thread_page.items[0].raw == dump_raw(recorded)


def test_INB_1_youtube_rate_limit_and_quota(router):
    router.get(f"{Y}/channels").mock(side_effect=[httpx.Response(429, headers={"Retry-After": "2"}), reply("youtube", "channels.json")])
    connector, sleeps = make(YouTubeConnector, account_id=CH)
    walk(connector)
    assert sleeps.calls[0] == 2.0

    router.get(f"{Y}/channels").mock(return_value=reply("youtube", "error_quota.json", status=403))
    with pytest.raises(PlatformError, match=r"nekade åtkomst \(HTTP 403\) för GET https://www.googleapis.com/youtube/v3/channels.*dagskvoten.*quotaExceeded"):
        walk(make(YouTubeConnector, account_id=CH)[0])


def test_INB_1_youtube_garbage_answer(router):
    router.get(f"{Y}/commentThreads").mock(return_value=httpx.Response(200, json={"kind": "youtube#commentThreadListResponse", "items": [{"id": T1}]}))
    connector, _ = make(YouTubeConnector, account_id=CH)
    with pytest.raises(PlatformError, match=r"oväntad struktur för GET .*/commentThreads.*trådens 'snippet'"):
        walk(connector, {"v": 1, "since": None, "marks": {}, "run": {"started": 1, "queue": [{"t": "threads"}], "marks": {}}})


def test_MOD_2_youtube_hide_is_held_for_review_delete_is_reject(router):
    status = router.post(f"{Y}/comments/setModerationStatus").mock(return_value=httpx.Response(204))
    router.get(f"{Y}/comments", params={"id": T2}).mock(return_value=reply("youtube", "comment_other.json"))
    connector, _ = make(YouTubeConnector, account_id=CH)
    connector.hide(T2)
    assert status.calls[-1].request.url.params["moderationStatus"] == "heldForReview"
    connector.unhide(T2)
    assert status.calls[-1].request.url.params["moderationStatus"] == "published"
    connector.delete(T2)
    assert status.calls[-1].request.url.params["moderationStatus"] == "rejected"
    assert status.calls[-1].request.url.params["id"] == T2
    assert "går inte att ångra" in YouTubeConnector.capabilities.notes


def test_MOD_2_youtube_own_comment_is_deleted_and_reply(router):
    own = data("youtube", "comments_replies.json")["items"][0]
    router.get(f"{Y}/comments", params={"id": own["id"]}).mock(return_value=httpx.Response(200, json={"items": [own]}))
    deleted = router.delete(f"{Y}/comments").mock(return_value=httpx.Response(204))
    created = router.post(f"{Y}/comments").mock(return_value=reply("youtube", "reply_created.json"))
    connector, _ = make(YouTubeConnector, account_id=CH)
    connector.delete(own["id"])
    assert deleted.calls[-1].request.url.params["id"] == own["id"]
    new_id = connector.reply(T1 + ".9zA1bC2dE4g", "Tack för frågan!")
    body = json.loads(created.calls[-1].request.content)
    assert body == {"snippet": {"parentId": T1, "textOriginal": "Tack för frågan!"}}
    assert new_id == T1 + ".9zA1bC2dE9z"
