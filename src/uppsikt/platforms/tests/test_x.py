"""X API v2 connector against recorded payloads (respx)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from uppsikt.platforms.apiclient import ActionRefused, dump_raw
from uppsikt.platforms.base import PlatformError
from uppsikt.platforms.connectors.x import XConnector

from .support import data, items, make, raw, reply, walk

X = "https://api.x.com"
ME = "1500000000000000001"


@pytest.fixture
def router():
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{X}/2/users/{ME}/tweets", params={"pagination_token": "7140dibdnow9c7btw3z2vxiqqc6nm0xp"}).mock(return_value=reply("x", "tweets_page2.json"))
        mock.get(f"{X}/2/users/{ME}/tweets").mock(return_value=reply("x", "tweets_page1.json"))
        mock.get(f"{X}/2/users/{ME}/mentions").mock(return_value=reply("x", "mentions_page1.json"))
        yield mock


def test_INB_1_x_own_posts_and_mentions_paged(router):
    pages = walk(make(XConnector, account_id=ME)[0])
    got = {i.platform_id: i for i in items(pages)}
    assert got["1785000000000000001"].kind == "post" and got["1785000000000000001"].is_own
    assert got["1785000000000000010"].kind == "reply" and got["1785000000000000010"].is_own
    question = got["1785000000000000005"]
    assert question.kind == "comment" and question.parent_platform_id == "1785000000000000001" and not question.is_own
    assert question.author_name == "saranilsson" and question.url == "https://x.com/saranilsson/status/1785000000000000005"
    assert got["1785000000000000011"].kind == "reply"
    assert got["1785000000000000020"].kind == "post" and not got["1785000000000000020"].is_own
    assert "1784000000000000001" in got  # second page through meta.next_token
    assert got["1785000000000000001"].published_at.isoformat() == "2024-05-01T06:30:00+00:00"
    params = router.calls[0].request.url.params
    assert params["expansions"] == "author_id" and "conversation_id" in params["tweet.fields"] and "since_id" not in params
    assert pages[-1].cursor["marks"] == {"tweets": "1785000000000000010", "mentions": "1785000000000000020"}


def test_INB_1_x_next_poll_uses_since_id(router):
    done = walk(make(XConnector, account_id=ME)[0])[-1].cursor
    before = len(router.calls)
    router.get(f"{X}/2/users/{ME}/tweets").mock(return_value=reply("x", "empty.json"))
    router.get(f"{X}/2/users/{ME}/mentions").mock(return_value=reply("x", "empty.json"))
    pages = walk(make(XConnector, account_id=ME)[0], done)
    later = [c.request.url.params for c in list(router.calls)[before:]]
    assert [p["since_id"] for p in later] == ["1785000000000000010", "1785000000000000020"]
    assert items(pages) == [] and pages[-1].cursor["marks"] == done["marks"]


def test_REC_8_x_raw_kept(router):
    pages = walk(make(XConnector, account_id=ME)[0])
    assert pages[0].raw == raw("x", "tweets_page1.json")
    assert pages[0].items[0].raw == dump_raw(data("x", "tweets_page1.json")["data"][0])


def test_INB_1_x_rate_limit_headers(router):
    reset = 1714644000 + 40
    router.get(f"{X}/2/users/{ME}/tweets").mock(side_effect=[
        reply("x", "error_429.json", status=429, headers={"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}),
        reply("x", "tweets_page2.json", headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset + 15)}),
    ])
    connector, sleeps = make(XConnector, account_id=ME)
    walk(connector)
    assert sleeps.calls[0] == pytest.approx(40.0)  # until x-rate-limit-reset
    assert sleeps.calls[1] == pytest.approx(15.0)  # remaining 0: wait for the window before the next call


def test_INB_1_x_retry_after_and_errors(router):
    router.get(f"{X}/2/users/{ME}/tweets").mock(side_effect=[httpx.Response(429, headers={"Retry-After": "5"}), reply("x", "empty.json")])
    connector, sleeps = make(XConnector, account_id=ME)
    walk(connector)
    assert sleeps.calls == [5.0]
    router.get(f"{X}/2/users/{ME}/tweets").mock(return_value=reply("x", "error_401.json", status=401))
    with pytest.raises(PlatformError, match=r"X godtog inte åtkomsttoken \(HTTP 401\) för GET https://api.x.com/2/users/1500000000000000001/tweets"):
        walk(make(XConnector, account_id=ME)[0])
    router.get(f"{X}/2/users/{ME}/tweets").mock(return_value=httpx.Response(200, content=b"upstream connect error"))
    with pytest.raises(PlatformError, match="svarade inte med JSON"):
        walk(make(XConnector, account_id=ME)[0])


def test_GOV_11_x_hide_only_own_conversation(router):
    router.get(f"{X}/2/tweets/1785000000000000005").mock(return_value=reply("x", "tweet_reply_in_own.json"))
    router.get(f"{X}/2/tweets/1785000000000000001").mock(return_value=reply("x", "tweet_root_own.json"))
    router.get(f"{X}/2/tweets/1786000000000000002").mock(return_value=reply("x", "tweet_reply_in_other.json"))
    router.get(f"{X}/2/tweets/1786000000000000001").mock(return_value=reply("x", "tweet_root_other.json"))
    hidden = router.put(f"{X}/2/tweets/1785000000000000005/hidden").mock(return_value=reply("x", "hidden_true.json"))
    other = router.put(f"{X}/2/tweets/1786000000000000002/hidden").mock(return_value=reply("x", "hidden_true.json"))
    connector, _ = make(XConnector, account_id=ME)

    connector.hide("1785000000000000005")
    assert json.loads(hidden.calls[-1].request.content) == {"hidden": True}

    with pytest.raises(ActionRefused, match="trådar som kontot självt har startat"):
        connector.hide("1786000000000000002")
    assert not other.called
    with pytest.raises(ActionRefused, match="inget svar"):
        connector.hide("1785000000000000001")


def test_GOV_11_x_delete_only_own_and_reply(router):
    router.get(f"{X}/2/tweets/1785000000000000001").mock(return_value=reply("x", "tweet_root_own.json"))
    router.get(f"{X}/2/tweets/1785000000000000005").mock(return_value=reply("x", "tweet_reply_in_own.json"))
    deleted = router.delete(f"{X}/2/tweets/1785000000000000001").mock(return_value=reply("x", "deleted.json"))
    created = router.post(f"{X}/2/tweets").mock(return_value=reply("x", "reply_created.json", status=201))
    connector, _ = make(XConnector, account_id=ME)
    connector.delete("1785000000000000001")
    assert deleted.called
    with pytest.raises(ActionRefused, match="inte kontots eget"):
        connector.delete("1785000000000000005")
    assert connector.reply("1785000000000000005", "@saranilsson Nu är vägen plogad. Tack för tipset!") == "1785000000000000099"
    assert json.loads(created.calls[-1].request.content)["reply"] == {"in_reply_to_tweet_id": "1785000000000000005"}
