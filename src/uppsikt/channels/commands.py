from __future__ import annotations

import json

from uppsikt.cli import CommandError, ensure_migrated, setup_django
from uppsikt.core.i18n import gettext as _


def register(sub) -> None:
    from uppsikt.policies.loader import DEFAULT_PRESET

    channel = sub.add_parser("channel", help=_("the channel register"))
    csub = channel.add_subparsers(dest="channel_command", metavar=_("ACTION"))
    csub.required = True

    p = csub.add_parser("create", help=_("register a channel (proposed)"))
    p.add_argument("--platform", required=True, help=_("facebook, instagram, x, youtube, linkedin, mastodon or sandbox"))
    p.add_argument("--name", required=True)
    p.add_argument("--policy", default=None, help=_("policy or preset (default: %(preset)s)") % {"preset": DEFAULT_PRESET})
    p.add_argument("--unit", default=None, help=_("name of the owning unit"))
    p.add_argument("--url", default="")
    p.add_argument("--handle", default="")
    p.set_defaults(handler=cmd_create)

    p = csub.add_parser("list", help=_("every channel as JSON"))
    p.set_defaults(handler=cmd_list)

    try:
        from uppsikt.platforms.commands import add_connect_parser
    except ImportError:
        add_connect_parser = None
    if add_connect_parser is not None:
        add_connect_parser(csub)


def cmd_create(args) -> int:
    from uppsikt.policies.loader import DEFAULT_PRESET, preset_names
    from uppsikt.policies.vocabulary import PLATFORMS

    # What can be checked without the database is checked first, so a mistake leaves nothing behind.
    if args.platform not in PLATFORMS:
        raise CommandError(_("Unknown platform “%(platform)s”. Choose one of: %(platforms)s.") % {"platform": args.platform, "platforms": ", ".join(PLATFORMS)})
    if not args.name.strip():
        raise CommandError(_("The channel must have a name."))
    policy = args.policy or DEFAULT_PRESET
    if policy not in preset_names() and not _database_exists():
        raise CommandError(_("unknown policy '%(name)s'; there are: %(names)s") % {"name": policy, "names": ", ".join(preset_names())})
    setup_django()
    ensure_migrated()
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    from uppsikt.accounts.models import Unit
    from uppsikt.channels.lifecycle import TransitionError
    from uppsikt.channels.services import propose_channel

    unit = None
    if args.unit:
        unit = Unit.objects.filter(name=args.unit).first()
        if unit is None:
            raise CommandError(_("unknown unit: %(unit)s") % {"unit": args.unit})
    if args.url:
        try:
            URLValidator()(args.url)
        except ValidationError:
            raise CommandError(_("invalid address: %(url)s") % {"url": args.url}) from None
    try:
        channel = propose_channel(name=args.name, platform=args.platform, policy_name=policy, unit=unit, actor=None, url=args.url, handle=args.handle)
    except TransitionError as exc:
        raise CommandError(str(exc)) from None
    print(channel.slug)
    return 0


def _database_exists() -> bool:
    import os

    from uppsikt.conf.config import data_dir

    return bool(os.environ.get("DATABASE_URL")) or (data_dir() / "uppsikt.sqlite3").exists()


def cmd_list(args) -> int:
    setup_django()
    ensure_migrated()
    from uppsikt.channels.models import Channel

    for c in Channel.objects.select_related("unit").order_by("slug"):
        print(json.dumps({"slug": c.slug, "name": c.name, "platform": c.platform, "status": c.status, "unit": c.unit.name if c.unit else None, "policy": c.policy_name}, ensure_ascii=False))
    return 0
