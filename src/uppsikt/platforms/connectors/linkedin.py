"""LinkedIn organisation pages through the Community Management API (versioned ``/rest``).

Every request carries ``LinkedIn-Version`` and ``X-Restli-Protocol-Version: 2.0.0``;
URNs are URL-encoded in paths and query strings, as Rest.li 2.0 requires.

What a poll reads:
- ``GET /rest/posts?q=author&author={org-urn}&sortBy=LAST_MODIFIED`` — the page's posts
  (kind ``post``), paged with ``start``/``count`` until they are older than the look-back window;
- ``GET /rest/socialActions/{post-urn}/comments`` — comments (kind ``comment``), and
  ``GET /rest/socialActions/{comment-urn}/comments`` for comments that have answers (kind ``reply``).

LinkedIn cannot hide a comment. The page can delete comments on its posts
(``DELETE /rest/socialActions/{object}/comments/{id}?actor=``) and answer them.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ..apiclient import ActionRefused, HttpConnector, ShapeError, Walk, as_dict, as_id, as_list, dump_raw, epoch_time, text_of
from ..base import FetchedItem, PlatformError
from ..registry import Capabilities, register

LINKEDIN_VERSION = "202411"
_COMMENT_URN = re.compile(r"^urn:li:comment:\((?P<object>urn:li:[A-Za-z]+:[^,()]+),(?P<id>[^,()]+)\)$")
_POST_URN = re.compile(r"^urn:li:(share|ugcPost):\S+$")


def enc(urn: str) -> str:
    return quote(urn, safe="")


@register
class LinkedInConnector(HttpConnector):
    platform = "linkedin"
    label = "LinkedIn"
    default_api_base = "https://api.linkedin.com"
    query_safe = ""
    capabilities = Capabilities(
        hide=False,
        unhide=False,
        delete=True,
        reply=True,
        notify_poster=True,
        webhook=False,
        notes=(
            "LinkedIn kan inte dölja kommentarer. En kommentar som bryter mot riktlinjen måste "
            "raderas – bevara den först – och raderingen går inte att ångra."
        ),
    )
    post_page = 50
    comment_page = 100

    def org_urn(self) -> str:
        account = self.credentials.account_id
        if not account:
            raise PlatformError("LinkedIn: organisationens id saknas; koppla kanalen med --account-id (t.ex. 12345 eller urn:li:organization:12345).")
        return account if account.startswith("urn:li:") else f"urn:li:organization:{account}"

    def extra_headers(self) -> dict[str, str]:
        return {
            "LinkedIn-Version": str(self.credentials.extra.get("linkedin_version") or LINKEDIN_VERSION),
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def error_detail(self, data: Any) -> str:
        if not isinstance(data, dict):
            return ""
        message = str(data.get("message") or "")
        code = data.get("code") or data.get("serviceErrorCode")
        return f"{message} ({code})" if code and message else message

    # -- polling -----------------------------------------------------------------------------
    def initial_tasks(self, walk: Walk) -> list[dict]:
        return [{"t": "posts"}]

    def run_task(self, task: dict, walk: Walk):
        kind = task["t"]
        if kind == "posts":
            return self._posts(task, walk)
        if kind == "comments":
            return self._comments(task)
        raise PlatformError(f"LinkedIn: okänd uppgift {kind!r} i markören; hämta om från början.")

    def _collection(self, response) -> tuple[list, dict]:
        body = response.json_object()
        try:
            elements = as_list(body.get("elements"), "fältet 'elements'")
            paging = as_dict(body.get("paging", {}), "fältet 'paging'")
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        return elements, paging

    def _next(self, task: dict, elements: list, paging: dict, page_size: int) -> list[dict]:
        if not elements:
            return []
        links = [link for link in paging.get("links") or [] if isinstance(link, dict)]
        for link in links:
            if link.get("rel") == "next" and isinstance(link.get("href"), str):
                return [{**task, "url": link["href"]}]
        start = paging.get("start", task.get("start", 0)) or 0
        count = paging.get("count", page_size) or page_size
        total = paging.get("total")
        following = start + len(elements)
        if isinstance(total, int):
            more = following < total
        else:
            # Without a total, LinkedIn's links say where to go; a page with links but no "next" is the last.
            more = not links and len(elements) >= count
        return [{**task, "start": following, "url": None}] if more else []

    def _posts(self, task: dict, walk: Walk):
        org = self.org_urn()
        if task.get("url"):
            response = self.request("GET", task["url"])
        else:
            params = {"author": org, "q": "author", "sortBy": "LAST_MODIFIED", "start": task.get("start", 0), "count": self.post_page}
            response = self.request("GET", "/rest/posts", params=params)
        elements, paging = self._collection(response)
        bound = self.lower_bound(walk, lookback=True)
        items, children, older_seen = [], [], False
        try:
            for obj in elements:
                item = self.post_item(obj, org)
                modified = obj.get("lastModifiedAt")
                if bound is not None and isinstance(modified, int) and modified / 1000 < bound:
                    older_seen = True
                    continue
                items.append(item)
                children.append({"t": "comments", "target": item.platform_id, "post": item.platform_id})
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        return response, items, children + ([] if older_seen else self._next(task, elements, paging, self.post_page))

    def _comments(self, task: dict):
        org = self.org_urn()
        if task.get("url"):
            response = self.request("GET", task["url"])
        else:
            response = self.request("GET", f"/rest/socialActions/{enc(task['target'])}/comments",
                                    params={"start": task.get("start", 0), "count": self.comment_page})
        elements, paging = self._collection(response)
        nested = task["target"].startswith("urn:li:comment:")
        items, children = [], []
        try:
            for obj in elements:
                item = self.comment_item(obj, org, task["post"], parent=task["target"] if nested else None)
                items.append(item)
                summary = obj.get("commentsSummary") if isinstance(obj.get("commentsSummary"), dict) else {}
                if not nested and (summary.get("totalFirstLevelComments") or summary.get("aggregatedTotalComments") or 0) > 0:
                    children.append({"t": "comments", "target": item.platform_id, "post": task["post"]})
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        return response, items, children + self._next(task, elements, paging, self.comment_page)

    # -- mapping ------------------------------------------------------------------------------
    def post_item(self, obj: Any, org: str) -> FetchedItem:
        obj = as_dict(obj, "ett inlägg")
        urn = as_id(obj.get("id"), "inläggets 'id'")
        author = text_of(obj.get("author"))
        when = obj.get("publishedAt") or obj.get("createdAt")
        return FetchedItem(
            platform_id=urn,
            kind="post",
            author_id=author,
            author_name="",
            text=text_of(obj.get("commentary")),
            published_at=epoch_time(when, "inläggets 'publishedAt'", millis=True),
            raw=dump_raw(obj),
            is_own=author == org,
            url=f"https://www.linkedin.com/feed/update/{urn}/",
        )

    def comment_item(self, obj: Any, org: str, post: str, *, parent: str | None) -> FetchedItem:
        obj = as_dict(obj, "en kommentar")
        urn = as_id(obj.get("commentUrn") or obj.get("$URN"), "kommentarens 'commentUrn'")
        created = as_dict(obj.get("created"), "kommentarens 'created'")
        modified = obj.get("lastModified") if isinstance(obj.get("lastModified"), dict) else {}
        message = obj.get("message") if isinstance(obj.get("message"), dict) else {}
        actor = text_of(obj.get("actor")) or text_of(created.get("actor"))
        published = epoch_time(created.get("time"), "kommentarens 'created.time'", millis=True)
        edited = None
        if isinstance(modified.get("time"), int) and modified["time"] != created.get("time"):
            edited = epoch_time(modified["time"], "kommentarens 'lastModified.time'", millis=True)
        parent_id = parent or (text_of(obj.get("parentComment")) or None)
        return FetchedItem(
            platform_id=urn,
            kind="reply" if parent_id else "comment",
            author_id=actor,
            author_name="",
            text=text_of(message.get("text")),
            published_at=published,
            raw=dump_raw(obj),
            is_own=actor == org,
            parent_platform_id=parent_id or post,
            url=f"https://www.linkedin.com/feed/update/{post}/",
            edited_at=edited,
        )

    # -- moderation ----------------------------------------------------------------------------
    def delete(self, platform_id: str) -> None:
        match = _COMMENT_URN.match(platform_id)
        if match:
            self.request("DELETE", f"/rest/socialActions/{enc(match['object'])}/comments/{enc(match['id'])}", params={"actor": self.org_urn()})
        elif _POST_URN.match(platform_id):
            self.request("DELETE", f"/rest/posts/{enc(platform_id)}")
        else:
            raise ActionRefused(f"LinkedIn: {platform_id!r} är varken en kommentar (urn:li:comment:…) eller ett inlägg (urn:li:share:…).")

    def reply(self, parent_platform_id: str, text: str) -> str:
        org = self.org_urn()
        match = _COMMENT_URN.match(parent_platform_id)
        if match:
            body = {"actor": org, "object": match["object"], "parentComment": parent_platform_id, "message": {"text": text}}
        elif _POST_URN.match(parent_platform_id):
            body = {"actor": org, "object": parent_platform_id, "message": {"text": text}}
        else:
            raise ActionRefused(f"LinkedIn: kan inte svara på {parent_platform_id!r}; ange en kommentar eller ett inlägg.")
        response = self.request("POST", f"/rest/socialActions/{enc(parent_platform_id)}/comments", json_body=body)
        created = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id")
        if response.body.strip():
            data = response.json_object()
            created = data.get("commentUrn") or data.get("$URN") or created
        if not created:
            raise PlatformError(f"LinkedIn bekräftade inte svaret för {response.shown} (ingen commentUrn i svaret).")
        return str(created)
