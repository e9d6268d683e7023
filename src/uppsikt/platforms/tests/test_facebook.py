"""Facebook Graph API connector against recorded payloads (respx)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from uppsikt.platforms.apiclient import dump_raw
from uppsikt.platforms.base import PlatformError
from uppsikt.platforms.connectors.facebook import FacebookConnector, webhook_items

from .support import data, items, make, raw, reply, walk

PAGE = "104857600000001"
G = "https://graph.facebook.com/v21.0"
P1, P2, P3 = f"{PAGE}_812345678901234", f"{PAGE}_812345678905678", f"{PAGE}_812345678909999"
TOKEN = "hemlig-token-123"


def route_all(router, base=G):
    router.get(f"{base}/{PAGE}/feed", params={"after": "QVFIUjJhZAnRlcjE2ZD"}).mock(return_value=reply("facebook", "feed_page2.json"))
    router.get(f"{base}/{PAGE}/feed").mock(return_value=reply("facebook", "feed_page1.json"))
    router.get(f"{base}/{P1}/comments", params={"after": "MwZDZD"}).mock(return_value=reply("facebook", "comments_p1_page2.json"))
    router.get(f"{base}/{P1}/comments").mock(return_value=reply("facebook", "comments_p1_page1.json"))
    router.get(f"{base}/{P2}/comments").mock(return_value=reply("facebook", "comments_p2.json"))
    router.get(f"{base}/{P3}/comments").mock(return_value=reply("facebook", "comments_empty.json"))
    router.get(f"{base}/{PAGE}/conversations").mock(return_value=reply("facebook", "conversations.json"))
    router.get(f"{base}/t_10161234567890123/messages").mock(return_value=reply("facebook", "messages.json"))


@pytest.fixture
def router():
    with respx.mock(assert_all_called=False) as mock:
        yield mock


def test_INB_1_facebook_feed_and_comments_paged(router):
    route_all(router)
    connector, _ = make(FacebookConnector, account_id=PAGE)
    pages = walk(connector)
    got = items(pages)
    by_id = {i.platform_id: i for i in got}

    assert [i.platform_id for i in got if i.kind == "post"] == [P1, P2, P3]
    assert by_id[P1].is_own and not by_id[P2].is_own  # a visitor's post on the page
    assert by_id[P2].author_name == "Åsa Öberg"
    assert by_id["812345678901234_998877665544001"].kind == "comment"
    assert by_id["812345678901234_998877665544001"].parent_platform_id == P1
    answer = by_id["812345678901234_998877665544002"]
    assert answer.kind == "reply" and answer.is_own and answer.parent_platform_id == "812345678901234_998877665544001"
    assert by_id["812345678901234_998877665544003"].kind == "reply"  # from the second page of comments
    messages = [i for i in got if i.kind == "message"]
    assert {m.is_own for m in messages} == {True, False}
    assert all(i.published_at.tzinfo is not None for i in got)
    assert by_id[P1].published_at.isoformat() == "2024-05-01T08:00:00+00:00"
    assert by_id[P1].url.endswith("/posts/812345678901234") and by_id[P1].media

    # Documented paths and parameters; the token as access_token, never shown.
    comment_call = next(c for c in router.calls if c.request.url.path.endswith(f"{P1}/comments"))
    params = comment_call.request.url.params
    assert params["filter"] == "stream" and params["order"] == "chronological" and params["access_token"] == TOKEN
    assert "parent{id}" in params["fields"] and "from{id,name}" in params["fields"]
    assert all(TOKEN not in p.request and "access_token" not in p.request for p in pages)
    assert all(TOKEN not in json.dumps(p.cursor) for p in pages)
    assert pages[-1].cursor["run"] is None and pages[-1].cursor["since"] is not None


def test_REC_8_raw_record_kept_byte_for_byte(router):
    route_all(router)
    connector, _ = make(FacebookConnector, account_id=PAGE)
    pages = walk(connector)
    assert pages[0].raw == raw("facebook", "feed_page1.json")  # \u00f6 escapes and all
    recorded = data("facebook", "feed_page1.json")["data"][0]
    first = pages[0].items[0]
    assert first.raw == dump_raw(recorded)
    assert json.loads(first.raw) == recorded
    assert list(json.loads(first.raw)) == list(recorded)  # key order as it came
    again = walk(make(FacebookConnector, account_id=PAGE)[0])
    assert again[0].items[0].raw == first.raw  # deterministic


def test_INB_1_facebook_next_poll_resumes_from_cursor(router):
    route_all(router)
    connector, _ = make(FacebookConnector, account_id=PAGE)
    first_page = next(iter(connector.fetch({})))
    queue = first_page.cursor["run"]["queue"]
    assert [t["t"] for t in queue] == ["comments", "comments", "feed", "conversations"]
    assert "after=QVFIUjJhZAnRlcjE2ZD" in queue[2]["url"] and "access_token" not in queue[2]["url"]
    rest = walk(make(FacebookConnector, account_id=PAGE)[0], first_page.cursor)
    assert P3 in {i.platform_id for i in items(rest)}
    assert P1 not in {i.platform_id for i in items(rest) if i.kind == "post"}


def test_INB_1_facebook_later_poll_asks_since_last(router):
    route_all(router)
    connector, sleeps = make(FacebookConnector, account_id=PAGE)
    done = walk(connector)[-1].cursor
    before = len(router.calls)
    walk(make(FacebookConnector, account_id=PAGE, sleeps=sleeps)[0], done)
    later = [c.request for c in list(router.calls)[before:]]
    feed = next(r for r in later if r.url.path.endswith("/feed"))
    comments = next(r for r in later if r.url.path.endswith("/comments"))
    assert int(feed.url.params["since"]) == done["since"] - FacebookConnector.lookback_seconds
    assert int(comments.url.params["since"]) == done["since"] - FacebookConnector.margin_seconds


def test_INB_1_facebook_rate_limit_waits_retry_after(router):
    route = router.get(f"{G}/{PAGE}/feed")
    route.side_effect = [httpx.Response(429, headers={"Retry-After": "7"}, json={"error": {"message": "Too many calls", "code": 4}}), reply("facebook", "feed_page2.json")]
    connector, sleeps = make(FacebookConnector, account_id=PAGE)
    connector.include_messages = False
    router.get(f"{G}/{P3}/comments").mock(return_value=reply("facebook", "comments_empty.json"))
    got = items(walk(connector))
    assert sleeps.calls == [7.0]
    assert [i.platform_id for i in got] == [P3]


def test_INB_1_facebook_throttling_code_and_usage_headers(router):
    usage = json.dumps({PAGE: [{"type": "pages", "call_count": 100, "total_cputime": 20, "total_time": 30, "estimated_time_to_regain_access": 1}]})
    route = router.get(f"{G}/{PAGE}/feed")
    route.side_effect = [reply("facebook", "error_throttled.json", status=400, headers={"X-Business-Use-Case-Usage": usage}), reply("facebook", "feed_page2.json")]
    router.get(f"{G}/{P3}/comments").mock(return_value=reply("facebook", "comments_empty.json", headers={"X-App-Usage": '{"call_count":96,"total_cputime":10,"total_time":12}'}))
    router.get(f"{G}/{PAGE}/conversations").mock(return_value=reply("facebook", "comments_empty.json"))
    connector, sleeps = make(FacebookConnector, account_id=PAGE)
    walk(connector)
    assert sleeps.calls[0] == 60.0  # code 32: the estimated minute to regain access
    assert sleeps.calls[1] == pytest.approx(30.0)  # X-App-Usage at 96 %: hold off before the next call


def test_INB_1_facebook_usage_beyond_bound_stops_with_clear_error(router):
    usage = json.dumps({PAGE: [{"type": "pages", "call_count": 100, "total_cputime": 5, "total_time": 5, "estimated_time_to_regain_access": 30}]})
    router.get(f"{G}/{PAGE}/feed").mock(return_value=reply("facebook", "feed_page2.json", headers={"X-Business-Use-Case-Usage": usage}))
    connector, sleeps = make(FacebookConnector, account_id=PAGE)
    pages = connector.fetch({})
    first = next(pages)
    assert first.items[0].platform_id == P3
    with pytest.raises(PlatformError, match="anropskvot.*1800 sekunder"):
        next(pages)
    assert sleeps.calls == []


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (lambda: reply("facebook", "error_token.json", status=400), r"godtog inte åtkomsttoken \(HTTP 400\) för GET https://graph.facebook.com/v21.0/104857600000001/feed\?.*Session has expired.*kod 190/463"),
        (lambda: httpx.Response(500, text="Internal Server Error"), r"serverfel \(HTTP 500\) för GET https://graph.facebook.com/v21.0/104857600000001/feed.*efter 4 försök"),
        (lambda: httpx.Response(404, json={"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}}), r"hittade inte.*HTTP 404.*Unsupported get request"),
        (lambda: httpx.Response(200, content=b"<html><body>Sorry, something went wrong.</body></html>"), r"svarade inte med JSON för GET .*/feed.*<html>"),
        (lambda: httpx.Response(200, json={"data": {"id": "1"}}), r"oväntad struktur för GET .*/feed.*'data'"),
        (lambda: httpx.Response(200, json={"data": [{"message": "utan id", "created_time": "2024-05-01T08:00:00+0000"}]}), r"oväntad struktur.*inläggets 'id' saknas"),
        (lambda: httpx.Response(200, json={"data": [{"id": "1_2", "created_time": "igår"}]}), r"oväntad struktur.*ingen giltig tidpunkt"),
    ],
)
def test_INB_1_facebook_errors_are_clear_and_name_the_request(router, response, expected):
    router.get(f"{G}/{PAGE}/feed").mock(side_effect=lambda request: response())
    connector, sleeps = make(FacebookConnector, account_id=PAGE)
    with pytest.raises(PlatformError, match=expected) as info:
        walk(connector)
    assert TOKEN not in str(info.value)


def test_INB_1_facebook_messages_skipped_without_permission(router):
    router.get(f"{G}/{PAGE}/feed").mock(return_value=reply("facebook", "comments_empty.json"))
    router.get(f"{G}/{PAGE}/conversations").mock(return_value=reply("facebook", "error_permission.json", status=403))
    pages = walk(make(FacebookConnector, account_id=PAGE)[0])
    assert pages[-1].items == [] and "ingen behörighet" in pages[-1].request
    assert pages[-1].cursor["run"] is None


def test_INB_1_facebook_api_base_replaces_only_the_root(router):
    base = "http://proxy.exempelby.local:8080/v21.0"
    route_all(router, base=base)
    connector, _ = make(FacebookConnector, account_id=PAGE, api_base=base)
    got = items(walk(connector))
    assert P3 in {i.platform_id for i in got}  # page 2 reached through the rewritten next URL
    hosts = {c.request.url.host for c in router.calls}
    assert hosts == {"proxy.exempelby.local"}
    page2 = next(c.request for c in router.calls if c.request.url.params.get("after") == "QVFIUjJhZAnRlcjE2ZD")
    assert page2.url.path == f"/v21.0/{PAGE}/feed" and page2.url.params["limit"] == "25"


def test_MOD_2_facebook_hide_unhide_delete_reply(router):
    hide = router.post(f"{G}/812345678905678_998877665544101").mock(return_value=reply("facebook", "success.json"))
    delete = router.delete(f"{G}/812345678905678_998877665544101").mock(return_value=reply("facebook", "success.json"))
    answer = router.post(f"{G}/{P2}/comments").mock(return_value=reply("facebook", "reply_created.json"))
    connector, _ = make(FacebookConnector, account_id=PAGE)
    connector.hide("812345678905678_998877665544101")
    assert hide.calls[-1].request.url.params["is_hidden"] == "true"
    connector.unhide("812345678905678_998877665544101")
    assert hide.calls[-1].request.url.params["is_hidden"] == "false"
    connector.delete("812345678905678_998877665544101")
    assert delete.called
    new_id = connector.reply(P2, "Tack för ditt inlägg! Vi återkommer.")
    assert new_id == "812345678905678_998877665544199"
    assert answer.calls[-1].request.url.params["message"] == "Tack för ditt inlägg! Vi återkommer."


def test_MOD_2_facebook_action_not_confirmed_is_an_error(router):
    router.post(f"{G}/1_2").mock(return_value=httpx.Response(200, json={"success": False}))
    with pytest.raises(PlatformError, match="bekräftade inte"):
        make(FacebookConnector, account_id=PAGE)[0].hide("1_2")


def test_INB_1_facebook_page_id_resolved_from_token(router):
    router.get(f"{G}/me").mock(return_value=httpx.Response(200, json={"id": PAGE, "name": "Exempelby kommun"}))
    route_all(router)
    connector, _ = make(FacebookConnector)
    got = items(walk(connector))
    assert next(i for i in got if i.platform_id == P1).is_own


def test_INB_1_facebook_webhook_changes_become_items():
    entry = data("facebook", "webhook_feed.json")["entry"][0]
    got = webhook_items(entry, PAGE)
    assert [(i.kind, i.parent_platform_id) for i in got] == [("comment", P1), ("reply", "812345678901234_998877665544002")]
    assert got[0].published_at.isoformat() == "2024-05-02T10:00:00+00:00"
    assert json.loads(got[0].raw) == entry["changes"][0]["value"]
