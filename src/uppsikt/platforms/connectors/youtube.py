"""YouTube channels through the YouTube Data API v3.

What a poll reads, newest first:
- ``channels.list`` (``contentDetails``) to find the uploads playlist, then
  ``playlistItems.list`` — the channel's own videos (kind ``post``);
- ``commentThreads.list`` with ``allThreadsRelatedToChannelId`` — top-level comments on the
  channel and its videos (kind ``comment``) with the replies that come with them (kind
  ``reply``); ``comments.list?parentId=`` when a thread has more replies than that.

Both are walked with ``nextPageToken`` until the items are older than the look-back window.

Moderation: ``comments.setModerationStatus`` — *hide* is ``heldForReview`` (back with
``published``), *delete* is ``rejected``, which cannot be undone; the channel's own
comments are deleted with ``comments.delete``. Answers with ``comments.insert`` (or
``commentThreads.insert`` on a video).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import httpx

from ..apiclient import ActionRefused, HttpConnector, ShapeError, Walk, as_dict, as_id, as_list, dump_raw, parse_time, retry_after, text_of
from ..base import FetchedItem, PlatformError
from ..registry import Capabilities, register

_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
THROTTLE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


def google_errors(data: Any) -> tuple[dict, list[dict]]:
    err = data.get("error") if isinstance(data, dict) else None
    if not isinstance(err, dict):
        return {}, []
    details = [e for e in err.get("errors") or [] if isinstance(e, dict)]
    return err, details


@register
class YouTubeConnector(HttpConnector):
    platform = "youtube"
    label = "YouTube"
    default_api_base = "https://www.googleapis.com/youtube/v3"
    capabilities = Capabilities(
        hide=True,
        unhide=True,
        delete=True,
        reply=True,
        notify_poster=True,
        webhook=False,
        notes=(
            "Att dölja en kommentar lägger den för granskning (heldForReview) och kan ångras. "
            "Att radera en kommentar betyder att avvisa den (rejected) – det går inte att ångra."
        ),
    )
    upload_limit = 50
    thread_limit = 100
    reply_limit = 100

    # -- errors and quota ------------------------------------------------------------
    def error_detail(self, data: Any) -> str:
        err, details = google_errors(data)
        if not err:
            return ""
        reasons = ", ".join(str(d.get("reason")) for d in details if d.get("reason"))
        text = str(err.get("message") or "")
        if any(d.get("reason") == "quotaExceeded" for d in details):
            text += " (dagskvoten för YouTube Data API är slut; den fylls på vid midnatt Pacific Time)"
        return f"{text} ({reasons})" if reasons else text

    def throttle_wait(self, response: httpx.Response, data: Any) -> float | None:
        if response.status_code == 429:
            return retry_after(response.headers, self.now())
        _, details = google_errors(data)
        if response.status_code == 403 and any(d.get("reason") in THROTTLE_REASONS for d in details):
            return 10.0
        return None

    # -- the channel -------------------------------------------------------------------
    def channel_id(self) -> str:
        if not self.credentials.account_id:
            response = self.request("GET", "/channels", params={"part": "id", "mine": True})
            try:
                items = as_list(response.json_object().get("items"), "fältet 'items'")
                cid = as_id(as_dict(items[0], "kanalen").get("id") if items else None, "kanalens 'id'")
            except ShapeError as exc:
                raise self.shape_error(response, exc) from None
            self.credentials = dataclasses.replace(self.credentials, account_id=cid)
        return self.credentials.account_id

    # -- polling -------------------------------------------------------------------------
    def initial_tasks(self, walk: Walk) -> list[dict]:
        return [{"t": "channel"}, {"t": "threads"}]

    def run_task(self, task: dict, walk: Walk):
        kind = task["t"]
        if kind == "channel":
            return self._channel()
        if kind == "uploads":
            return self._uploads(task, walk)
        if kind == "threads":
            return self._threads(task, walk)
        if kind == "replies":
            return self._replies(task)
        raise PlatformError(f"YouTube: okänd uppgift {kind!r} i markören; hämta om från början.")

    def _list(self, response):
        body = response.json_object()
        try:
            items = as_list(body.get("items"), "fältet 'items'")
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        token = body.get("nextPageToken")
        return items, (token if isinstance(token, str) and token and items else None)

    def _channel(self):
        cid = self.channel_id()
        response = self.request("GET", "/channels", params={"part": "contentDetails", "id": cid})
        items, _ = self._list(response)
        try:
            if not items:
                raise ShapeError(f"kanalen {cid} finns inte i svaret")
            details = as_dict(as_dict(items[0], "kanalen").get("contentDetails"), "fältet 'contentDetails'")
            uploads = as_id(as_dict(details.get("relatedPlaylists"), "fältet 'relatedPlaylists'").get("uploads"), "fältet 'uploads'")
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        return response, [], [{"t": "uploads", "playlist": uploads}]

    def _uploads(self, task: dict, walk: Walk):
        cid = self.channel_id()
        params = {"part": "snippet,contentDetails", "playlistId": task["playlist"], "maxResults": self.upload_limit, "pageToken": task.get("page")}
        response = self.request("GET", "/playlistItems", params=params)
        items, token = self._list(response)
        bound = self.lower_bound(walk, lookback=True)
        out, older_seen = [], False
        try:
            for obj in items:
                item = self.video_item(obj, cid)
                if bound is not None and item.published_at.timestamp() < bound:
                    older_seen = True
                    continue
                out.append(item)
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        follow = [{**task, "page": token}] if token and not older_seen else []
        return response, out, follow

    def _threads(self, task: dict, walk: Walk):
        cid = self.channel_id()
        params = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": cid,
            "maxResults": self.thread_limit,
            "order": "time",
            "textFormat": "plainText",
            "pageToken": task.get("page"),
        }
        response = self.request("GET", "/commentThreads", params=params)
        threads, token = self._list(response)
        bound = self.lower_bound(walk, lookback=True)
        out, children, older_seen = [], [], False
        try:
            for obj in threads:
                thread = as_dict(obj, "en kommentarstråd")
                snippet = as_dict(thread.get("snippet"), "trådens 'snippet'")
                video_id = snippet.get("videoId") if isinstance(snippet.get("videoId"), str) else None
                top = self.comment_item(as_dict(snippet.get("topLevelComment"), "fältet 'topLevelComment'"), cid, video_id)
                if bound is not None and top.published_at.timestamp() < bound:
                    older_seen = True
                out.append(top)
                replies = thread.get("replies") if isinstance(thread.get("replies"), dict) else {}
                included = [r for r in replies.get("comments") or []]
                for reply in included:
                    out.append(self.comment_item(reply, cid, video_id, parent=top.platform_id))
                total = snippet.get("totalReplyCount") or 0
                if isinstance(total, int) and total > len(included):
                    children.append({"t": "replies", "parent": top.platform_id, "video": video_id})
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        follow = [{**task, "page": token}] if token and not older_seen else []
        return response, out, children + follow

    def _replies(self, task: dict):
        cid = self.channel_id()
        params = {"part": "snippet", "parentId": task["parent"], "maxResults": self.reply_limit, "textFormat": "plainText", "pageToken": task.get("page")}
        response = self.request("GET", "/comments", params=params)
        items, token = self._list(response)
        try:
            out = [self.comment_item(obj, cid, task.get("video"), parent=task["parent"]) for obj in items]
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        return response, out, ([{**task, "page": token}] if token else [])

    # -- mapping -----------------------------------------------------------------------------
    def video_item(self, obj: Any, cid: str) -> FetchedItem:
        obj = as_dict(obj, "en video i uppladdningslistan")
        snippet = as_dict(obj.get("snippet"), "videons 'snippet'")
        details = obj.get("contentDetails") if isinstance(obj.get("contentDetails"), dict) else {}
        resource = snippet.get("resourceId") if isinstance(snippet.get("resourceId"), dict) else {}
        video_id = as_id(details.get("videoId") or resource.get("videoId"), "videons 'videoId'")
        title, description = text_of(snippet.get("title")), text_of(snippet.get("description"))
        thumbs = snippet.get("thumbnails") if isinstance(snippet.get("thumbnails"), dict) else {}
        thumb = next((t.get("url") for k in ("maxres", "high", "medium", "default") if isinstance(t := thumbs.get(k), dict) and t.get("url")), None)
        return FetchedItem(
            platform_id=video_id,
            kind="post",
            author_id=text_of(snippet.get("videoOwnerChannelId")) or cid,
            author_name=text_of(snippet.get("videoOwnerChannelTitle")) or text_of(snippet.get("channelTitle")),
            text="\n\n".join(part for part in (title, description) if part),
            published_at=parse_time(details.get("videoPublishedAt") or snippet.get("publishedAt"), "videons 'publishedAt'"),
            raw=dump_raw(obj),
            is_own=True,
            url=f"https://www.youtube.com/watch?v={video_id}",
            media=(thumb,) if thumb else (),
        )

    def comment_item(self, obj: Any, cid: str, video_id: str | None, *, parent: str | None = None) -> FetchedItem:
        obj = as_dict(obj, "en kommentar")
        snippet = as_dict(obj.get("snippet"), "kommentarens 'snippet'")
        author = snippet.get("authorChannelId") if isinstance(snippet.get("authorChannelId"), dict) else {}
        author_id = text_of(author.get("value"))
        comment_id = as_id(obj.get("id"), "kommentarens 'id'")
        parent_id = parent or (snippet.get("parentId") if isinstance(snippet.get("parentId"), str) else None)
        published = parse_time(snippet.get("publishedAt"), "kommentarens 'publishedAt'")
        updated = snippet.get("updatedAt")
        edited = parse_time(updated, "kommentarens 'updatedAt'") if isinstance(updated, str) and updated != snippet.get("publishedAt") else None
        link = f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}" if video_id else ""
        return FetchedItem(
            platform_id=comment_id,
            kind="reply" if parent_id else "comment",
            author_id=author_id,
            author_name=text_of(snippet.get("authorDisplayName")),
            text=text_of(snippet.get("textOriginal")) or text_of(snippet.get("textDisplay")),
            published_at=published,
            raw=dump_raw(obj),
            is_own=bool(author_id) and author_id == cid,
            parent_platform_id=parent_id or video_id,
            url=link,
            edited_at=edited,
        )

    # -- moderation ----------------------------------------------------------------------------
    def _set_status(self, platform_id: str, status: str) -> None:
        self.request("POST", "/comments/setModerationStatus", params={"id": platform_id, "moderationStatus": status})

    def hide(self, platform_id: str) -> None:
        self._set_status(platform_id, "heldForReview")

    def unhide(self, platform_id: str) -> None:
        self._set_status(platform_id, "published")

    def delete(self, platform_id: str) -> None:
        """Others' comments are rejected (final); the channel's own are deleted."""
        if _VIDEO_ID.match(platform_id):
            raise ActionRefused("YouTube: videor tas inte bort härifrån; bara kommentarer kan avvisas.")
        response = self.request("GET", "/comments", params={"part": "snippet", "id": platform_id, "textFormat": "plainText"})
        items, _ = self._list(response)
        if not items:
            raise PlatformError(f"YouTube hittade inte kommentaren {platform_id} ({response.shown}).")
        try:
            snippet = as_dict(as_dict(items[0], "kommentaren").get("snippet"), "kommentarens 'snippet'")
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        author = (snippet.get("authorChannelId") or {}).get("value") if isinstance(snippet.get("authorChannelId"), dict) else None
        if author and author == self.channel_id():
            self.request("DELETE", "/comments", params={"id": platform_id})
        else:
            self._set_status(platform_id, "rejected")

    def reply(self, parent_platform_id: str, text: str) -> str:
        if _VIDEO_ID.match(parent_platform_id):
            body = {"snippet": {"channelId": self.channel_id(), "videoId": parent_platform_id,
                                "topLevelComment": {"snippet": {"textOriginal": text}}}}
            response = self.request("POST", "/commentThreads", params={"part": "snippet"}, json_body=body)
        else:
            top = parent_platform_id.split(".", 1)[0]  # a reply's id is "<thread id>.<reply id>"
            body = {"snippet": {"parentId": top, "textOriginal": text}}
            response = self.request("POST", "/comments", params={"part": "snippet"}, json_body=body)
        try:
            return as_id(response.json_object().get("id"), "svarets 'id'")
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
