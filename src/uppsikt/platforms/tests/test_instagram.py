"""Instagram Graph API connector against recorded payloads (respx)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from uppsikt.platforms.apiclient import dump_raw
from uppsikt.platforms.base import PlatformError
from uppsikt.platforms.connectors.instagram import InstagramConnector, webhook_items

from .support import data, items, make, raw, reply, walk

IG = "17841400000000001"
G = "https://graph.facebook.com/v21.0"


@pytest.fixture
def router():
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{G}/{IG}/media", params={"after": "QVFIUm1lZGlhYTQ"}).mock(return_value=reply("instagram", "media_page2.json"))
        mock.get(f"{G}/{IG}/media").mock(return_value=reply("instagram", "media_page1.json"))
        mock.get(f"{G}/17900000000000001/comments").mock(return_value=reply("instagram", "comments_m1.json"))
        mock.get(f"{G}/17900000000000002/comments").mock(return_value=reply("instagram", "comments_empty.json"))
        mock.get(f"{G}/17900000000000003/comments").mock(return_value=reply("instagram", "comments_empty.json"))
        yield mock


def test_INB_1_instagram_media_comments_replies_paged(router):
    pages = walk(make(InstagramConnector, account_id=IG)[0])
    got = items(pages)
    by_id = {i.platform_id: i for i in got}
    assert [i.platform_id for i in got if i.kind == "post"] == ["17900000000000001", "17900000000000002", "17900000000000003"]
    assert all(i.is_own for i in got if i.kind == "post")
    question = by_id["17865000000000001"]
    assert question.kind == "comment" and question.parent_platform_id == "17900000000000001" and not question.is_own
    answer = by_id["17865000000000002"]
    assert answer.kind == "reply" and answer.is_own and answer.parent_platform_id == "17865000000000001"
    assert question.author_name == "maja.lindqvist"
    assert all(i.published_at.tzinfo is not None for i in got)
    assert pages[-1].cursor["run"] is None
    fields = next(c.request for c in router.calls if c.request.url.path.endswith("/comments")).url.params["fields"]
    assert "replies{" in fields and "timestamp" in fields and "from{id,username}" in fields


def test_REC_8_instagram_raw_kept(router):
    pages = walk(make(InstagramConnector, account_id=IG)[0])
    comments_page = next(p for p in pages if p.request.endswith(("/comments", "")) and p.items and p.items[0].kind == "comment")
    assert comments_page.raw == raw("instagram", "comments_m1.json")
    recorded = data("instagram", "comments_m1.json")["data"][0]
    assert comments_page.items[0].raw == dump_raw(recorded)
    reply_obj = recorded["replies"]["data"][0]
    assert comments_page.items[1].raw == dump_raw(reply_obj)


def test_INB_1_instagram_rate_limit_and_errors(router):
    route = router.get(f"{G}/17900000000000002/comments")
    route.side_effect = [httpx.Response(429, headers={"Retry-After": "3"}), reply("instagram", "comments_empty.json")]
    connector, sleeps = make(InstagramConnector, account_id=IG)
    walk(connector)
    assert sleeps.calls == [3.0]

    router.get(f"{G}/{IG}/media").mock(return_value=httpx.Response(502, text="Bad Gateway"))
    with pytest.raises(PlatformError, match=r"Instagram svarade med serverfel \(HTTP 502\) för GET .*/media"):
        walk(make(InstagramConnector, account_id=IG)[0])


def test_INB_1_instagram_needs_account_id():
    with pytest.raises(PlatformError, match="--account-id"):
        walk(make(InstagramConnector)[0])


def test_MOD_2_instagram_hide_unhide_delete_reply(router):
    hide = router.post(f"{G}/17865000000000003").mock(return_value=reply("instagram", "success.json"))
    delete = router.delete(f"{G}/17865000000000003").mock(return_value=reply("instagram", "success.json"))
    answer = router.post(f"{G}/17865000000000001/replies").mock(return_value=reply("instagram", "reply_created.json"))
    connector, _ = make(InstagramConnector, account_id=IG)
    connector.hide("17865000000000003")
    assert hide.calls[-1].request.url.params["hide"] == "true"
    connector.unhide("17865000000000003")
    assert hide.calls[-1].request.url.params["hide"] == "false"
    connector.delete("17865000000000003")
    assert delete.called
    assert connector.reply("17865000000000001", "Hej Maja! Välkommen!") == "17865000000000009"
    assert answer.calls[-1].request.url.params["message"] == "Hej Maja! Välkommen!"


def test_INB_1_instagram_webhook_comment():
    entry = data("instagram", "webhook_comments.json")["entry"][0]
    got = webhook_items(entry, IG)
    assert len(got) == 1 and got[0].kind == "comment" and got[0].parent_platform_id == "17900000000000001"
    assert got[0].author_name == "erik_svensson" and json.loads(got[0].raw)["text"] == "Vilka fina bilder ni tar!"
