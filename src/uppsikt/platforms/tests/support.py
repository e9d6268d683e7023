"""Helpers for the connector tests: recorded payloads, connectors on a respx router, a fake clock."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from uppsikt.platforms.registry import Credentials

RECORDINGS = Path(__file__).parent / "recordings"


def raw(platform: str, name: str) -> bytes:
    """A recorded response body, byte for byte."""
    return (RECORDINGS / platform / name).read_bytes()


def data(platform: str, name: str):
    return json.loads(raw(platform, name))


def reply(platform: str, name: str, status: int = 200, headers: dict | None = None) -> httpx.Response:
    return httpx.Response(status, content=raw(platform, name), headers={"content-type": "application/json; charset=UTF-8", **(headers or {})})


class Sleeps:
    """An injectable sleep that records what was asked and moves a fake clock."""

    def __init__(self, start: float = 1714644000.0):
        self.calls: list[float] = []
        self.now = start

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def make(cls, *, token: str = "hemlig-token-123", account_id: str = "", api_base: str | None = None, sleeps: Sleeps | None = None, **kw):
    sleeps = sleeps or Sleeps()
    connector = cls(Credentials(token=token, account_id=account_id, api_base=api_base), httpx.Client(), sleep=sleeps, clock=sleeps.clock, **kw)
    return connector, sleeps


def walk(connector, cursor=None) -> list:
    return list(connector.fetch(cursor or {}))


def items(pages) -> list:
    return [item for page in pages for item in page.items]
