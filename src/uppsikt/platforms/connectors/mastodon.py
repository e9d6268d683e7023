"""Mastodon accounts through the Mastodon REST API (any instance; ``api_base`` is the instance).

What a poll reads, newest first, from the last poll's ``since_id`` on, following the
``Link: <…>; rel="next"`` header:
- ``GET /api/v1/accounts/:id/statuses`` — the account's own posts and answers;
- ``GET /api/v1/notifications?types[]=mention`` — posts that mention the account: answers to
  its posts (``comment``), answers further down a thread (``reply``), other mentions
  (``post``) and direct messages (visibility ``direct`` → ``message``);
- ``GET /api/v1/statuses/:id/context`` for the account's new posts that already have
  answers, to catch answers that left out the mention.

Mastodon lets an account delete only its own posts; others' posts cannot be hidden, only
reported to the instance's moderators. Rate limits come in ``X-RateLimit-Remaining`` /
``X-RateLimit-Reset``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx

from ..apiclient import (
    ActionRefused,
    HttpConnector,
    ShapeError,
    Walk,
    as_dict,
    as_id,
    as_list,
    dump_raw,
    html_to_text,
    parse_time,
    text_of,
)
from ..base import FetchedItem, PlatformError
from ..registry import Capabilities, register


@register
class MastodonConnector(HttpConnector):
    platform = "mastodon"
    label = "Mastodon"
    default_api_base = ""
    capabilities = Capabilities(
        hide=False,
        unhide=False,
        delete=True,
        reply=True,
        notify_poster=True,
        webhook=False,
        notes=(
            "Bara kontots egna inlägg kan raderas. Andras inlägg kan inte döljas; anmäl dem till "
            "instansens moderatorer om de bryter mot reglerna."
        ),
    )
    page_size = 40

    def error_detail(self, data: Any) -> str:
        if isinstance(data, dict):
            return str(data.get("error_description") or data.get("error") or "")
        return ""

    remaining_header = "x-ratelimit-remaining"

    def reset_wait(self, headers: httpx.Headers) -> float | None:
        reset = headers.get("x-ratelimit-reset")
        if not reset:
            return None
        try:
            return max(1.0, parse_time(reset, "X-RateLimit-Reset").timestamp() - self.now())
        except ShapeError:
            return None

    def throttle_wait(self, response: httpx.Response, data: Any) -> float | None:
        return self._window_throttle_wait(response)

    def usage_pause(self, response: httpx.Response) -> float:
        return self._window_usage_pause(response)

    def account_id(self) -> str:
        if not self.credentials.account_id:
            response = self.request("GET", "/api/v1/accounts/verify_credentials")
            try:
                aid = as_id(response.json_object().get("id"), "kontots 'id'")
            except ShapeError as exc:
                raise self.shape_error(response, exc) from None
            self.credentials = dataclasses.replace(self.credentials, account_id=aid)
        return self.credentials.account_id

    # -- polling -----------------------------------------------------------------------------
    def initial_tasks(self, walk: Walk) -> list[dict]:
        return [{"t": "statuses"}, {"t": "mentions"}]

    def run_task(self, task: dict, walk: Walk):
        kind = task["t"]
        if kind in ("statuses", "mentions"):
            return self._timeline(task, walk)
        if kind == "context":
            return self._context(task)
        raise PlatformError(f"Mastodon: okänd uppgift {kind!r} i markören; hämta om från början.")

    def _timeline(self, task: dict, walk: Walk):
        me = self.account_id()
        since = walk.mark(task["t"])
        if task.get("url"):
            response = self.request("GET", task["url"], params={"since_id": since} if since else None)
        elif task["t"] == "statuses":
            response = self.request("GET", f"/api/v1/accounts/{me}/statuses", params={"limit": self.page_size, "since_id": since})
        else:
            response = self.request("GET", "/api/v1/notifications", params=[("types[]", "mention"), ("limit", self.page_size), ("since_id", since)])
        entries = response.json_list()
        if entries and not task.get("url"):
            first = entries[0]
            if isinstance(first, dict) and first.get("id") is not None:
                walk.run_marks[task["t"]] = str(first["id"])
        items, children = [], []
        try:
            for entry in entries:
                entry = as_dict(entry, "en post i listan")
                if task["t"] == "mentions":
                    if entry.get("type") != "mention" or not isinstance(entry.get("status"), dict):
                        continue
                    status = entry["status"]
                else:
                    status = entry
                item = self.status_item(status, me)
                items.append(item)
                if task["t"] == "statuses" and item.kind == "post" and (status.get("replies_count") or 0) > 0:
                    children.append({"t": "context", "id": item.platform_id})
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        nxt = response.links.get("next", {}).get("url")
        follow = [{"t": task["t"], "url": self.stored_url(nxt)}] if nxt and entries else []
        return response, items, children + follow

    def _context(self, task: dict):
        me = self.account_id()
        response = self.request("GET", f"/api/v1/statuses/{task['id']}/context")
        body = response.json_object()
        try:
            descendants = as_list(body.get("descendants"), "fältet 'descendants'")
            items = [self.status_item(status, me, root=task["id"]) for status in descendants]
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        return response, items, []

    # -- mapping -------------------------------------------------------------------------------
    def status_item(self, obj: Any, me: str, *, root: str | None = None) -> FetchedItem:
        obj = as_dict(obj, "ett inlägg")
        account = as_dict(obj.get("account"), "inläggets 'account'")
        author_id = as_id(account.get("id"), "inläggets 'account.id'")
        own = author_id == me
        parent = str(obj["in_reply_to_id"]) if obj.get("in_reply_to_id") else None
        if obj.get("visibility") == "direct":
            kind = "message"
        elif parent is None:
            kind = "post"
        elif own:
            kind = "reply"
        elif root is not None:
            kind = "comment" if parent == root else "reply"
        else:
            kind = "comment" if str(obj.get("in_reply_to_account_id") or "") == me else "reply"
        edited = obj.get("edited_at")
        media = tuple(
            str(m.get("url")) for m in obj.get("media_attachments") or [] if isinstance(m, dict) and m.get("url")
        )
        text = html_to_text(text_of(obj.get("content")))
        warning = text_of(obj.get("spoiler_text"))
        return FetchedItem(
            platform_id=as_id(obj.get("id"), "inläggets 'id'"),
            kind=kind,
            author_id=author_id,
            author_name=text_of(account.get("display_name")) or text_of(account.get("acct")),
            text=f"{warning}\n\n{text}" if warning else text,
            published_at=parse_time(obj.get("created_at"), "inläggets 'created_at'"),
            raw=dump_raw(obj),
            is_own=own,
            parent_platform_id=parent,
            url=text_of(obj.get("url")) or text_of(obj.get("uri")),
            media=media,
            edited_at=parse_time(edited, "inläggets 'edited_at'") if isinstance(edited, str) else None,
        )

    # -- moderation ----------------------------------------------------------------------------
    def delete(self, platform_id: str) -> None:
        response = self.request("GET", f"/api/v1/statuses/{platform_id}")
        try:
            account = as_dict(response.json_object().get("account"), "inläggets 'account'")
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        if str(account.get("id")) != self.account_id():
            raise ActionRefused(
                f"Mastodon: inlägget {platform_id} är inte kontots eget. Andras inlägg kan inte raderas eller döljas; "
                "anmäl det till instansens moderatorer."
            )
        self.request("DELETE", f"/api/v1/statuses/{platform_id}")

    def reply(self, parent_platform_id: str, text: str) -> str:
        response = self.request("POST", "/api/v1/statuses", json_body={"status": text, "in_reply_to_id": parent_platform_id})
        try:
            return as_id(response.json_object().get("id"), "inläggets 'id'")
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
