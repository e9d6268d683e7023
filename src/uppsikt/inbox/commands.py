"""`uppsikt import` and `uppsikt items export` (contracts/cli.md)."""

from __future__ import annotations

import json
import os
import sys

import gettext as stdlib_gettext
from functools import lru_cache
from pathlib import Path

from uppsikt.cli import CommandError, ensure_migrated, setup_django
from uppsikt.core import i18n


@lru_cache(maxsize=1)
def _own_catalogue() -> stdlib_gettext.NullTranslations:
    locale = Path(__file__).resolve().parent / "locale"
    return stdlib_gettext.translation("django", localedir=str(locale), languages=[i18n.DEFAULT_LANGUAGE], fallback=True)


def _(message: str) -> str:
    """Translated through the product's catalogue; before Django is set up, this app's own catalogue fills in."""
    text = i18n.gettext(message)
    if text == message:
        text = _own_catalogue().gettext(message)
    return text


def register(sub) -> None:
    p = sub.add_parser("import", help=_("import a platform's own export (folder, zip or tar.gz)"))
    p.add_argument("--channel", required=True, metavar=_("CHANNEL"), help=_("the channel's short name"))
    p.add_argument("--format", required=True, metavar="FORMAT", help=_("facebook-export, instagram-export, x-archive or mastodon-archive"))
    p.add_argument("path", metavar=_("PATH"), help=_("the export's file or folder"))
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("items", help=_("the channel's items"))
    items = p.add_subparsers(dest="items_command", metavar=_("ACTION"))
    items.required = True
    e = items.add_parser("export", help=_("every stored item as JSONL"))
    e.add_argument("--channel", required=True, metavar=_("CHANNEL"), help=_("the channel's short name"))
    e.set_defaults(handler=cmd_items_export)


def _database_exists() -> bool:
    """Whether there is a database to look in; an empty data folder is left untouched."""
    from django.apps import apps

    from uppsikt.conf.config import data_dir

    if apps.ready or os.environ.get("DATABASE_URL"):
        return True
    return (data_dir() / "uppsikt.sqlite3").exists()


def _channel(slug: str):
    if not _database_exists():
        raise CommandError(_("the channel %(slug)r does not exist") % {"slug": slug})
    setup_django()
    ensure_migrated()
    from uppsikt.channels.models import Channel

    channel = Channel.objects.filter(slug=slug).first()
    if channel is None:
        raise CommandError(_("the channel %(slug)r does not exist") % {"slug": slug})
    return channel


def cmd_import(args) -> int:
    channel = _channel(args.channel)
    from uppsikt.inbox.services import import_export
    from uppsikt.platforms.base import ImportFormatError
    from uppsikt.platforms.importers import get_importer

    try:
        get_importer(args.format)
        result = import_export(channel, args.format, args.path)
    except ImportFormatError as exc:
        raise CommandError(str(exc)) from None
    summary = {"format": args.format, "channel": channel.slug, "read": result.read, "created": result.created, "duplicates": result.duplicates}
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def cmd_items_export(args) -> int:
    channel = _channel(args.channel)
    from uppsikt.inbox.services import export_rows

    out = sys.stdout
    try:
        for row in export_rows(channel):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`); that is not a failure of the export.
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
    return 0
