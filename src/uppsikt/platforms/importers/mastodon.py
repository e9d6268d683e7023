"""A Mastodon account archive: ``outbox.json`` (ActivityPub), from a folder, zip or tar.gz.

``outbox.json`` is an ``OrderedCollection`` whose ``orderedItems`` are activities; each
``Create`` of a ``Note`` (or ``Question``) is one of the account's own posts, a reply when
it has ``inReplyTo``, and a message when it is addressed to neither the public nor the
followers (a direct message). Boosts (``Announce``) are other people's posts and are not
imported. ``actor.json`` gives the account's name. Ids are the objects' URIs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser

from uppsikt.core.i18n import gettext as _
from uppsikt.platforms.base import FetchedItem, ImportFormatError

from . import register
from .base import Importer, raw_json

_OUTBOX = re.compile(r"(?:^|/)outbox\.json$")
_ACTOR = re.compile(r"(?:^|/)actor\.json$")
_MARKERS = re.compile(r"(?:^|/)(?:outbox|actor|likes|bookmarks)\.json$")
_PUBLIC = {"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"}
_CONTENT_TYPES = {"Note", "Question", "Article", "Page"}


class _TextOf(HTMLParser):
    """Plain text of a status's HTML: paragraphs become blank lines, ``<br>`` a line break."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(value: str) -> str:
    parser = _TextOf()
    parser.feed(value)
    parser.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip()


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _time(value, where: object) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ImportFormatError(_("%(where)s: invalid time %(value)r") % {"where": where, "value": value}) from None
    if parsed.tzinfo is None:
        raise ImportFormatError(_("%(where)s: the time %(value)r has no time zone") % {"where": where, "value": value})
    return parsed


@register
class MastodonArchiveImporter(Importer):
    format = "mastodon-archive"
    platform = "mastodon"
    label = "Mastodon"

    @classmethod
    def recognises(cls, members: list[str]) -> bool:
        return any(_MARKERS.search(m) for m in members)

    def plan(self, members: list[str]) -> list[tuple[str, str]]:
        return [(m, "outbox") for m in members if _OUTBOX.search(m)]

    def prepare(self, members: list[str]) -> None:
        self.actor_name = ""
        for member in members:
            if _ACTOR.search(member):
                actor = self.read_json(member)
                if isinstance(actor, dict):
                    for key in ("name", "preferredUsername"):
                        if isinstance(actor.get(key), str) and actor[key]:
                            self.actor_name = actor[key]
                            break
                break

    def read(self, member: str, role: str) -> Iterator[FetchedItem]:
        for where, _i, activity in self.records(member, ("orderedItems",)):
            if activity.get("type") != "Create":
                continue
            note = activity.get("object")
            if not isinstance(note, dict) or note.get("type") not in _CONTENT_TYPES:
                continue
            yield self._status(activity, note, where)

    def _status(self, activity: dict, note: dict, where: object) -> FetchedItem:
        status_id = note.get("id")
        if not isinstance(status_id, str) or not status_id:
            raise ImportFormatError(_("%(where)s: the post has no id") % {"where": where})
        published = _time(note.get("published") or activity.get("published"), where)
        content = note.get("content") if isinstance(note.get("content"), str) else ""
        text = html_to_text(content)
        summary = note.get("summary")
        if isinstance(summary, str) and summary.strip():
            text = f"{html.unescape(summary.strip())}\n\n{text}" if text else html.unescape(summary.strip())
        parent = note.get("inReplyTo") if isinstance(note.get("inReplyTo"), str) else None
        audience = set(map(str, _as_list(note.get("to")) + _as_list(note.get("cc"))))
        actor = activity.get("actor") if isinstance(activity.get("actor"), str) else note.get("attributedTo", "")
        actor = actor if isinstance(actor, str) else ""
        public = bool(audience & _PUBLIC) or any(a.endswith("/followers") for a in audience)
        kind = "message" if not public else ("reply" if parent else "post")
        media = tuple(
            a["url"] for a in _as_list(note.get("attachment")) if isinstance(a, dict) and isinstance(a.get("url"), str)
        )
        url = note.get("url") if isinstance(note.get("url"), str) else status_id
        updated = note.get("updated")
        return FetchedItem(
            platform_id=status_id,
            kind=kind,
            author_id=actor,
            author_name=self.actor_name or self.owner_name,
            text=text,
            published_at=published,
            raw=raw_json(activity),
            is_own=True,
            parent_platform_id=parent,
            url=url,
            media=media,
            edited_at=_time(updated, where) if isinstance(updated, str) else None,
        )
