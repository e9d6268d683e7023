"""Mastodon REST API connector against recorded payloads (respx)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from uppsikt.platforms.apiclient import ActionRefused, dump_raw
from uppsikt.platforms.base import PlatformError
from uppsikt.platforms.connectors.mastodon import MastodonConnector
from uppsikt.platforms.registry import UnsupportedAction

from .support import data, items, make, raw, reply, walk

M = "https://social.exempelby.se"
ME = "109876543210987654"
NEXT = f'<{M}/api/v1/accounts/{ME}/statuses?max_id=112345678901234500>; rel="next", <{M}/api/v1/accounts/{ME}/statuses?min_id=112345678901234567>; rel="prev"'


@pytest.fixture
def router():
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{M}/api/v1/accounts/{ME}/statuses", params={"max_id": "112345678901234500"}).mock(return_value=reply("mastodon", "statuses_page2.json"))
        mock.get(f"{M}/api/v1/accounts/{ME}/statuses").mock(return_value=reply("mastodon", "statuses_page1.json", headers={"Link": NEXT}))
        mock.get(f"{M}/api/v1/notifications").mock(return_value=reply("mastodon", "notifications.json"))
        mock.get(f"{M}/api/v1/statuses/112345678901234567/context").mock(return_value=reply("mastodon", "context.json"))
        yield mock


def connector(**kw):
    return make(MastodonConnector, account_id=ME, api_base=M, **kw)


def test_INB_1_mastodon_statuses_mentions_context_paged(router):
    pages = walk(connector()[0])
    got = items(pages)
    by_id = {i.platform_id: i for i in got}
    assert by_id["112345678901234567"].kind == "post" and by_id["112345678901234567"].is_own
    assert by_id["112345678901234567"].text.startswith("Nu kan du söka plats i förskola")
    assert "\n" in by_id["112345678901234567"].text and "<p>" not in by_id["112345678901234567"].text
    assert by_id["112345678901234400"].text == "Välkommen till Valborg i Folkets park & fyrverkeri kl. 22!"  # page 2 by Link rel=next
    question = by_id["112345678901234600"]
    assert question.kind == "comment" and question.parent_platform_id == "112345678901234567" and question.author_name == "Elin Ågren"
    assert by_id["112345678901234650"].kind == "reply" and by_id["112345678901234650"].is_own  # from the context
    assert by_id["112345678901234700"].kind == "message"  # visibility: direct
    assert all(i.published_at.tzinfo is not None for i in got)
    notif = next(c.request for c in router.calls if c.request.url.path == "/api/v1/notifications")
    assert notif.url.params.get_list("types[]") == ["mention"]
    assert pages[-1].cursor["marks"] == {"statuses": "112345678901234567", "mentions": "34975861"}


def test_INB_1_mastodon_next_poll_since_id(router):
    done = walk(connector()[0])[-1].cursor
    before = len(router.calls)
    router.get(f"{M}/api/v1/accounts/{ME}/statuses").mock(return_value=httpx.Response(200, json=[]))
    router.get(f"{M}/api/v1/notifications").mock(return_value=httpx.Response(200, json=[]))
    walk(connector()[0], done)
    later = [c.request.url.params["since_id"] for c in list(router.calls)[before:]]
    assert later == ["112345678901234567", "34975861"]


def test_REC_8_mastodon_raw_kept(router):
    pages = walk(connector()[0])
    assert pages[0].raw == raw("mastodon", "statuses_page1.json")
    notification_page = next(p for p in pages if "notifications" in p.request)
    assert notification_page.items[0].raw == dump_raw(data("mastodon", "notifications.json")[0]["status"])


def test_INB_1_mastodon_rate_limit_and_errors(router):
    router.get(f"{M}/api/v1/notifications").mock(side_effect=[
        httpx.Response(429, headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2024-05-02T10:00:12.000Z"}, json={"error": "Too many requests"}),
        httpx.Response(200, json=[]),
    ])
    c, sleeps = connector()
    walk(c)
    assert sleeps.calls == [pytest.approx(12.0)]
    router.get(f"{M}/api/v1/notifications").mock(return_value=reply("mastodon", "error_401.json", status=401))
    with pytest.raises(PlatformError, match=r"Mastodon godtog inte åtkomsttoken \(HTTP 401\) för GET https://social.exempelby.se/api/v1/notifications.*The access token is invalid"):
        walk(connector()[0])


def test_INB_1_mastodon_needs_instance():
    with pytest.raises(PlatformError, match="--api-base"):
        make(MastodonConnector, account_id=ME)


def test_GOV_11_mastodon_delete_only_own_no_hide(router):
    router.get(f"{M}/api/v1/statuses/112345678901234567").mock(return_value=reply("mastodon", "status_own.json"))
    router.get(f"{M}/api/v1/statuses/112345678901234600").mock(return_value=reply("mastodon", "status_other.json"))
    deleted = router.delete(f"{M}/api/v1/statuses/112345678901234567").mock(return_value=reply("mastodon", "status_own.json"))
    created = router.post(f"{M}/api/v1/statuses").mock(return_value=reply("mastodon", "reply_created.json"))
    c, _ = connector()
    with pytest.raises(UnsupportedAction):
        c.hide("112345678901234600")
    c.delete("112345678901234567")
    assert deleted.called
    with pytest.raises(ActionRefused, match="anmäl"):
        c.delete("112345678901234600")
    assert c.reply("112345678901234700", "Hej Per! Kontakta kommunens kontaktcenter.") == "112345678901234800"
    assert json.loads(created.calls[-1].request.content) == {"status": "Hej Per! Kontakta kommunens kontaktcenter.", "in_reply_to_id": "112345678901234700"}
