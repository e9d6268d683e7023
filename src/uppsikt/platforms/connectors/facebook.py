"""Facebook Pages through the Graph API (v21.0).

What a poll reads, newest first:
- ``GET /{page-id}/feed`` — the page's own posts and visitors' posts (kind ``post``);
- ``GET /{post-id}/comments?filter=stream&order=chronological`` for every post in the
  look-back window, from the last poll on (``since``) — comments and, through ``parent``,
  replies;
- ``GET /{page-id}/conversations?platform=messenger`` and ``GET /{conversation-id}/messages``
  — private messages (kind ``message``), skipped with a note when the token lacks the
  messaging permission.

Moderation: ``POST /{comment-id}?is_hidden=true|false``, ``DELETE /{object-id}``, and
``POST /{object-id}/comments`` to answer. Webhooks (``feed`` changes) are turned into
items by ``webhook_items``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from typing import Any

import httpx

from ..apiclient import (
    ApiError,
    ApiResponse,
    HttpConnector,
    ShapeError,
    Walk,
    as_dict,
    as_id,
    as_list,
    dump_raw,
    epoch_time,
    parse_time,
    retry_after,
    text_of,
)
from ..base import FetchedItem, PlatformError
from ..registry import Capabilities, register

_GRAPH_VERSION_ROOT = re.compile(r"^/v\d+\.\d+(?=/|$)")
THROTTLE_CODES = frozenset({4, 17, 32, 613, 80001, 80002, 80005, 80006})
TOKEN_CODES = frozenset({102, 190})
POST_ITEMS = frozenset({"status", "post", "photo", "video", "share", "link", "event"})
log = logging.getLogger(__name__)


def graph_error(data: Any) -> dict:
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        return data["error"]
    return {}


def graph_error_detail(data: Any) -> str:
    err = graph_error(data)
    if not err:
        return ""
    code = err.get("code")
    sub = err.get("error_subcode")
    kind = err.get("type")
    ref = f"kod {code}" + (f"/{sub}" if sub else "") + (f", {kind}" if kind else "")
    return f"{err.get('message', '')} ({ref})".strip()


def graph_is_token_error(status: int, data: Any) -> bool:
    return status == 401 or graph_error(data).get("code") in TOKEN_CODES


def graph_usage_pause(headers: httpx.Headers) -> float:
    """Hold-off from ``X-Business-Use-Case-Usage`` and ``X-App-Usage`` (percentages of the quota)."""
    pause = 0.0
    buc = _json_header(headers.get("x-business-use-case-usage"))
    if isinstance(buc, dict):
        for entries in buc.values():
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict):
                    continue
                minutes = entry.get("estimated_time_to_regain_access") or 0
                top = max((v for k, v in entry.items() if k in ("call_count", "total_cputime", "total_time") and isinstance(v, (int, float))), default=0)
                if isinstance(minutes, (int, float)) and minutes > 0:
                    pause = max(pause, float(minutes) * 60)
                elif top >= 100:
                    pause = max(pause, 300.0)
                elif top >= 95:
                    pause = max(pause, 30.0)
    app = _json_header(headers.get("x-app-usage"))
    if isinstance(app, dict):
        top = max((v for v in app.values() if isinstance(v, (int, float))), default=0)
        if top >= 100:
            pause = max(pause, 300.0)
        elif top >= 95:
            pause = max(pause, 30.0)
    return pause


def graph_throttle_wait(response: httpx.Response, data: Any, now: float) -> float | None:
    if response.status_code == 429:
        return retry_after(response.headers, now)
    if graph_error(data).get("code") in THROTTLE_CODES:
        return max(graph_usage_pause(response.headers), 60.0)
    return None


def _json_header(value: str | None) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


class GraphConnector(HttpConnector):
    """What Facebook and Instagram share: Graph API root, token parameter, errors and usage headers."""

    default_api_base = "https://graph.facebook.com/v21.0"
    token_param = "access_token"

    def strip_root_path(self, path: str) -> str:
        return _GRAPH_VERSION_ROOT.sub("", path, count=1)

    def error_detail(self, data: Any) -> str:
        return graph_error_detail(data)

    def is_token_error(self, status: int, data: Any) -> bool:
        return graph_is_token_error(status, data)

    def throttle_wait(self, response: httpx.Response, data: Any) -> float | None:
        return graph_throttle_wait(response, data, self.now())

    def usage_pause(self, response: httpx.Response) -> float:
        return graph_usage_pause(response.headers)

    def graph_page(self, response: ApiResponse) -> tuple[list, str | None]:
        """``data`` and the ``paging.next`` URL of a Graph list answer."""
        body = response.json_object()
        try:
            data = as_list(body.get("data"), "fältet 'data'")
            paging = body.get("paging")
            nxt = None
            if paging is not None:
                paging = as_dict(paging, "fältet 'paging'")
                nxt = paging.get("next") if isinstance(paging.get("next"), str) else None
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        return data, (nxt if data else None)

    def next_task(self, task: dict, nxt: str | None) -> list[dict]:
        return [{**task, "url": self.stored_url(nxt)}] if nxt else []

    def list_request(self, task: dict, path: str, params: dict) -> ApiResponse:
        if task.get("url"):
            return self.request("GET", task["url"])
        return self.request("GET", path, params=params)

    # -- moderation (the Graph API's shape; Facebook and Instagram differ only in two names) --
    hide_param = "is_hidden"     # Instagram: "hide"
    reply_edge = "comments"      # Instagram: "replies"

    def hide(self, platform_id: str) -> None:
        self._expect_success(self.request("POST", f"/{platform_id}", params={self.hide_param: True}))

    def unhide(self, platform_id: str) -> None:
        self._expect_success(self.request("POST", f"/{platform_id}", params={self.hide_param: False}))

    def delete(self, platform_id: str) -> None:
        self._expect_success(self.request("DELETE", f"/{platform_id}"))

    def reply(self, parent_platform_id: str, text: str) -> str:
        response = self.request("POST", f"/{parent_platform_id}/{self.reply_edge}", params={"message": text})
        try:
            return as_id(response.json_object().get("id"), "svarets 'id'")
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None

    def _expect_success(self, response: ApiResponse) -> None:
        body = response.json_object()
        if body.get("success") is not True:
            raise PlatformError(f"{self.label} bekräftade inte åtgärden för {response.shown} (svaret saknar \"success\": true).")


@register
class FacebookConnector(GraphConnector):
    platform = "facebook"
    label = "Facebook"
    capabilities = Capabilities(
        hide=True,
        unhide=True,
        delete=True,
        reply=True,
        notify_poster=True,
        webhook=True,
        notes=(
            "Kommunen ansvarar för allt innehåll på sidan. En dold kommentar syns fortfarande för "
            "den som skrev den och dennes vänner; en raderad kommentar går inte att återställa."
        ),
    )
    POST_FIELDS = "id,message,story,from{id,name},created_time,permalink_url,full_picture"
    COMMENT_FIELDS = "id,message,from{id,name},created_time,parent{id},is_hidden,permalink_url,attachment{type,url,media}"
    CONVERSATION_FIELDS = "id,updated_time,link,message_count"
    MESSAGE_FIELDS = "id,message,from,to,created_time"
    feed_limit = 25
    comment_limit = 100
    conversation_limit = 25
    message_limit = 100
    include_messages = True

    def page_id(self) -> str:
        if not self.credentials.account_id:
            me = self.request("GET", "/me", params={"fields": "id,name"})
            try:
                self.credentials = dataclasses.replace(self.credentials, account_id=as_id(me.json_object().get("id"), "fältet 'id'"))
            except ShapeError as exc:
                raise self.shape_error(me, exc) from None
        return self.credentials.account_id

    # -- polling ---------------------------------------------------------------------
    def initial_tasks(self, walk: Walk) -> list[dict]:
        tasks = [{"t": "feed"}]
        if self.include_messages and self.credentials.extra.get("messages", True):
            tasks.append({"t": "conversations"})
        return tasks

    def run_task(self, task: dict, walk: Walk):
        kind = task["t"]
        if kind == "feed":
            return self._feed(task, walk)
        if kind == "comments":
            return self._comments(task, walk)
        if kind == "conversations":
            return self._conversations(task, walk)
        if kind == "messages":
            return self._messages(task, walk)
        raise PlatformError(f"Facebook: okänd uppgift {kind!r} i markören; hämta om från början.")

    def _feed(self, task: dict, walk: Walk):
        page = self.page_id()
        params = {"fields": self.POST_FIELDS, "limit": self.feed_limit}
        bound = self.lower_bound(walk, lookback=True)
        if bound is not None:
            params["since"] = bound
        response = self.list_request(task, f"/{page}/feed", params)
        data, nxt = self.graph_page(response)
        try:
            items = [self.post_item(obj, page) for obj in data]
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        children = [{"t": "comments", "id": item.platform_id} for item in items]
        return response, items, children + self.next_task(task, nxt)

    def _comments(self, task: dict, walk: Walk):
        page = self.page_id()
        params = {"filter": "stream", "order": "chronological", "fields": self.COMMENT_FIELDS, "limit": self.comment_limit}
        bound = self.lower_bound(walk, lookback=False)
        if bound is not None:
            params["since"] = bound
        response = self.list_request(task, f"/{task['id']}/comments", params)
        data, nxt = self.graph_page(response)
        try:
            items = [self.comment_item(obj, task["id"], page) for obj in data]
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        return response, items, self.next_task(task, nxt)

    def _conversations(self, task: dict, walk: Walk):
        page = self.page_id()
        params = {"platform": "messenger", "fields": self.CONVERSATION_FIELDS, "limit": self.conversation_limit}
        try:
            response = self.list_request(task, f"/{page}/conversations", params)
        except ApiError as exc:
            code = graph_error(exc.payload).get("code")
            if exc.status == 403 or code == 10 or (isinstance(code, int) and 200 <= code < 300):
                # The token may read the page but not its inbox: the rest of the poll goes on.
                log.warning("Facebook: token saknar behörighet till sidans meddelanden; de hämtas inte (%s)", exc)
                shown = f"GET {self.api_base}/{page}/conversations (ingen behörighet till meddelanden)"
                return ApiResponse.placeholder(shown, self.label), [], []
            raise
        data, nxt = self.graph_page(response)
        bound = self.lower_bound(walk, lookback=False)
        children, older_seen = [], False
        for obj in data:
            try:
                obj = as_dict(obj, "en konversation")
                cid = as_id(obj.get("id"), "konversationens 'id'")
                updated = parse_time(obj.get("updated_time"), "konversationens 'updated_time'")
            except ShapeError as exc:
                raise self.shape_error(response, exc) from None
            if bound is not None and updated.timestamp() < bound:
                older_seen = True
                continue
            children.append({"t": "messages", "id": cid})
        return response, [], children + ([] if older_seen else self.next_task(task, nxt))

    def _messages(self, task: dict, walk: Walk):
        page = self.page_id()
        response = self.list_request(task, f"/{task['id']}/messages", {"fields": self.MESSAGE_FIELDS, "limit": self.message_limit})
        data, nxt = self.graph_page(response)
        bound = self.lower_bound(walk, lookback=False)
        items, older_seen = [], False
        for obj in data:
            try:
                item = self.message_item(obj, page)
            except ShapeError as exc:
                raise self.shape_error(response, exc) from None
            if bound is not None and item.published_at.timestamp() < bound:
                older_seen = True
            items.append(item)
        return response, items, ([] if older_seen else self.next_task(task, nxt))

    # -- mapping -------------------------------------------------------------------------
    def post_item(self, obj: Any, page_id: str) -> FetchedItem:
        obj = as_dict(obj, "ett inlägg")
        author = obj.get("from") if isinstance(obj.get("from"), dict) else {}
        author_id = str(author.get("id") or "")
        picture = obj.get("full_picture")
        return FetchedItem(
            platform_id=as_id(obj.get("id"), "inläggets 'id'"),
            kind="post",
            author_id=author_id,
            author_name=text_of(author.get("name")),
            text=text_of(obj.get("message")) or text_of(obj.get("story")),
            published_at=parse_time(obj.get("created_time"), "inläggets 'created_time'"),
            raw=dump_raw(obj),
            is_own=author_id == page_id,
            url=text_of(obj.get("permalink_url")),
            media=(picture,) if isinstance(picture, str) and picture else (),
        )

    def comment_item(self, obj: Any, post_id: str, page_id: str) -> FetchedItem:
        obj = as_dict(obj, "en kommentar")
        author = obj.get("from") if isinstance(obj.get("from"), dict) else {}
        author_id = str(author.get("id") or "")
        parent = obj.get("parent")
        parent_id = as_id(parent.get("id"), "kommentarens 'parent.id'") if isinstance(parent, dict) else None
        attachment = obj.get("attachment") if isinstance(obj.get("attachment"), dict) else {}
        media_url = attachment.get("url") or ((attachment.get("media") or {}).get("image") or {}).get("src")
        return FetchedItem(
            platform_id=as_id(obj.get("id"), "kommentarens 'id'"),
            kind="reply" if parent_id else "comment",
            author_id=author_id,
            author_name=text_of(author.get("name")),
            text=text_of(obj.get("message")),
            published_at=parse_time(obj.get("created_time"), "kommentarens 'created_time'"),
            raw=dump_raw(obj),
            is_own=author_id == page_id,
            parent_platform_id=parent_id or post_id,
            url=text_of(obj.get("permalink_url")),
            media=(media_url,) if isinstance(media_url, str) and media_url else (),
        )

    def message_item(self, obj: Any, page_id: str) -> FetchedItem:
        obj = as_dict(obj, "ett meddelande")
        author = obj.get("from") if isinstance(obj.get("from"), dict) else {}
        author_id = str(author.get("id") or "")
        return FetchedItem(
            platform_id=as_id(obj.get("id"), "meddelandets 'id'"),
            kind="message",
            author_id=author_id,
            author_name=text_of(author.get("name")),
            text=text_of(obj.get("message")),
            published_at=parse_time(obj.get("created_time"), "meddelandets 'created_time'"),
            raw=dump_raw(obj),
            is_own=author_id == page_id,
        )


# -- webhooks ----------------------------------------------------------------------------------

def webhook_items(entry: dict, page_id: str) -> list[FetchedItem]:
    """Items from one ``entry`` of a Page webhook (``object: page``, field ``feed``).

    Each item's ``raw`` is the change's ``value`` object as Meta sent it.
    """
    items: list[FetchedItem] = []
    entry_time = entry.get("time")
    for change in entry.get("changes") or []:
        if not isinstance(change, dict) or change.get("field") != "feed" or not isinstance(change.get("value"), dict):
            continue
        value = change["value"]
        item_type = value.get("item")
        verb = value.get("verb")
        author = value.get("from") if isinstance(value.get("from"), dict) else {}
        author_id = str(author.get("id") or "")
        created = value.get("created_time", entry_time)
        try:
            published = epoch_time(created, "created_time") if not isinstance(created, str) else parse_time(created, "created_time")
        except ShapeError:
            continue
        if item_type == "comment" and value.get("comment_id"):
            post_id = str(value.get("post_id") or "")
            parent_id = str(value.get("parent_id") or post_id)
            items.append(FetchedItem(
                platform_id=str(value["comment_id"]),
                kind="comment" if parent_id == post_id else "reply",
                author_id=author_id,
                author_name=text_of(author.get("name")),
                text=text_of(value.get("message")),
                published_at=published,
                raw=dump_raw(value),
                is_own=author_id == page_id,
                parent_platform_id=parent_id or None,
                deleted=verb == "remove",
            ))
        elif item_type in POST_ITEMS and value.get("post_id"):
            post = value.get("post") if isinstance(value.get("post"), dict) else {}
            items.append(FetchedItem(
                platform_id=str(value["post_id"]),
                kind="post",
                author_id=author_id,
                author_name=text_of(author.get("name")),
                text=text_of(value.get("message")),
                published_at=published,
                raw=dump_raw(value),
                is_own=author_id == page_id,
                url=text_of(post.get("permalink_url")) or text_of(value.get("link")),
                deleted=verb == "remove",
            ))
    return items
