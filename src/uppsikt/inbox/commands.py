"""`uppsikt import` and `uppsikt items export` (contracts/cli.md)."""

from __future__ import annotations

import json
import os
import sys

from uppsikt.cli import CommandError, ensure_migrated, setup_django


def register(sub) -> None:
    p = sub.add_parser("import", help="importera en plattforms egen export (mapp, zip eller tar.gz)")
    p.add_argument("--channel", required=True, metavar="KANAL", help="kanalens kortnamn")
    p.add_argument("--format", required=True, metavar="FORMAT", help="facebook-export, instagram-export, x-archive eller mastodon-archive")
    p.add_argument("path", metavar="SÖKVÄG", help="exportens fil eller mapp")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("items", help="kanalens poster")
    items = p.add_subparsers(dest="items_command", metavar="ÅTGÄRD")
    items.required = True
    e = items.add_parser("export", help="alla sparade poster som JSONL")
    e.add_argument("--channel", required=True, metavar="KANAL", help="kanalens kortnamn")
    e.set_defaults(handler=cmd_items_export)


def _channel(slug: str):
    from uppsikt.channels.models import Channel

    channel = Channel.objects.filter(slug=slug).first()
    if channel is None:
        raise CommandError(f"kanalen {slug!r} finns inte")
    return channel


def cmd_import(args) -> int:
    setup_django()
    ensure_migrated()
    from uppsikt.inbox.services import import_export
    from uppsikt.platforms.base import ImportFormatError
    from uppsikt.platforms.importers import get_importer

    channel = _channel(args.channel)
    try:
        get_importer(args.format)
        result = import_export(channel, args.format, args.path)
    except ImportFormatError as exc:
        raise CommandError(str(exc)) from None
    print(json.dumps({"format": args.format, "channel": channel.slug, "read": result.read, "created": result.created, "duplicates": result.duplicates}, ensure_ascii=False))
    return 0


def cmd_items_export(args) -> int:
    setup_django()
    ensure_migrated()
    from uppsikt.inbox.services import export_rows

    channel = _channel(args.channel)
    out = sys.stdout
    try:
        for row in export_rows(channel):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`); that is not a failure of the export.
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
    return 0
