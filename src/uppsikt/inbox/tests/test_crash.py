"""Invariant 4: `uppsikt import` killed half way (SIGKILL) and run again loses nothing and duplicates nothing.

This test runs the real command in a subprocess against a file-based SQLite database
in a temporary data folder (not the test database), whatever database the suite uses.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

TOTAL = 25_000


def write_export(path: Path, total: int) -> set[str]:
    texts = set()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("facebook-morbyan/your_facebook_activity/comments_and_reactions/comments.json", "w") as raw:
        raw.write(b'{"comments_v2": [')
        for n in range(total):
            text = f"Kommentar {n}: när plogas Åsvägen? ❄️"
            texts.add(text)
            escaped = text.encode("utf-8").decode("latin-1")  # Meta's double encoding
            record = {
                "timestamp": 1700000000 + n,
                "data": [{"comment": {"timestamp": 1700000000 + n, "comment": escaped, "author": "Mörbyåns kommun".encode().decode("latin-1")}}],
                "title": "Mörbyåns kommun commented on a post.".encode().decode("latin-1"),
            }
            raw.write((b"," if n else b"") + json.dumps(record).encode("ascii"))
        raw.write(b"]}")
    return texts


def uppsikt(env, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "uppsikt", *args], env=env, capture_output=True, text=True, timeout=600, **kwargs)


def count_items(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM inbox_item").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_invariant_4_import_killed_half_way_and_run_again_is_exact(tmp_path):
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(UPPSIKT_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="uppsikt.conf.dev", PYTHONUNBUFFERED="1")
    export = tmp_path / "facebook-export.zip"
    texts = write_export(export, TOTAL)

    assert uppsikt(env, "setup").returncode == 0
    created = uppsikt(env, "channel", "create", "--platform", "facebook", "--name", "Mörbyåns kommun", "--policy", "lilla-edet")
    assert created.returncode == 0, created.stderr
    slug = created.stdout.strip()
    db = data / "uppsikt.sqlite3"

    proc = subprocess.Popen([sys.executable, "-m", "uppsikt", "import", "--channel", slug, "--format", "facebook-export", str(export)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        seen = count_items(db)
        if seen > 0:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    at_kill = count_items(db)
    assert 0 < at_kill < TOTAL, f"expected a half-done import, found {at_kill} of {TOTAL}"

    again = uppsikt(env, "import", "--channel", slug, "--format", "facebook-export", str(export))
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary == {"format": "facebook-export", "channel": slug, "read": TOTAL, "created": TOTAL - at_kill, "duplicates": at_kill}

    third = json.loads(uppsikt(env, "import", "--channel", slug, "--format", "facebook-export", str(export)).stdout)
    assert (third["created"], third["duplicates"]) == (0, TOTAL)

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT platform_id, text, raw_blob_sha256, raw_offset, raw_length, raw_sha256 FROM inbox_item").fetchall()
    assert len(rows) == TOTAL
    assert len({r[0] for r in rows}) == TOTAL
    assert {r[1] for r in rows} == texts
    # Every stored item's raw record is on disk and hashes to what the row says.
    packs: dict[str, bytes] = {}
    evidence = data / "evidence"
    for _pid, _text, blob, offset, length, sha in rows:
        if blob not in packs:
            packs[blob] = (evidence / blob[:2] / blob[2:4] / blob).read_bytes()
            assert hashlib.sha256(packs[blob]).hexdigest() == blob
        assert hashlib.sha256(packs[blob][offset : offset + length]).hexdigest() == sha

    exported = uppsikt(env, "items", "export", "--channel", slug)
    assert exported.returncode == 0
    assert len(exported.stdout.splitlines()) == TOTAL


@pytest.mark.django_db
def test_invariant_4_poll_failure_leaves_cursor_at_last_committed_page():
    from uppsikt.inbox.models import Item, PollCursor
    from uppsikt.inbox.services import poll_channel
    from uppsikt.platforms.base import PlatformError
    from uppsikt.platforms.registry import Capabilities, Connector, Credentials, Page

    from .factories import fetched, make_channel

    class Flaky(Connector):
        platform = "facebook"
        capabilities = Capabilities()

        def __init__(self, fail: bool):
            super().__init__(Credentials(token="t"))
            self.fail = fail
            self.started_at = None

        def fetch(self, cursor):
            self.started_at = cursor.get("page", 0)
            for page in range(cursor.get("page", 0), 3):
                if self.fail and page == 1:
                    raise PlatformError("GET https://graph.facebook.com/v21.0/feed: 500")
                yield Page([fetched(f"c{page}-{n}", minutes=page * 10 + n) for n in range(5)], {"page": page + 1}, "GET feed")

    channel = make_channel()
    with pytest.raises(PlatformError):
        poll_channel(channel, connector=Flaky(fail=True))
    assert Item.objects.count() == 5
    assert PollCursor.objects.get(channel=channel).cursor == {"page": 1}
    connector = Flaky(fail=False)
    result = poll_channel(channel, connector=connector)
    assert connector.started_at == 1
    assert (result.created, result.duplicates) == (10, 0)
    assert Item.objects.count() == 15
    assert PollCursor.objects.get(channel=channel).cursor == {"page": 3}


@pytest.mark.django_db
def test_invariant_4_cursor_does_not_move_when_storing_a_page_fails():
    from uppsikt.inbox.models import Item, PollCursor
    from uppsikt.inbox.services import poll_channel
    from uppsikt.platforms.registry import Capabilities, Connector, Credentials, Page

    from .factories import fetched, make_channel

    class BadSecondPage(Connector):
        platform = "facebook"
        capabilities = Capabilities()

        def fetch(self, cursor):
            yield Page([fetched("ok-1"), fetched("ok-2", minutes=1)], {"page": 1}, "GET feed")
            bad = fetched("bad", minutes=2)
            object.__setattr__(bad, "published_at", bad.published_at.replace(tzinfo=None))
            yield Page([fetched("ok-3", minutes=3), bad], {"page": 2}, "GET feed")

    channel = make_channel()
    with pytest.raises(ValueError, match="timezone-aware"):
        poll_channel(channel, connector=BadSecondPage(Credentials(token="t")))
    assert sorted(Item.objects.values_list("platform_id", flat=True)) == ["ok-1", "ok-2"]
    assert PollCursor.objects.get(channel=channel).cursor == {"page": 1}


def test_invariant_7_unknown_channel_in_an_empty_data_folder_leaves_nothing(tmp_path):
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(UPPSIKT_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="uppsikt.conf.dev")
    samples = Path(__file__).resolve().parents[2] / "platforms" / "importers" / "tests" / "samples"
    for args in (("import", "--channel", "finns-inte", "--format", "mastodon-archive", str(samples / "mastodon")), ("items", "export", "--channel", "finns-inte")):
        done = uppsikt(env, *args)
        assert done.returncode != 0 and done.stdout == ""
        assert done.stderr.strip().splitlines() == ["uppsikt: kanalen 'finns-inte' finns inte"]
    assert not data.exists()
