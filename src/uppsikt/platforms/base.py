"""What every platform connector and importer hands to ingestion.

A connector (API client) or importer (export-file reader) yields ``FetchedItem``s;
``uppsikt.inbox.services.ingest_items`` stores them as records. Connectors register
themselves in ``uppsikt.platforms.registry``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ItemKind = Literal["post", "comment", "reply", "message"]


@dataclass(frozen=True)
class FetchedItem:
    platform_id: str                 # the platform's own id, as a string
    kind: ItemKind
    author_id: str                   # platform id of the author ("" if the platform hides it)
    author_name: str
    text: str
    published_at: datetime           # timezone-aware
    raw: bytes                       # the platform's record for this item, byte for byte as stored
    is_own: bool                     # written by the municipality's account (upprättad) or not (inkommen)
    parent_platform_id: str | None = None
    url: str = ""
    media: tuple[str, ...] = field(default_factory=tuple)
    edited_at: datetime | None = None
    deleted: bool = False            # the platform reports it as removed


class PlatformError(Exception):
    """A platform answered something we cannot use. The message names the request and is shown as is."""


class ImportFormatError(Exception):
    """An export file is malformed or of the wrong kind. The message names the file."""
