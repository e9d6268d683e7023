"""Builders for inbox tests: channels and FetchedItems with believable Swedish content."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from uppsikt.channels.models import Channel
from uppsikt.platforms.base import FetchedItem

BASE_TIME = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def make_channel(platform: str = "facebook", *, slug: str | None = None, status: str = "active", policy: str = "lilla-edet") -> Channel:
    return Channel.objects.create(slug=slug or f"{platform}-morbyan", name="Mörbyåns kommun", platform=platform, policy_name=policy, status=status)


def fetched(platform_id: str, text: str = "Hej! När öppnar badplatsen vid Mörbyån?", *, kind: str = "comment", own: bool = False,
            parent: str | None = None, minutes: int = 0, deleted: bool = False, author: str = "Åsa Öberg") -> FetchedItem:
    published = BASE_TIME + timedelta(minutes=minutes)
    record = {"id": platform_id, "message": text, "created_time": published.isoformat(), "from": {"name": author}, "parent": parent, "is_deleted": deleted}
    return FetchedItem(
        platform_id=platform_id,
        kind=kind,
        author_id=f"user-{author}",
        author_name=author,
        text=text,
        published_at=published,
        raw=json.dumps(record, ensure_ascii=False).encode("utf-8"),
        is_own=own,
        parent_platform_id=parent,
        deleted=deleted,
    )
