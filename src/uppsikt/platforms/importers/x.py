"""The X (Twitter) archive: ``data/tweets.js`` and its parts ``data/tweets-part1.js`` ….

Each file is JavaScript of one shape: ``window.YTD.tweets.part0 = [ … ]``. The prefix is
checked and cut off and the rest is read as JSON; the file is never run as code. Tweets
sit under a ``"tweet"`` key (older archives: ``tweet.js``, no key). Ids are strings,
``created_at`` reads like ``Wed Oct 10 20:19:24 +0000 2018``, and the archive
HTML-escapes ``&``, ``<`` and ``>`` in the text. ``deleted-tweets.js`` holds tweets
the account removed; they come in as removed items.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from uppsikt.core.i18n import gettext as _
from uppsikt.platforms.base import FetchedItem, ImportFormatError

from . import register
from .base import Importer, _PrefixStripped, raw_json

_TWEETS = re.compile(r"(?:^|/)(tweets?|deleted-tweets?)(?:-part\d+)?\.js$")
_ACCOUNT = re.compile(r"(?:^|/)data/account\.js$|^account\.js$")
_MARKERS = re.compile(r"(?:^|/)data/(?:manifest|account|tweets?|like|follower|following|direct-messages)(?:-part\d+)?\.js$")
_YTD = re.compile(rb"^(?:\xef\xbb\xbf)?\s*window\.YTD\.[A-Za-z0-9_]+\.part\d+\s*=\s*")
_CREATED_AT = "%a %b %d %H:%M:%S %z %Y"


def _part_number(member: str) -> int:
    match = re.search(r"-part(\d+)\.js$", member)
    return int(match.group(1)) if match else 0


def strip_ytd(stream: BinaryIO, display: str) -> BinaryIO:
    """The JSON after ``window.YTD.<name>.part<N> =``; anything else is refused."""
    head = stream.read(4096)
    match = _YTD.match(head)
    if not match:
        raise ImportFormatError(_("%(file)s: does not begin with “window.YTD.….partN =” as an X archive does") % {"file": display})
    return _PrefixStripped(head[match.end() :], stream)


def _str(value) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    return str(value) if isinstance(value, (str, int)) else ""


@register
class XArchiveImporter(Importer):
    format = "x-archive"
    platform = "x"
    label = "X (Twitter)"

    @classmethod
    def recognises(cls, members: list[str]) -> bool:
        return any(_MARKERS.search(m) for m in members)

    def plan(self, members: list[str]) -> list[tuple[str, str]]:
        found = []
        for member in members:
            match = _TWEETS.search(member)
            if match:
                role = "deleted" if match.group(1).startswith("deleted") else "tweets"
                found.append((member, role))
        return sorted(found, key=lambda pair: (pair[1] == "deleted", pair[0].rsplit("/", 1)[0], _part_number(pair[0])))

    def prepare(self, members: list[str]) -> None:
        self.username = ""
        self.display_name = ""
        self.account_id = ""
        for member in members:
            if _ACCOUNT.search(member):
                for _where, _i, record in self.records(member, ("",), stream_wrapper=strip_ytd):
                    account = record.get("account") if isinstance(record.get("account"), dict) else record
                    self.username = _str(account.get("username"))
                    self.display_name = _str(account.get("accountDisplayName"))
                    self.account_id = _str(account.get("accountId"))
                    break
                break

    def read(self, member: str, role: str) -> Iterator[FetchedItem]:
        for where, _i, record in self.records(member, ("",), stream_wrapper=strip_ytd):
            tweet = record.get("tweet", record)
            if not isinstance(tweet, dict):
                raise ImportFormatError(_("%(where)s: “tweet” is not a JSON object") % {"where": where})
            yield self._tweet(tweet, record, role == "deleted", where)

    def _tweet(self, tweet: dict, record: dict, deleted: bool, where: object) -> FetchedItem:
        tweet_id = _str(tweet.get("id_str")) or _str(tweet.get("id"))
        if not tweet_id:
            raise ImportFormatError(_("%(where)s: the tweet has no id") % {"where": where})
        created = tweet.get("created_at")
        try:
            published = datetime.strptime(created, _CREATED_AT)
        except (TypeError, ValueError):
            raise ImportFormatError(_("%(where)s: invalid time created_at %(value)r") % {"where": where, "value": created}) from None
        text = tweet.get("full_text", tweet.get("text", ""))
        text = html.unescape(text) if isinstance(text, str) else ""
        parent = _str(tweet.get("in_reply_to_status_id_str")) or _str(tweet.get("in_reply_to_status_id")) or None
        media = []
        for source in (tweet.get("extended_entities"), tweet.get("entities")):
            for entry in (source or {}).get("media", []) if isinstance(source, dict) else []:
                url = entry.get("media_url_https") or entry.get("media_url") if isinstance(entry, dict) else None
                if isinstance(url, str) and url not in media:
                    media.append(url)
        base = f"https://x.com/{self.username}/status/" if self.username else "https://x.com/i/web/status/"
        return FetchedItem(
            platform_id=tweet_id,
            kind="reply" if parent else "post",
            author_id=self.account_id,
            author_name=self.display_name or self.username or self.owner_name,
            text=text,
            published_at=published,
            raw=raw_json(record),
            is_own=True,
            parent_platform_id=parent,
            url=base + tweet_id,
            media=tuple(media),
            deleted=deleted,
        )
