"""Facebook "Download Your Information" (JSON) for a profile or a Page.

Layouts handled, by where the files sit (any top folder in front):
- old:   ``posts/your_posts.json`` (``status_updates``), ``posts/your_posts_1.json``,
         ``posts/other_people's_posts_to_your_timeline.json``, ``comments/comments.json``
- 2022:  ``your_activity_across_facebook/posts/your_posts__check_ins__photos_and_videos_1.json``,
         ``your_activity_across_facebook/comments_and_reactions/comments.json``
- 2024:  ``your_facebook_activity/posts/...``, ``your_facebook_activity/comments_and_reactions/comments.json``
- Pages: the Page's own posts (``page_posts_1.json`` / ``your_page_posts_1.json``) and posts by
         visitors (``visitor_posts_1.json``), in the same folders.

The export has no ids, so an item's id is a hash of what identifies the record (kind of
file, time, author, heading, text, media); identical records at the same second are told
apart by their order. Text is written as double-encoded UTF-8 (each byte as
``\\u00XX``) and is repaired where it is double-encoded; the raw record keeps it as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from uppsikt.core.i18n import gettext as _
from uppsikt.platforms.base import FetchedItem, ImportFormatError

from . import register
from .base import Importer, RecordCounter, fix_mojibake, from_epoch, raw_json

_PREFIX = r"(?:^|/)"
_ROLES = (
    ("own_posts", re.compile(_PREFIX + r"posts/(?:your_posts|your_posts__check_ins__photos_and_videos|page_posts|your_page_posts)(?:_\d+)?\.json$")),
    ("visitor_posts", re.compile(_PREFIX + r"posts/(?:other_people's_posts_to_your_timeline|visitor_posts|posts_by_visitors|other_people's_posts_to_your_page)(?:_\d+)?\.json$")),
    ("comments", re.compile(_PREFIX + r"(?:comments|comments_and_reactions)/(?:comments|your_comments)(?:_\d+)?\.json$")),
)
_PROFILE = re.compile(_PREFIX + r"profile_information/profile_information\.json$")
_MARKERS = re.compile(_PREFIX + r"(?:your_facebook_activity|your_activity_across_facebook|profile_information|personal_information/profile_information)/")

_ARRAYS = {
    "own_posts": ("", "status_updates", "status_updates_v2"),
    "visitor_posts": ("", "wall_posts_sent_to_you.activity_log_data", "wall_posts_sent_to_you_v2", "wall_posts_sent_to_you"),
    "comments": ("comments_v2", "comments", ""),
}
_ORDER = {"own_posts": 0, "visitor_posts": 1, "comments": 2}

_VISITOR_AUTHOR = re.compile(r"^(.+?) (?:wrote on|posted on|posted to|skrev på|publicerade på|gjorde ett inlägg på|delade .* på) ")
# Matches the heading as written (double-encoded) or repaired: "svarade p" is ASCII either way.
_REPLY_TITLE = re.compile(r" (?:replied to|svarade p)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _name(raw: str) -> str:
    """A repaired author name; names repeat, so they are repaired once."""
    return fix_mojibake(raw)


def _role(member: str) -> str | None:
    for role, pattern in _ROLES:
        if pattern.search(member):
            return role
    return None


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _attachments(record: dict) -> tuple[list[str], str, str]:
    """Media paths, a link and a media description from a record's attachments."""
    media: list[str] = []
    url = ""
    description = ""
    for attachment in _list(record.get("attachments")):
        for entry in _list(_dict(attachment).get("data")):
            entry = _dict(entry)
            item = _dict(entry.get("media"))
            if isinstance(item.get("uri"), str):
                media.append(item["uri"])
                if not description and isinstance(item.get("description"), str):
                    description = item["description"]
            link = _dict(entry.get("external_context")).get("url")
            if not url and isinstance(link, str):
                url = link
    return media, url, description


