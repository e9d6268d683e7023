"""Instagram professional accounts through the Instagram Graph API (Facebook Login, v21.0).

What a poll reads, newest first:
- ``GET /{ig-user-id}/media`` — the account's own posts (kind ``post``), walked until the
  posts are older than the look-back window;
- ``GET /{ig-media-id}/comments`` with nested ``replies`` for every post in the window
  (kinds ``comment`` and ``reply``); ``GET /{ig-comment-id}/replies`` when a
  comment has more replies than fit in the nested answer.

Moderation: ``POST /{ig-comment-id}?hide=true|false``, ``DELETE /{ig-comment-id}`` and
``POST /{ig-comment-id}/replies?message=`` to answer. Comments on older posts arrive
through the Meta webhook (field ``comments``), see ``webhook_items``.
"""

from __future__ import annotations

from typing import Any

from ..apiclient import ShapeError, Walk, as_dict, as_id, dump_raw, epoch_time, parse_time, text_of
from ..base import FetchedItem, PlatformError
from ..registry import Capabilities, register
from .facebook import GraphConnector

_FROM = "from{id,username}"
REPLY_FIELDS = f"id,text,timestamp,username,{_FROM},hidden,parent_id"


@register
class InstagramConnector(GraphConnector):
    platform = "instagram"
    label = "Instagram"
    hide_param = "hide"
    reply_edge = "replies"
    capabilities = Capabilities(
        hide=True,
        unhide=True,
        delete=True,
        reply=True,
        notify_poster=True,
        webhook=True,
        notes=(
            "Kommentarer kan döljas och visas igen; en dold kommentar syns fortfarande för den som skrev den. "
            "Bara kommentarer på kontots egna inlägg kan modereras."
        ),
    )
    MEDIA_FIELDS = "id,caption,media_type,media_url,permalink,timestamp,username"
    COMMENT_FIELDS = f"id,text,timestamp,username,{_FROM},hidden,replies{{{REPLY_FIELDS}}}"
    media_limit = 25
    comment_limit = 50

    def user_id(self) -> str:
        if not self.credentials.account_id:
            raise PlatformError("Instagram: kontots id (IG-användar-id) saknas; koppla kanalen med --account-id.")
        return self.credentials.account_id

    def initial_tasks(self, walk: Walk) -> list[dict]:
        return [{"t": "media"}]

    def run_task(self, task: dict, walk: Walk):
        kind = task["t"]
        if kind == "media":
            return self._media(task, walk)
        if kind == "comments":
            return self._comments(task)
        if kind == "replies":
            return self._replies(task)
        raise PlatformError(f"Instagram: okänd uppgift {kind!r} i markören; hämta om från början.")

    def _media(self, task: dict, walk: Walk):
        uid = self.user_id()
        response = self.list_request(task, f"/{uid}/media", {"fields": self.MEDIA_FIELDS, "limit": self.media_limit})
        data, nxt = self.graph_page(response)
        bound = self.lower_bound(walk, lookback=True)
        items, children, older_seen = [], [], False
        for obj in data:
            try:
                item = self.media_item(obj, uid)
            except ShapeError as exc:
                raise self.shape_error(response, exc) from None
            if bound is not None and item.published_at.timestamp() < bound:
                older_seen = True
                continue
            items.append(item)
            children.append({"t": "comments", "id": item.platform_id, "owner": text_of(obj.get("username"))})
        return response, items, children + ([] if older_seen else self.next_task(task, nxt))

    def _comments(self, task: dict):
        uid = self.user_id()
        response = self.list_request(task, f"/{task['id']}/comments", {"fields": self.COMMENT_FIELDS, "limit": self.comment_limit})
        data, nxt = self.graph_page(response)
        items, children = [], []
        try:
            for obj in data:
                comment = self.comment_item(obj, task["id"], uid, task.get("owner", ""))
                items.append(comment)
                replies = obj.get("replies")
                if isinstance(replies, dict):
                    for reply in replies.get("data") or []:
                        items.append(self.comment_item(reply, task["id"], uid, task.get("owner", ""), parent=comment.platform_id))
                    paging = replies.get("paging") if isinstance(replies.get("paging"), dict) else {}
                    if isinstance(paging.get("next"), str):
                        children.append({"t": "replies", "id": comment.platform_id, "media": task["id"], "owner": task.get("owner", ""),
                                         "url": self.stored_url(paging["next"])})
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        return response, items, children + self.next_task(task, nxt)

    def _replies(self, task: dict):
        uid = self.user_id()
        response = self.list_request(task, f"/{task['id']}/replies", {"fields": REPLY_FIELDS, "limit": self.comment_limit})
        data, nxt = self.graph_page(response)
        try:
            items = [self.comment_item(obj, task["media"], uid, task.get("owner", ""), parent=task["id"]) for obj in data]
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        return response, items, self.next_task(task, nxt)

    # -- mapping --------------------------------------------------------------------------
    def media_item(self, obj: Any, uid: str) -> FetchedItem:
        obj = as_dict(obj, "ett inlägg")
        media_url = obj.get("media_url")
        return FetchedItem(
            platform_id=as_id(obj.get("id"), "inläggets 'id'"),
            kind="post",
            author_id=uid,
            author_name=text_of(obj.get("username")),
            text=text_of(obj.get("caption")),
            published_at=parse_time(obj.get("timestamp"), "inläggets 'timestamp'"),
            raw=dump_raw(obj),
            is_own=True,
            url=text_of(obj.get("permalink")),
            media=(media_url,) if isinstance(media_url, str) and media_url else (),
        )

    def comment_item(self, obj: Any, media_id: str, uid: str, owner: str, *, parent: str | None = None) -> FetchedItem:
        obj = as_dict(obj, "en kommentar")
        author = obj.get("from") if isinstance(obj.get("from"), dict) else {}
        author_id = str(author.get("id") or "")
        username = text_of(obj.get("username")) or text_of(author.get("username"))
        parent_id = parent or (str(obj["parent_id"]) if obj.get("parent_id") else None)
        return FetchedItem(
            platform_id=as_id(obj.get("id"), "kommentarens 'id'"),
            kind="reply" if parent_id else "comment",
            author_id=author_id,
            author_name=username,
            text=text_of(obj.get("text")),
            published_at=parse_time(obj.get("timestamp"), "kommentarens 'timestamp'"),
            raw=dump_raw(obj),
            is_own=author_id == uid or (bool(owner) and username == owner),
            parent_platform_id=parent_id or media_id,
        )


