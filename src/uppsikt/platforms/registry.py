"""Platforms as plugins: each connector module registers a ``Connector`` subclass here.

A connector fetches pages of ``FetchedItem``s through the platform's API and carries
out the moderation actions the platform allows. What it can do is declared in
``capabilities``, because the platforms differ (X hides only replies in your own
threads, YouTube's "reject" is final, LinkedIn has no hide).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field

from .base import FetchedItem


@dataclass(frozen=True)
class Capabilities:
    hide: bool = False
    unhide: bool = False
    delete: bool = False
    reply: bool = False
    notify_poster: bool = False       # can tell the poster (a reply or a private message)
    webhook: bool = False
    notes: str = ""                   # Swedish note shown to editors, e.g. "Att avvisa en kommentar går inte att ångra."


@dataclass(frozen=True)
class Credentials:
    token: str
    account_id: str = ""
    api_base: str | None = None       # replaces only the API root (tests, proxies)
    extra: dict = field(default_factory=dict)


@dataclass
class Page:
    """One page of results. ``cursor`` is where the next poll starts once this page is committed."""

    items: list[FetchedItem]
    cursor: dict
    request: str                      # method and URL, for error messages and the audit log
    raw: bytes = b""                  # the response body byte for byte


class Connector(ABC):
    platform: str = ""
    label: str = ""
    default_api_base: str = ""
    capabilities: Capabilities = Capabilities()

    def __init__(self, credentials: Credentials, client=None):
        self.credentials = credentials
        self.api_base = (credentials.api_base or self.default_api_base).rstrip("/")
        self.client = client

    @abstractmethod
    def fetch(self, cursor: dict) -> Iterator[Page]:
        """Pages of new items from ``cursor`` on; the last page's cursor is the new position."""

    def hide(self, platform_id: str) -> None:
        raise UnsupportedAction(self.platform, "hide")

    def unhide(self, platform_id: str) -> None:
        raise UnsupportedAction(self.platform, "unhide")

    def delete(self, platform_id: str) -> None:
        raise UnsupportedAction(self.platform, "delete")

    def reply(self, parent_platform_id: str, text: str) -> str:
        raise UnsupportedAction(self.platform, "reply")


class UnsupportedAction(Exception):
    def __init__(self, platform: str, action: str):
        super().__init__(f"{platform} stöder inte åtgärden {action}")
        self.platform = platform
        self.action = action


_REGISTRY: dict[str, type[Connector]] = {}


def register(cls: type[Connector]) -> type[Connector]:
    _REGISTRY[cls.platform] = cls
    return cls


def get_connector_class(platform: str) -> type[Connector]:
    _load_all()
    try:
        return _REGISTRY[platform]
    except KeyError:
        raise KeyError(f"okänd plattform: {platform}") from None


def all_connectors() -> dict[str, type[Connector]]:
    _load_all()
    return dict(_REGISTRY)


def _load_all() -> None:
    import importlib

    for name in ("facebook", "instagram", "x", "youtube", "linkedin", "mastodon", "sandbox"):
        try:
            importlib.import_module(f"uppsikt.platforms.connectors.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"uppsikt.platforms.connectors.{name}":
                raise
