"""LinkedIn Community Management API connector against recorded payloads (respx)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from uppsikt.platforms.apiclient import dump_raw
from uppsikt.platforms.base import PlatformError
from uppsikt.platforms.connectors.linkedin import LinkedInConnector
from uppsikt.platforms.registry import UnsupportedAction

from .support import data, items, make, raw, reply, walk

L = "https://api.linkedin.com"
ORG = "urn:li:organization:2414183"
S1 = "urn:li:share:7191234567890123456"
S2 = "urn:li:ugcPost:7190000000000000001"
A1 = "urn:li:activity:7191234567890123456"
C1 = f"urn:li:comment:({A1},7191300000000000001)"


def enc(urn):
    from urllib.parse import quote

    return quote(urn, safe="")


@pytest.fixture
def router():
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{L}/rest/posts", params={"start": "1"}).mock(return_value=reply("linkedin", "posts_page2.json"))
        mock.get(f"{L}/rest/posts").mock(return_value=reply("linkedin", "posts_page1.json"))
        mock.get(f"{L}/rest/socialActions/{enc(S1)}/comments", params={"start": "2"}).mock(return_value=reply("linkedin", "comments_s1_page2.json"))
        mock.get(f"{L}/rest/socialActions/{enc(S1)}/comments").mock(return_value=reply("linkedin", "comments_s1_page1.json"))
        mock.get(f"{L}/rest/socialActions/{enc(C1)}/comments").mock(return_value=reply("linkedin", "comments_nested.json"))
        mock.get(f"{L}/rest/socialActions/{enc(S2)}/comments").mock(return_value=reply("linkedin", "comments_empty.json"))
        yield mock


def test_INB_1_linkedin_posts_comments_paged(router):
    pages = walk(make(LinkedInConnector, account_id="2414183")[0])
    got = items(pages)
    by_id = {i.platform_id: i for i in got}
    assert [i.platform_id for i in got if i.kind == "post"] == [S1, S2]
    assert by_id[S1].is_own and by_id[S1].published_at.isoformat() == "2024-05-01T08:00:00+00:00"
    first = by_id[C1]
    assert first.kind == "comment" and first.parent_platform_id == S1 and first.author_id == "urn:li:person:AbC123dEf"
    assert f"urn:li:comment:({A1},7191300000000000003)" in by_id  # second page by start/count/total
    assert by_id[f"urn:li:comment:({A1},7191300000000000003)"].edited_at is not None
    answer = by_id[f"urn:li:comment:({A1},7191300000000000009)"]
    assert answer.kind == "reply" and answer.is_own and answer.parent_platform_id == C1
    for call in router.calls:
        assert call.request.headers["X-Restli-Protocol-Version"] == "2.0.0"
        assert call.request.headers["LinkedIn-Version"].isdigit()
        assert call.request.headers["Authorization"] == "Bearer hemlig-token-123"
    first_posts = router.calls[0].request.url
    assert "author=urn%3Ali%3Aorganization%3A2414183" in str(first_posts) and first_posts.params["q"] == "author"
    assert pages[-1].cursor["run"] is None


def test_REC_8_linkedin_raw_kept(router):
    pages = walk(make(LinkedInConnector, account_id=ORG)[0])
    assert pages[0].raw == raw("linkedin", "posts_page1.json")
    assert pages[0].items[0].raw == dump_raw(data("linkedin", "posts_page1.json")["elements"][0])


def test_INB_1_linkedin_rate_limit_and_errors(router):
    router.get(f"{L}/rest/posts").mock(side_effect=[httpx.Response(429, headers={"Retry-After": "4"}), reply("linkedin", "comments_empty.json")])
    connector, sleeps = make(LinkedInConnector, account_id=ORG)
    walk(connector)
    assert sleeps.calls == [4.0]
    router.get(f"{L}/rest/posts").mock(return_value=reply("linkedin", "error_401.json", status=401))
    with pytest.raises(PlatformError, match=r"LinkedIn godtog inte åtkomsttoken \(HTTP 401\).*Invalid access token \(INVALID_ACCESS_TOKEN\)"):
        walk(make(LinkedInConnector, account_id=ORG)[0])
    router.get(f"{L}/rest/posts").mock(return_value=httpx.Response(200, json={"elements": {"0": {}}}))
    with pytest.raises(PlatformError, match="oväntad struktur.*'elements'"):
        walk(make(LinkedInConnector, account_id=ORG)[0])


def test_GOV_11_linkedin_has_no_hide_but_delete_and_reply(router):
    deleted = router.delete(f"{L}/rest/socialActions/{enc(A1)}/comments/7191300000000000003").mock(return_value=httpx.Response(204))
    created = router.post(f"{L}/rest/socialActions/{enc(f'urn:li:comment:({A1},7191300000000000003)')}/comments").mock(
        return_value=reply("linkedin", "comment_created.json", status=201, headers={"x-restli-id": f"urn:li:comment:({A1},7191300000000000010)"}))
    connector, _ = make(LinkedInConnector, account_id=ORG)
    assert not LinkedInConnector.capabilities.hide and "inte dölja" in LinkedInConnector.capabilities.notes
    with pytest.raises(UnsupportedAction):
        connector.hide(C1)
    connector.delete(f"urn:li:comment:({A1},7191300000000000003)")
    assert deleted.calls[-1].request.url.params["actor"] == ORG
    new = connector.reply(f"urn:li:comment:({A1},7191300000000000003)", "Tack för frågan! Lönen följer kollektivavtalet.")
    assert new == f"urn:li:comment:({A1},7191300000000000010)"
    body = json.loads(created.calls[-1].request.content)
    assert body == {"actor": ORG, "object": A1, "parentComment": f"urn:li:comment:({A1},7191300000000000003)",
                    "message": {"text": "Tack för frågan! Lönen följer kollektivavtalet."}}
