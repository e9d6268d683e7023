#!/usr/bin/env python3
"""Ingestion benchmark: import a 200,000-comment Facebook export, poll 10,000 new items.

    .venv/bin/python bench/ingest/run.py [--comments 200000] [--poll-items 10000] [--work /tmp/uppsikt-bench]

1. ``uppsikt import`` of a generated Facebook export into a fresh SQLite data folder, as a
   subprocess: items/second (wall clock and CPU) and peak RSS; then the same import again
   (everything a duplicate).
2. The ceiling: the same rows written with a bare ``sqlite3`` ``executemany`` into a table
   with the same schema and indexes, 1,000 rows a transaction, same pragmas.
3. Polling: ``poll_channel`` over a sandbox channel that holds N new items, page by page
   (100 a page), each page committed with its cursor; peak RSS for N and N/5 items shows
   that memory does not grow with the backlog.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = sys.executable


def env_for(data: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(UPPSIKT_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="uppsikt.conf.dev", PYTHONPATH=str(ROOT / "src"))
    return env


# Runs `uppsikt ARGS…` and then reports its own peak memory on stderr's last line.
CLI_WRAPPER = r"""
import sys
from pathlib import Path
from uppsikt.cli import main
status = main(sys.argv[1:])
hwm = next(int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM:"))
print(f"VmHWM_kB={hwm}", file=sys.stderr)
sys.exit(status)
"""


def measured(args: list[str], env: dict, *, code: str = CLI_WRAPPER) -> dict:
    """Run ``code`` with ``args``; wall seconds, CPU seconds (wait4) and peak RSS as the program itself saw it."""
    start = time.perf_counter()
    proc = subprocess.Popen([PYTHON, "-c", code, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    out = proc.stdout.read()
    err = proc.stderr.read().decode()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    hwm = [line for line in err.splitlines() if line.startswith("VmHWM_kB=")]
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": int(hwm[-1].split("=")[1]) / 1024 if hwm else float("nan"),
        "stdout": out.decode(),
    }


def bench_import(work: Path, comments: int) -> dict:
    export = work / f"facebook-{comments}.zip"
    if not export.exists():
        subprocess.run([PYTHON, str(HERE / "generate_facebook_export.py"), "--comments", str(comments), "--out", str(export)], check=True)
    data = work / "data-import"
    shutil.rmtree(data, ignore_errors=True)
    env = env_for(data)
    subprocess.run([PYTHON, "-m", "uppsikt", "setup"], env=env, check=True, cwd=ROOT)
    slug = subprocess.run(
        [PYTHON, "-m", "uppsikt", "channel", "create", "--platform", "facebook", "--name", "Mörbyåns kommun", "--policy", "lilla-edet"],
        env=env, check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout.strip()
    cmd = ["import", "--channel", slug, "--format", "facebook-export", str(export)]
    first = measured(cmd, env)
    summary = json.loads(first.pop("stdout"))
    assert summary["created"] == comments, summary
    again = measured(cmd, env)
    summary_again = json.loads(again.pop("stdout"))
    assert summary_again["created"] == 0 and summary_again["duplicates"] == comments, summary_again
    return {
        "export_mb": export.stat().st_size / 1e6,
        "items": comments,
        "first": {**first, "items_per_s": comments / first["wall_s"], "items_per_cpu_s": comments / first["cpu_s"]},
        "again": {**again, "items_per_s": comments / again["wall_s"], "items_per_cpu_s": comments / again["cpu_s"]},
        "db": data / "uppsikt.sqlite3",
    }


def bench_ceiling(work: Path, source_db: Path) -> dict:
    """The same rows, the same table and indexes, written by sqlite3 alone."""
    with sqlite3.connect(source_db) as src:
        schema = [sql for (sql,) in src.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'inbox_item' AND sql IS NOT NULL ORDER BY type DESC")]
        columns = [r[1] for r in src.execute("PRAGMA table_info(inbox_item)") if r[1] != "id"]
        rows = src.execute(f"SELECT {', '.join(columns)} FROM inbox_item ORDER BY id").fetchall()
    target = work / "ceiling.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    for sql in schema:
        conn.execute(sql)
    insert = f"INSERT INTO inbox_item ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    start, cpu = time.perf_counter(), time.process_time()
    for at in range(0, len(rows), 1000):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(insert, rows[at : at + 1000])
        conn.execute("COMMIT")
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    conn.close()
    return {"items": len(rows), "wall_s": wall, "cpu_s": cpu, "items_per_s": len(rows) / wall, "items_per_cpu_s": len(rows) / cpu}


POLL_SCRIPT = r"""
import json, sys, time
if sys.argv[2] == "without-triage":
    sys.modules["uppsikt.triage.engine"] = None  # as if the triage engine were not installed
import django
django.setup()
from uppsikt.cli import ensure_migrated
ensure_migrated()
from uppsikt.channels.models import Channel
from uppsikt.inbox.models import Item, PollCursor
from uppsikt.inbox.services import poll_channel
from uppsikt.platforms.connectors.sandbox import SandboxConnector, credentials_for
from uppsikt.platforms.sandbox_traffic import POST_EVERY_SLOTS, slot_of, slot_start

items = int(sys.argv[1])
channel = Channel.objects.create(slug=f"ovning-{items}-{sys.argv[2]}", name="Övningskanalen", platform="sandbox", policy_name="lilla-edet", status="active")
from datetime import UTC, datetime
base = slot_of(datetime.now(tz=UTC))
base -= base % POST_EVERY_SLOTS + POST_EVERY_SLOTS
now = slot_start(base + 60)  # one hour after a post boundary: the backlog is exactly one hour of traffic
credentials = credentials_for(channel)
credentials = type(credentials)(token="", account_id=channel.slug, extra={"rate_per_hour": items, "backfill_hours": 1, "page_size": 100, "account_name": channel.name})
connector = SandboxConnector(credentials, now=lambda: now)
pages = []
fetch = connector.fetch
def counting(cursor):
    for page in fetch(cursor):
        pages.append(len(page.items))
        yield page
connector.fetch = counting
start, cpu = time.perf_counter(), time.process_time()
result = poll_channel(channel, connector=connector)
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
assert Item.objects.filter(channel=channel).count() == result.created
print(json.dumps({"read": result.read, "created": result.created, "updated": result.updated, "pages": len(pages),
                  "largest_page": max(pages), "cursor": PollCursor.objects.get(channel=channel).cursor, "wall_s": wall, "cpu_s": cpu}))
from pathlib import Path
hwm = next(int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM:"))
print(f"VmHWM_kB={hwm}", file=sys.stderr)
"""


def bench_poll(work: Path, items: int, triage: bool = True) -> dict:
    mode = "with-triage" if triage else "without-triage"
    data = work / f"data-poll-{items}-{mode}"
    shutil.rmtree(data, ignore_errors=True)
    run = measured([str(items), mode], env_for(data), code=POLL_SCRIPT)
    inner = json.loads(run.pop("stdout").strip().splitlines()[-1])
    inner["items_per_s"] = inner["read"] / inner["wall_s"]
    inner["items_per_cpu_s"] = inner["read"] / inner["cpu_s"]
    inner["peak_rss_mb"] = run["peak_rss_mb"]
    inner["triage"] = triage
    return inner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--poll-items", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/uppsikt-bench"))
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    imported = bench_import(args.work, args.comments)
    ceiling = bench_ceiling(args.work, imported.pop("db"))
    small = bench_poll(args.work, args.poll_items // 5)
    polled = bench_poll(args.work, args.poll_items)
    bare = bench_poll(args.work, args.poll_items, triage=False)
    load = os.getloadavg()

    first, again = imported["first"], imported["again"]
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print(f"export: {args.comments} comments, {imported['export_mb']:.1f} MB zip")
    print("| run | items | wall s | items/s (wall) | CPU s | items/CPU-s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| uppsikt import (new) | {args.comments} | {first['wall_s']:.1f} | {first['items_per_s']:,.0f} | {first['cpu_s']:.1f} | {first['items_per_cpu_s']:,.0f} | {first['peak_rss_mb']:.0f} |")
    print(f"| uppsikt import (again, all duplicates) | {args.comments} | {again['wall_s']:.1f} | {again['items_per_s']:,.0f} | {again['cpu_s']:.1f} | {again['items_per_cpu_s']:,.0f} | {again['peak_rss_mb']:.0f} |")
    print(f"| ceiling: sqlite3 executemany, same rows | {ceiling['items']} | {ceiling['wall_s']:.1f} | {ceiling['items_per_s']:,.0f} | {ceiling['cpu_s']:.1f} | {ceiling['items_per_cpu_s']:,.0f} | – |")
    for run in (small, polled, bare):
        label = "with triage" if run["triage"] else "without triage engine"
        print(f"| poll_channel, sandbox, {run['pages']} pages, {label} | {run['read']} | {run['wall_s']:.1f} | {run['items_per_s']:,.0f} | {run['cpu_s']:.1f} | {run['items_per_cpu_s']:,.0f} | {run['peak_rss_mb']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps({"import": imported, "ceiling": ceiling, "poll": [small, polled, bare], "load": load}, indent=2, default=str))


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