def webhook_items(entry: dict, user_id: str) -> list[FetchedItem]:
    """Items from one ``entry`` of an Instagram webhook (``object: instagram``, field ``comments``).

    Each item's ``raw`` is the change's ``value`` object as Meta sent it. The payload has no
    time of its own, so the entry's ``time`` is used.
    """
    items: list[FetchedItem] = []
    try:
        published = epoch_time(entry.get("time"), "time")
    except ShapeError:
        return items
    for change in entry.get("changes") or []:
        if not isinstance(change, dict) or change.get("field") not in ("comments", "live_comments"):
            continue
        value = change.get("value")
        if not isinstance(value, dict) or not value.get("id"):
            continue
        author = value.get("from") if isinstance(value.get("from"), dict) else {}
        media = value.get("media") if isinstance(value.get("media"), dict) else {}
        parent = value.get("parent_id")
        author_id = str(author.get("id") or "")
        items.append(FetchedItem(
            platform_id=str(value["id"]),
            kind="reply" if parent else "comment",
            author_id=author_id,
            author_name=text_of(author.get("username")),
            text=text_of(value.get("text")),
            published_at=published,
            raw=dump_raw(value),
            is_own=author_id == user_id,
            parent_platform_id=str(parent or media.get("id") or "") or None,
        ))
    return items
