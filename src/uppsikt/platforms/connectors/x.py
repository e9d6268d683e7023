"""X (Twitter) through the X API v2.

What a poll reads, newest first, from the last poll's ``since_id`` on:
- ``GET /2/users/:id/tweets`` — the account's own posts and answers;
- ``GET /2/users/:id/mentions`` — posts that mention the account, which include the
  replies in its conversations.

Both use ``expansions=author_id`` (names from ``includes.users``) and ``meta.next_token``.
A post that replies to the conversation's first post is a ``comment``; a reply further
down is a ``reply``; anything else is a ``post``.

The municipality answers only for its own content on X (GOV-11). Moderation is narrow
there: ``PUT /2/tweets/:id/hidden`` hides a reply only in a conversation the account
started, and ``DELETE /2/tweets/:id`` removes only the account's own posts. Rate limits
come in ``x-rate-limit-remaining`` / ``x-rate-limit-reset``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx

from ..apiclient import (
    ActionRefused,
    ApiResponse,
    HttpConnector,
    ShapeError,
    Walk,
    as_dict,
    as_id,
    as_list,
    dump_raw,
    parse_time,
    text_of,
)
from ..base import FetchedItem, PlatformError
from ..registry import Capabilities, register

TWEET_FIELDS = "author_id,conversation_id,created_at,in_reply_to_user_id,referenced_tweets,lang,edit_history_tweet_ids"


@register
class XConnector(HttpConnector):
    platform = "x"
    label = "X"
    default_api_base = "https://api.x.com"
    capabilities = Capabilities(
        hide=True,
        unhide=True,
        delete=True,
        reply=True,
        notify_poster=True,
        webhook=False,
        notes=(
            "På X ansvarar kommunen bara för sitt eget innehåll. Svar kan bara döljas i trådar som kontot "
            "självt har startat, och bara kontots egna inlägg kan raderas."
        ),
    )
    page_size = 100

    # -- errors and rate limits -----------------------------------------------------------
    def error_detail(self, data: Any) -> str:
        if not isinstance(data, dict):
            return ""
        if data.get("detail") or data.get("title"):
            return str(data.get("detail") or data.get("title"))
        errors = data.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("detail") or errors[0].get("message") or "")
        return ""

    remaining_header = "x-rate-limit-remaining"

    def reset_wait(self, headers: httpx.Headers) -> float | None:
        reset = headers.get("x-rate-limit-reset")
        try:
            return max(1.0, float(reset) - self.now()) if reset else None
        except ValueError:
            return None

    def throttle_wait(self, response: httpx.Response, data: Any) -> float | None:
        return self._window_throttle_wait(response)

    def usage_pause(self, response: httpx.Response) -> float:
        return self._window_usage_pause(response)

    # -- the account ------------------------------------------------------------------------
    def user_id(self) -> str:
        if not self.credentials.account_id:
            response = self.request("GET", "/2/users/me")
            try:
                uid = as_id(as_dict(response.json_object().get("data"), "fältet 'data'").get("id"), "fältet 'data.id'")
            except ShapeError as exc:
                raise self.shape_error(response, exc) from None
            self.credentials = dataclasses.replace(self.credentials, account_id=uid)
        return self.credentials.account_id

    # -- polling -----------------------------------------------------------------------------
    def initial_tasks(self, walk: Walk) -> list[dict]:
        return [{"t": "tweets"}, {"t": "mentions"}]

    def run_task(self, task: dict, walk: Walk):
        kind = task["t"]
        if kind not in ("tweets", "mentions"):
            raise PlatformError(f"X: okänd uppgift {kind!r} i markören; hämta om från början.")
        uid = self.user_id()
        params = {
            "max_results": self.page_size,
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": "username,name",
            "since_id": walk.mark(kind),
            "pagination_token": task.get("token"),
        }
        response = self.request("GET", f"/2/users/{uid}/{kind}", params=params)
        tweets, users, meta = self.timeline(response)
        if not task.get("token") and isinstance(meta.get("newest_id"), str):
            walk.run_marks[kind] = meta["newest_id"]
        try:
            items = [self.tweet_item(t, users, uid) for t in tweets]
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        token = meta.get("next_token")
        return response, items, ([{**task, "token": token}] if isinstance(token, str) and token and tweets else [])

    def timeline(self, response: ApiResponse) -> tuple[list, dict, dict]:
        """``data`` (absent when there are no results), ``includes.users`` by id, and ``meta``."""
        body = response.json_object()
        try:
            meta = as_dict(body.get("meta", {}), "fältet 'meta'")
            tweets = as_list(body.get("data", []), "fältet 'data'")
            includes = as_dict(body.get("includes", {}), "fältet 'includes'")
            users = {str(u.get("id")): u for u in as_list(includes.get("users", []), "fältet 'includes.users'") if isinstance(u, dict)}
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
        if "data" not in body and "errors" in body and not meta.get("result_count") == 0:
            raise PlatformError(f"X svarade med fel för {response.shown}:{' ' + self.error_detail(body)}")
        return tweets, users, meta

    def tweet_item(self, obj: Any, users: dict, uid: str) -> FetchedItem:
        obj = as_dict(obj, "ett inlägg")
        tweet_id = as_id(obj.get("id"), "inläggets 'id'")
        author_id = str(obj.get("author_id") or "")
        user = users.get(author_id, {})
        username = text_of(user.get("username"))
        replied_to = None
        for ref in obj.get("referenced_tweets") or []:
            if isinstance(ref, dict) and ref.get("type") == "replied_to" and ref.get("id"):
                replied_to = str(ref["id"])
        conversation = str(obj.get("conversation_id") or "")
        if replied_to is None:
            kind = "post"
        else:
            kind = "comment" if replied_to == conversation else "reply"
        return FetchedItem(
            platform_id=tweet_id,
            kind=kind,
            author_id=author_id,
            author_name=username or text_of(user.get("name")),
            text=text_of(obj.get("text")),
            published_at=parse_time(obj.get("created_at"), "inläggets 'created_at'"),
            raw=dump_raw(obj),
            is_own=author_id == uid,
            parent_platform_id=replied_to,
            url=f"https://x.com/{username or 'i/web'}/status/{tweet_id}",
        )

    # -- moderation ----------------------------------------------------------------------------
    def _tweet(self, tweet_id: str) -> dict:
        response = self.request("GET", f"/2/tweets/{tweet_id}", params={"tweet.fields": "author_id,conversation_id,in_reply_to_user_id"})
        try:
            return as_dict(response.json_object().get("data"), "fältet 'data'")
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None

    def _check_own_conversation(self, tweet_id: str) -> None:
        """X hides only replies in conversations the account started (GOV-11)."""
        tweet = self._tweet(tweet_id)
        conversation = str(tweet.get("conversation_id") or "")
        if not conversation or conversation == tweet_id:
            raise ActionRefused(f"X: inlägget {tweet_id} är inget svar; bara svar i kontots egna trådar kan döljas.")
        root = self._tweet(conversation)
        if str(root.get("author_id") or "") != self.user_id():
            raise ActionRefused(
                f"X: svaret {tweet_id} finns i en tråd som någon annan har startat; "
                "X tillåter bara att svar döljs i trådar som kontot självt har startat."
            )

    def _set_hidden(self, tweet_id: str, hidden: bool) -> None:
        self._check_own_conversation(tweet_id)
        response = self.request("PUT", f"/2/tweets/{tweet_id}/hidden", json_body={"hidden": hidden})
        data = response.json_object().get("data")
        if not isinstance(data, dict) or data.get("hidden") is not hidden:
            raise PlatformError(f"X bekräftade inte åtgärden för {response.shown} (svaret saknar \"hidden\": {str(hidden).lower()}).")

    def hide(self, platform_id: str) -> None:
        self._set_hidden(platform_id, True)

    def unhide(self, platform_id: str) -> None:
        self._set_hidden(platform_id, False)

    def delete(self, platform_id: str) -> None:
        tweet = self._tweet(platform_id)
        if str(tweet.get("author_id") or "") != self.user_id():
            raise ActionRefused(f"X: inlägget {platform_id} är inte kontots eget; andras inlägg kan inte raderas, bara svar i egna trådar döljas.")
        response = self.request("DELETE", f"/2/tweets/{platform_id}")
        data = response.json_object().get("data")
        if not isinstance(data, dict) or data.get("deleted") is not True:
            raise PlatformError(f"X bekräftade inte raderingen för {response.shown}.")

    def reply(self, parent_platform_id: str, text: str) -> str:
        body = {"text": text, "reply": {"in_reply_to_tweet_id": parent_platform_id}}
        response = self.request("POST", "/2/tweets", json_body=body)
        try:
            return as_id(as_dict(response.json_object().get("data"), "fältet 'data'").get("id"), "fältet 'data.id'")
        except ShapeError as exc:
            raise self.shape_error(response, exc) from None
