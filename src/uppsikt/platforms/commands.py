"""``uppsikt channel connect`` and ``uppsikt poll`` (contracts/cli.md).

``channel`` belongs to ``channels/commands.py``, which calls ``add_connect_parser`` with its
sub-parsers; ``register`` adds ``poll`` (and ``connect`` too, should it be missing).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from uppsikt.cli import CommandError, ensure_migrated, setup_django

MAX_TOKEN_FILE_BYTES = 64 * 1024


def add_connect_parser(channel_subparsers) -> None:
    p = channel_subparsers.add_parser("connect", help="spara kanalens API-uppgifter (krypterade)")
    p.add_argument("slug", metavar="KANAL", help="kanalens kortnamn")
    p.add_argument("--token-file", required=True, metavar="FIL", help="fil med åtkomsttoken på en rad (visas aldrig)")
    p.add_argument("--account-id", default=None, metavar="ID", help="kontots, sidans eller kanalens id på plattformen")
    p.add_argument("--api-base", default=None, metavar="URL", help="annan API-rot, t.ex. för test eller proxy")
    p.set_defaults(handler=cmd_connect)


def register(sub) -> None:
    channel = sub.choices.get("channel")
    if channel is None:
        channel = sub.add_parser("channel", help="kanalregistret")
        csub = channel.add_subparsers(dest="channel_command", metavar="ÅTGÄRD")
        csub.required = True
    else:
        csub = next(a for a in channel._actions if isinstance(a, argparse._SubParsersAction))
    if "connect" not in csub.choices:
        add_connect_parser(csub)

    p = sub.add_parser("poll", help="hämta det som är nytt i kanalen via plattformens API, en gång")
    p.add_argument("slug", metavar="KANAL", help="kanalens kortnamn")
    p.set_defaults(handler=cmd_poll)


def read_token_file(name: str) -> str:
    """The token from ``name``: one line; a clear error for a missing, unreadable, empty or odd file."""
    path = Path(name)
    try:
        if path.is_dir():
            raise CommandError(f"tokenfilen är en mapp: {name}")
        size = path.stat().st_size
        if size > MAX_TOKEN_FILE_BYTES:
            raise CommandError(f"tokenfilen är för stor för att vara en token ({size} byte): {name}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"tokenfilen finns inte: {name}") from None
    except PermissionError:
        raise CommandError(f"tokenfilen kan inte läsas (behörighet saknas): {name}") from None
    except OSError as exc:
        raise CommandError(f"tokenfilen kan inte läsas: {name} ({exc.strerror or type(exc).__name__})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"tokenfilen är inte UTF-8-text: {name}") from None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise CommandError(f"tokenfilen är tom: {name}")
    if len(lines) > 1:
        raise CommandError(f"tokenfilen ska innehålla en enda rad, själva token: {name}")
    if any(ch.isspace() for ch in lines[0]):
        raise CommandError(f"token i tokenfilen innehåller mellanslag: {name}")
    return lines[0]


def _database_exists() -> bool:
    import os

    from django.apps import apps

    from uppsikt.conf.config import data_dir

    if apps.ready:  # already set up (tests, or a caller inside Django): the configured database is in use
        return True
    return bool(os.environ.get("DATABASE_URL")) or (data_dir() / "uppsikt.sqlite3").exists()


def _open(slug: str):
    """Django set up and the channel found; an empty data folder is left untouched."""
    if not _database_exists():
        raise CommandError(f"okänd kanal: {slug}")
    setup_django()
    ensure_migrated()
    from uppsikt.channels.models import Channel

    channel = Channel.objects.filter(slug=slug).first()
    if channel is None:
        raise CommandError(f"okänd kanal: {slug}")
    return channel


def cmd_connect(args) -> int:
    # What can be checked without the database is checked first, so a mistake leaves nothing behind.
    token = read_token_file(args.token_file)
    from uppsikt.platforms.apiclient import check_api_base
    from uppsikt.platforms.base import PlatformError

    if args.api_base is not None:
        try:
            check_api_base(args.api_base.strip().rstrip("/"), "API-adressen")
        except PlatformError as exc:
            raise CommandError(str(exc)) from None
    channel = _open(args.slug)
    from uppsikt.platforms.services import ConnectError, connect_channel

    try:
        connect_channel(channel, token, account_id=args.account_id, api_base=args.api_base)
    except ConnectError as exc:
        raise CommandError(f"{args.slug}: {exc}") from None
    return 0


def cmd_poll(args) -> int:
    channel = _open(args.slug)
    from uppsikt.platforms.base import PlatformError
    from uppsikt.platforms.services import ConnectError, poll

    try:
        summary = poll(channel)
    except (ConnectError, PlatformError) as exc:
        raise CommandError(str(exc)) from None
    print(json.dumps(summary.as_dict()))
    return 0
