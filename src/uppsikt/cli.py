"""The `uppsikt` command (contracts/cli.md).

Each domain app may have a ``commands`` module with ``register(subparsers)``; each
registered handler returns an exit status. A handler reports failure by raising
``CommandError``: one clear line on stderr, non-zero exit, nothing left behind.

The command speaks the product's language (Swedish by default). Some commands never set
up Django, so the parser and the messages here translate with ``uppsikt.core.i18n``;
once ``setup_django`` has run, Django's translation is active in ``LANGUAGE_CODE``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from uppsikt.core.i18n import gettext as _

APPS_WITH_COMMANDS = ["core", "policies", "channels", "platforms", "inbox", "records", "triage"]


class CommandError(Exception):
    """A failure to show as one line on stderr."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


def setup_django(settings: str = "uppsikt.conf.dev") -> None:
    """Configure Django for commands that need the database, speaking ``LANGUAGE_CODE``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django
    from django.conf import settings as django_settings
    from django.utils import translation

    django.setup()
    translation.activate(django_settings.LANGUAGE_CODE)


def ensure_migrated() -> None:
    """Create or migrate the data folder (idempotent)."""
    from django.conf import settings
    from django.core.management import call_command

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    from uppsikt.accounts.services import ensure_roles

    ensure_roles()


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, like every other failure (contracts/cli.md)."""

    def error(self, message: str):
        self.exit(2, _("%(prog)s: %(message)s (see %(prog)s --help)") % {"prog": self.prog, "message": message} + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="uppsikt", description=_("Uppsikt – the municipality's social media, run by its guideline."))
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=OneLineParser)
    sub.required = True
    for app in APPS_WITH_COMMANDS:
        try:
            module = importlib.import_module(f"uppsikt.{app}.commands")
        except ModuleNotFoundError as exc:
            if exc.name == f"uppsikt.{app}.commands" or exc.name == f"uppsikt.{app}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.handler(args)
    except CommandError as exc:
        print(f"uppsikt: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print(_("uppsikt: interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # anything unforeseen: still one line, the traceback only on request
        if os.environ.get("UPPSIKT_DEBUG"):
            raise
        message = _("uppsikt: unexpected error: %(kind)s: %(error)s") % {"kind": type(exc).__name__, "error": exc}
        print(message.splitlines()[0], file=sys.stderr)
        return 1
    return int(status or 0)


if __name__ == "__main__":
    sys.exit(main())
