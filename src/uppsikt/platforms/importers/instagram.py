"""Instagram's JSON export ("Download your information").

Files read, under any top folder (older exports have them at the top, newer ones under
``your_instagram_activity/``):
- ``content/posts_1.json`` …: the account's posts (a list; the caption is the post's
  ``title`` or, for a single picture, the picture's ``title``)
- ``content/reels.json``: reels (``ig_reels_media``)
- ``comments/post_comments_1.json`` …, ``comments/reels_comments.json``: the account's comments

Instagram names the fields of ``string_map_data`` in the account's language: an
English export says ``Comment`` / ``Media Owner`` / ``Time``, a Swedish one
``Kommentar`` / ``Medieägare`` / ``Tid`` (written, like all text, as double-encoded
UTF-8). Known names in several languages are accepted; failing those, the time is the
one field with a ``timestamp`` and the comment the one text field that is not the owner.
The export has no ids: an item's id is a hash of its time, media and text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from uppsikt.core.i18n import gettext as _
from uppsikt.platforms.base import FetchedItem, ImportFormatError

from . import register
from .base import Importer, RecordCounter, fix_mojibake, from_epoch, raw_json

_PREFIX = r"(?:^|/)"
_ROLES = (
    ("posts", re.compile(_PREFIX + r"(?:content|media)/posts_\d+\.json$"), ("",)),
    ("reels", re.compile(_PREFIX + r"content/reels\.json$"), ("ig_reels_media", "")),
    ("comments", re.compile(_PREFIX + r"comments/post_comments(?:_\d+)?\.json$"), ("", "comments_media_comments")),
    ("comments", re.compile(_PREFIX + r"comments/reels_comments(?:_\d+)?\.json$"), ("comments_reels_comments", "")),
)
_PROFILE = re.compile(_PREFIX + r"personal_information/personal_information\.json$")
_MARKERS = re.compile(_PREFIX + r"(?:your_instagram_activity|personal_information|connections/followers_and_following|ads_information)/")

_COMMENT_KEYS = {"comment", "kommentar", "opmerking", "commentaire", "comentario", "commento", "kommentti"}
_OWNER_KEYS = {"media owner", "medieägare", "mediaägare", "ägare av media", "media-eigenaar", "medieeier", "medieejer", "medienbesitzer"}
_TIME_KEYS = {"time", "tid", "tijd", "zeit", "heure", "hora", "ora", "aika"}
_USERNAME_KEYS = {"username", "användarnamn", "gebruikersnaam", "brukernavn", "brugernavn", "benutzername"}
_NAME_KEYS = {"name", "namn", "naam", "navn"}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _fields(string_map: dict) -> dict[str, dict]:
    """``string_map_data`` with its (possibly double-encoded) names repaired and folded to lower case."""
    return {fix_mojibake(str(k)).strip().casefold(): _dict(v) for k, v in string_map.items()}


@register
class InstagramExportImporter(Importer):
    format = "instagram-export"
    platform = "instagram"
    label = "Instagram"

    @classmethod
    def recognises(cls, members: list[str]) -> bool:
        return any(_PROFILE.search(m) or _MARKERS.search(m) or any(p.search(m) for _r, p, _a in _ROLES) for m in members)

    def plan(self, members: list[str]) -> list[tuple[str, str]]:
        found = []
        for member in members:
            for index, (role, pattern, _allowed) in enumerate(_ROLES):
                if pattern.search(member):
                    found.append((member, f"{role}:{index}"))
                    break
        order = {"posts": 0, "reels": 1, "comments": 2}
        return sorted(found, key=lambda pair: (order[pair[1].split(":")[0]], pair[0]))

    def prepare(self, members: list[str]) -> None:
        self.account_name = ""
        for member in members:
            if _PROFILE.search(member):
                data = self.read_json(member)
                users = _list(_dict(data).get("profile_user")) if isinstance(data, dict) else _list(data)
                for user in users:
                    fields = _fields(_dict(_dict(user).get("string_map_data")))
                    for keys in (_USERNAME_KEYS, _NAME_KEYS):
                        value = next((fields[k].get("value") for k in keys if k in fields), None)
                        if isinstance(value, str) and value:
                            self.account_name = fix_mojibake(value)
                            break
                    if self.account_name:
                        break
                break

    @property
    def author(self) -> str:
        return self.account_name or self.owner_name

    def read(self, member: str, role: str) -> Iterator[FetchedItem]:
        kind, index = role.split(":")
        allowed = _ROLES[int(index)][2]
        counter = RecordCounter()
        for where, _i, record in self.records(member, allowed):
            if kind == "comments":
                yield self._comment(record, where, counter)
            else:
                yield self._post(record, where, counter)

    def _post(self, record: dict, where: object, counter: RecordCounter) -> FetchedItem:
        media = [_dict(m) for m in _list(record.get("media"))]
        first = media[0] if media else {}
        timestamp = record.get("creation_timestamp", first.get("creation_timestamp"))
        published = from_epoch(timestamp, where)
        raw_text = record.get("title") if isinstance(record.get("title"), str) else first.get("title", "")
        raw_text = raw_text if isinstance(raw_text, str) else ""
        uris = [m["uri"] for m in media if isinstance(m.get("uri"), str)]
        if not uris and not raw_text:
            raise ImportFormatError(_("%(where)s: the post has neither media nor text") % {"where": where})
        return FetchedItem(
            platform_id=counter.id_for("ig:", timestamp, "post", raw_text, *uris),
            kind="post",
            author_id="",
            author_name=self.author,
            text=fix_mojibake(raw_text),
            published_at=published,
            raw=raw_json(record),
            is_own=True,
            media=tuple(uris),
        )

    def _comment(self, record: dict, where: object, counter: RecordCounter) -> FetchedItem:
        href = ""
        if "string_map_data" in record:
            fields = _fields(_dict(record.get("string_map_data")))
            time_field = next((fields[k] for k in _TIME_KEYS if k in fields), None)
            if time_field is None:
                stamped = [v for v in fields.values() if isinstance(v.get("timestamp"), (int, float)) and v.get("timestamp")]
                time_field = stamped[0] if len(stamped) == 1 else None
            comment_field = next((fields[k] for k in _COMMENT_KEYS if k in fields), None)
            owner_field = next((fields[k] for k in _OWNER_KEYS if k in fields), {})
            if comment_field is None:
                texts = [v for k, v in fields.items() if k not in _OWNER_KEYS and isinstance(v.get("value"), str) and v is not time_field]
                comment_field = texts[0] if len(texts) == 1 else None
            if time_field is None or comment_field is None:
                raise ImportFormatError(_("%(where)s: unknown layout of string_map_data (%(fields)s)") % {"where": where, "fields": ", ".join(sorted(fields))})
            timestamp = time_field.get("timestamp")
            raw_text = comment_field.get("value", "")
            owner = owner_field.get("value", "")
            href = comment_field.get("href", "") or owner_field.get("href", "")
        elif "string_list_data" in record:
            entry = _dict((_list(record.get("string_list_data")) or [{}])[0])
            timestamp = entry.get("timestamp")
            raw_text = entry.get("value", "")
            owner = record.get("title", "")
            href = entry.get("href", "")
        else:
            raise ImportFormatError(_("%(where)s: the comment has no string_map_data") % {"where": where})
        raw_text = raw_text if isinstance(raw_text, str) else ""
        owner = owner if isinstance(owner, str) else ""
        published = from_epoch(timestamp, where)
        uris = [m["uri"] for m in map(_dict, _list(record.get("media_list_data"))) if isinstance(m.get("uri"), str) and m["uri"]]
        return FetchedItem(
            platform_id=counter.id_for("ig:", timestamp, "comment", owner, raw_text, *uris),
            kind="comment",
            author_id="",
            author_name=self.author,
            text=fix_mojibake(raw_text),
            published_at=published,
            raw=raw_json(record),
            is_own=True,
            url=href if isinstance(href, str) else "",
            media=tuple(uris),
        )
