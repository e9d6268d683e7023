"""The sandbox platform: a simulated channel to practise on and to demo with.

Traffic comes from ``uppsikt.platforms.sandbox_traffic`` at a chosen rate, the same for
the same seed, and arrives with time: a poll returns what arrived since its cursor. Hide,
unhide, delete and reply work like on a real platform: they are kept in the data folder
(the platform's side, outside our database and its transactions) and show on the next
fetch, where a deleted item comes back marked removed and a reply comes back as the
municipality's own item.

Settings, in ``Credentials.extra`` (all optional): ``seed`` (default: the account id),
``rate_per_hour`` (30), ``backfill_hours`` (24: how far back the first poll starts),
``page_size`` (100), ``account_name`` (the name the municipality posts under).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings

from uppsikt.platforms.base import FetchedItem, PlatformError
from uppsikt.platforms.registry import Capabilities, Connector, Credentials, Page, register
from uppsikt.platforms.sandbox_traffic import POST_EVERY_SLOTS, Event, Traffic, slot_of

DEFAULT_RATE_PER_HOUR = 30.0
DEFAULT_BACKFILL_HOURS = 24.0
DEFAULT_PAGE_SIZE = 100


def credentials_for(channel) -> Credentials:
    """Credentials for a sandbox channel: no token; the channel's slug seeds its traffic."""
    return Credentials(token="", account_id=channel.slug, extra={"account_name": channel.name})


class _State:
    """The sandbox platform's own memory of actions, one JSON file per channel, locked while changed."""

    def __init__(self, path: Path):
        self.path = path

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"seq": 0, "journal": [], "hidden": [], "deleted": [], "replies": {}}

    def read(self) -> dict:
        return self._read()

    def change(self, fn: Callable[[dict], dict]) -> dict:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = self._read()
            entry = fn(state)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
            return entry