@register
class FacebookExportImporter(Importer):
    format = "facebook-export"
    platform = "facebook"
    label = "Facebook"

    @classmethod
    def recognises(cls, members: list[str]) -> bool:
        return any(_role(m) or _PROFILE.search(m) or _MARKERS.search(m) for m in members)

    def plan(self, members: list[str]) -> list[tuple[str, str]]:
        found = [(m, role) for m in members if (role := _role(m))]
        return sorted(found, key=lambda pair: (_ORDER[pair[1]], pair[0]))

    def prepare(self, members: list[str]) -> None:
        self.account_name = ""
        for member in members:
            if _PROFILE.search(member):
                data = _dict(self.read_json(member))
                profile = _dict(data.get("profile_v2") or data.get("profile"))
                name = _dict(profile.get("name")).get("full_name")
                if isinstance(name, str):
                    self.account_name = fix_mojibake(name)
                break

    def read(self, member: str, role: str) -> Iterator[FetchedItem]:
        counter = RecordCounter()
        for where, _index, record in self.records(member, _ARRAYS[role]):
            if role == "comments":
                yield from self._comment(record, where, counter)
            else:
                yield self._post(record, role, where, counter)

    def _post(self, record: dict, role: str, where: object, counter: RecordCounter) -> FetchedItem:
        timestamp = record.get("timestamp")
        published = from_epoch(timestamp, where)
        texts = [d["post"] for d in _list(record.get("data")) if isinstance(d, dict) and isinstance(d.get("post"), str)]
        updated = [d["update_timestamp"] for d in _list(record.get("data")) if isinstance(d, dict) and isinstance(d.get("update_timestamp"), int)]
        media, url, description = _attachments(record)
        raw_text = "\n".join(texts) or description
        title = record.get("title") if isinstance(record.get("title"), str) else ""
        text = fix_mojibake(raw_text)
        heading = fix_mojibake(title)
        own = role == "own_posts"
        if own:
            author = self.account_name or self.owner_name
        else:
            match = _VISITOR_AUTHOR.match(heading)
            author = match.group(1) if match else ""
        edited = from_epoch(updated[0], where) if updated and updated[0] != timestamp else None
        return FetchedItem(
            platform_id=counter.id_for("fb:", timestamp, role, title, raw_text, *media),
            kind="post",
            author_id="",
            author_name=author,
            text=text,
            published_at=published,
            raw=raw_json(record),
            is_own=own,
            url=url,
            media=tuple(media),
            edited_at=edited,
        )

    def _comment(self, record: dict, where: object, counter: RecordCounter) -> Iterator[FetchedItem]:
        title = record.get("title") if isinstance(record.get("title"), str) else ""
        kind = "reply" if _REPLY_TITLE.search(title) else "comment"
        media, url, _description = _attachments(record)
        entries = [_dict(d.get("comment")) for d in _list(record.get("data")) if isinstance(d, dict) and isinstance(d.get("comment"), dict)]
        if not entries:
            if "timestamp" not in record:
                raise ImportFormatError(_("%(where)s: the comment has neither text nor timestamp") % {"where": where})
            entries = [{"timestamp": record["timestamp"], "comment": "", "author": ""}]
        for entry in entries:
            timestamp = entry.get("timestamp", record.get("timestamp"))
            published = from_epoch(timestamp, where)
            raw_text = entry.get("comment") if isinstance(entry.get("comment"), str) else ""
            raw_author = entry.get("author") if isinstance(entry.get("author"), str) else ""
            author = _name(raw_author) or self.account_name or self.owner_name
            own = not (self.account_name and raw_author and author != self.account_name)
            yield FetchedItem(
                platform_id=counter.id_for("fb:", timestamp, "comment", raw_author, title, raw_text, *media),
                kind=kind,
                author_id="",
                author_name=author,
                text=fix_mojibake(raw_text),
                published_at=published,
                raw=raw_json(record),
                is_own=own,
                url=url,
                media=tuple(media),
            )