@register
class SandboxConnector(Connector):
    platform = "sandbox"
    label = "Övningskanal (sandlåda)"
    default_api_base = "sandbox://"
    capabilities = Capabilities(
        hide=True, unhide=True, delete=True, reply=True, notify_poster=True, webhook=False,
        notes="Övningskanal: inget publiceras på riktigt, trafiken är påhittad.",
    )

    def __init__(self, credentials: Credentials, client=None, *, now: Callable[[], datetime] | None = None):
        super().__init__(credentials, client)
        extra = dict(credentials.extra or {})
        seed = str(extra.get("seed") or credentials.account_id or "sandbox")
        self.traffic = Traffic(seed, float(extra.get("rate_per_hour", DEFAULT_RATE_PER_HOUR)), extra.get("account_name") or "Kommunen")
        self.backfill = timedelta(hours=float(extra.get("backfill_hours", DEFAULT_BACKFILL_HOURS)))
        self.page_size = max(1, int(extra.get("page_size", DEFAULT_PAGE_SIZE)))
        self.now = now or (lambda: datetime.now(tz=UTC))
        self.state = _State(Path(settings.DATA_DIR) / "sandbox" / f"{self.traffic.tag}.json")

    # --- reading ------------------------------------------------------------------

    def fetch(self, cursor: dict) -> Iterator[Page]:
        now_slot = slot_of(self.now())  # only slots that have fully passed are read
        slot = cursor.get("slot")
        index = int(cursor.get("index", 0))
        journal = int(cursor.get("journal", 0))
        if slot is None:
            first = slot_of(self.now() - self.backfill)
            slot, index = first - first % POST_EVERY_SLOTS, 0
        slot = int(slot)
        request = f"GET sandbox://{self.traffic.tag}/feed?slot={slot}&index={index}&journal={journal}"
        buffer: list[FetchedItem] = []
        yielded = False

        state = self.state.read()
        for entry in state["journal"]:
            if entry["seq"] <= journal:
                continue
            item = self._journal_item(entry, state, now_slot)
            if item is not None:
                buffer.append(item)
            journal = entry["seq"]
            if len(buffer) >= self.page_size:
                yield Page(buffer, {"slot": slot, "index": index, "journal": journal}, request)
                buffer, yielded = [], True

        while slot < now_slot:
            events = self.traffic.slot_events(slot)
            for n in range(index, len(events)):
                buffer.append(self._item(events[n], state))
                if len(buffer) >= self.page_size:
                    yield Page(buffer, {"slot": slot, "index": n + 1, "journal": journal}, request)
                    buffer, yielded = [], True
            slot, index = slot + 1, 0
        if buffer or not yielded:
            yield Page(buffer, {"slot": slot, "index": index, "journal": journal}, request)

    def _raw(self, event: Event, *, hidden: bool, deleted: bool) -> bytes:
        record = {
            "id": event.platform_id,
            "kind": event.kind,
            "created_time": event.published_at.isoformat(),
            "from": {"id": event.author_id, "name": event.author_name},
            "message": event.text,
            "parent": {"id": event.parent_platform_id} if event.parent_platform_id else None,
            "is_hidden": hidden,
            "is_deleted": deleted,
            "edited_time": event.edited_at.isoformat() if event.edited_at else None,
            "permalink_url": f"https://sandbox.uppsikt.invalid/{event.platform_id}",
        }
        return json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")

    def _item(self, event: Event, state: dict, *, deleted: bool | None = None) -> FetchedItem:
        removed = event.deleted if deleted is None else deleted
        return FetchedItem(
            platform_id=event.platform_id,
            kind=event.kind,
            author_id=event.author_id,
            author_name=event.author_name,
            text=event.text,
            published_at=event.published_at,
            raw=self._raw(event, hidden=event.platform_id in state["hidden"], deleted=removed),
            is_own=event.is_own,
            parent_platform_id=event.parent_platform_id,
            url=f"https://sandbox.uppsikt.invalid/{event.platform_id}",
            edited_at=event.edited_at,
            deleted=removed,
        )

    def _lookup(self, platform_id: str, state: dict, now_slot: int) -> Event | None:
        reply = state["replies"].get(platform_id)
        if reply is not None:
            return Event(
                platform_id, "reply", f"sbx-page-{self.traffic.tag}", self.traffic.account_name, reply["text"],
                datetime.fromisoformat(reply["at"]), True, reply["parent"], "own_reply",
            )
        return self.traffic.find(platform_id, until_slot=now_slot)

    def _journal_item(self, entry: dict, state: dict, now_slot: int) -> FetchedItem | None:
        event = self._lookup(entry["id"], state, now_slot)
        if event is None:
            return None
        if entry["action"] == "delete":
            return self._item(event, state, deleted=True)
        return self._item(event, state, deleted=entry["id"] in state["deleted"])

    # --- acting -------------------------------------------------------------------

    def _known(self, platform_id: str) -> None:
        state = self.state.read()
        if platform_id in state["replies"]:
            return
        event = self.traffic.find(platform_id, until_slot=slot_of(self.now()) + 1)
        if event is None or event.published_at > self.now():
            raise PlatformError(f"POST sandbox://{self.traffic.tag}/{platform_id}: posten finns inte")

    def _record(self, action: str, platform_id: str | None, **more) -> dict:
        """Append an action to the platform's journal; a reply gets its id here, under the lock."""

        def apply(state: dict) -> dict:
            state["seq"] += 1
            target = platform_id or f"sbx-{self.traffic.tag}-r{state['seq']}"
            entry = {"seq": state["seq"], "action": action, "id": target, "at": self.now().isoformat(), **more}
            state["journal"].append(entry)
            if action == "hide" and target not in state["hidden"]:
                state["hidden"].append(target)
            elif action == "unhide" and target in state["hidden"]:
                state["hidden"].remove(target)
            elif action == "delete" and target not in state["deleted"]:
                state["deleted"].append(target)
            elif action == "reply":
                state["replies"][target] = {"parent": more["parent"], "text": more["text"], "at": entry["at"]}
            return entry

        return self.state.change(apply)

    def hide(self, platform_id: str) -> None:
        self._known(platform_id)
        self._record("hide", platform_id)

    def unhide(self, platform_id: str) -> None:
        self._known(platform_id)
        self._record("unhide", platform_id)

    def delete(self, platform_id: str) -> None:
        self._known(platform_id)
        self._record("delete", platform_id)

    def reply(self, parent_platform_id: str, text: str) -> str:
        if not text.strip():
            raise PlatformError(f"POST sandbox://{self.traffic.tag}/{parent_platform_id}/comments: svaret är tomt")
        self._known(parent_platform_id)
        return self._record("reply", None, parent=parent_platform_id, text=text)["id"]

    def is_hidden(self, platform_id: str) -> bool:
        return platform_id in self.state.read()["hidden"]

    def is_deleted(self, platform_id: str) -> bool:
        return platform_id in self.state.read()["deleted"]
