"""`uppsikt policy list | show NAME | check [FILE]` (contracts/cli.md).

Presets are read without Django. The municipality's own policies live in the database;
they are listed and shown only when a database exists (``DATABASE_URL`` is set or the
SQLite file is there), so the commands also work on a machine that has never run setup.
Messages come from ``uppsikt.core.i18n`` for the same reason: they need no Django.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


from uppsikt.cli import CommandError
from uppsikt.core.i18n import gettext as _, ngettext

from .loader import PRESET_DIR, load_file, load_preset, parse_yaml_bytes, preset_names
from .schema import Policy, PolicyError, validate_policy

MAX_POLICY_BYTES = 1_000_000  # the loader refuses larger files


def register(sub) -> None:
    p = sub.add_parser("policy", help=_("guidelines: presets and the municipality's own policies"))
    actions = p.add_subparsers(dest="policy_action", metavar=_("ACTION"))
    actions.required = True

    a = actions.add_parser("list", help=_("name and title of every preset and own policy"))
    a.add_argument("--json", action="store_true", help=_("write the list as JSON"))
    a.set_defaults(handler=cmd_list)

    a = actions.add_parser("show", help=_("one policy as JSON, checked against the schema"))
    a.add_argument("name", metavar=_("NAME"))
    a.set_defaults(handler=cmd_show)

    a = actions.add_parser("check", help=_("check a policy file in YAML, or every preset"))
    a.add_argument("file", nargs="?", metavar=_("FILE"))
    a.set_defaults(handler=cmd_check)


def parse_policy_text(text: str, label: str | None = None) -> dict:
    """Policy YAML typed by a person (the admin) to data; raises ``PolicyError``."""
    label = label or _("(the text)")
    raw = text.encode("utf-8")
    if len(raw) > MAX_POLICY_BYTES:
        raise PolicyError([_("%(label)s: the text is too large for a policy (over 1 MB)") % {"label": label}])
    return parse_yaml_bytes(raw, label)


def check_file(path: Path) -> tuple[Policy | None, list[str]]:
    """Validate one policy file: the policy, or the problems one line each."""
    if path.is_dir():
        return None, [_("%(path)s: is a folder, not a policy file") % {"path": path}]
    try:
        policy, problems = load_file(path), []
    except PolicyError as exc:
        policy, problems = None, list(exc.problems)
    except OSError as exc:
        return None, [_("%(path)s: the file cannot be read (%(reason)s)") % {"path": path, "reason": exc.strerror or exc}]
    return policy, problems


# --- the municipality's own policies (database) -------------------------------------

def _database_configured() -> bool:
    """True when there is a database to read: ``DATABASE_URL``, or the SQLite file exists."""
    from django.conf import settings

    if settings.configured:
        return _database_exists(settings.DATABASES.get("default", {}))
    if os.environ.get("DATABASE_URL"):
        return True
    from uppsikt.conf.config import data_dir

    return (data_dir() / "uppsikt.sqlite3").is_file()


def _database_exists(db: dict) -> bool:
    """A server database is assumed to exist; an SQLite one only once its file is there."""
    if "sqlite" not in db.get("ENGINE", ""):
        return True
    name = str(db.get("NAME", ""))
    return name == ":memory:" or name.startswith("file:") or Path(name).is_file()


def _own_policies() -> list:
    """The municipality's own policies, or [] when there is no database to read."""
    if not _database_configured():
        return []
    from uppsikt.cli import setup_django

    setup_django()
    from django.db import DatabaseError

    from .models import MunicipalPolicy

    try:
        return list(MunicipalPolicy.objects.order_by("name"))
    except DatabaseError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        message = _("the municipality's own policies could not be read (%(reason)s); run 'uppsikt setup'") % {"reason": first_line}
        print(f"uppsikt: {message}", file=sys.stderr)
        return []


# --- commands ----------------------------------------------------------------------

def cmd_list(args) -> int:
    rows = []
    for name in preset_names():
        try:
            title = load_preset(name).title
            valid = True
        except PolicyError:
            title, valid = "", False
        rows.append({"name": name, "title": title, "kind": "preset", "based_on": None, "valid": valid})
    for own in _own_policies():
        try:
            title, valid = validate_policy(own.data).title, True
        except PolicyError:
            title = own.data.get("title", "") if isinstance(own.data, dict) else ""
            valid = False
        rows.append({"name": own.name, "title": title, "kind": "own", "based_on": own.based_on, "valid": valid})

    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        notes = []
        if row["kind"] == "own":
            notes.append(_("own, based on %(preset)s") % {"preset": row["based_on"]})
        if not row["valid"]:
            notes.append(_("invalid – run 'uppsikt policy check'") if row["kind"] == "preset" else _("invalid – correct it in the administration"))
        print(f"{row['name']}\t{row['title']}" + (f"\t({'; '.join(notes)})" if notes else ""))
    return 0


def cmd_show(args) -> int:
    name = args.name
    own = {p.name: p for p in _own_policies()}
    if name in own:
        try:
            policy = validate_policy(own[name].data)
        except PolicyError as exc:
            raise CommandError(_invalid("policy", name, exc.problems)) from None
    elif name in preset_names():
        try:
            policy = load_preset(name)
        except PolicyError as exc:
            raise CommandError(_invalid("preset", name, exc.problems)) from None
    else:
        known = sorted(set(preset_names()) | set(own))
        raise CommandError(_("unknown policy '%(name)s'; there are: %(names)s") % {"name": name, "names": ", ".join(known)})
    print(json.dumps(policy.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return 0


def _invalid(kind: str, name: str, problems: list[str]) -> str:
    """One line for an invalid own policy or preset: the first problem, and how many more there are."""
    values = {"name": name, "first": problems[0], "count": len(problems) - 1}
    if kind == "preset":
        if len(problems) == 1:
            return _("the preset '%(name)s' is invalid: %(first)s") % values
        return ngettext(
            "the preset '%(name)s' is invalid: %(first)s (and %(count)d more error)",
            "the preset '%(name)s' is invalid: %(first)s (and %(count)d more errors)",
            values["count"],
        ) % values
    if len(problems) == 1:
        return _("the policy '%(name)s' is invalid: %(first)s") % values
    return ngettext(
        "the policy '%(name)s' is invalid: %(first)s (and %(count)d more error)",
        "the policy '%(name)s' is invalid: %(first)s (and %(count)d more errors)",
        values["count"],
    ) % values


def cmd_check(args) -> int:
    if args.file:
        path = Path(args.file)
        policy, problems = check_file(path)
        for line in problems:
            print(line, file=sys.stderr)
        if policy is None:
            return 1
        print(f"OK: {policy.name}")
        return 0

    status = 0
    for name in preset_names():
        path = PRESET_DIR / f"{name}.yaml"
        policy, problems = check_file(path)
        if policy is not None and policy.name != name:
            policy, problems = None, [_("name: '%(name)s' does not match the file name '%(file)s'") % {"name": policy.name, "file": path.name}]
        for line in problems:
            print(line if line.startswith(str(path)) else f"{path.name}: {line}", file=sys.stderr)
        if policy is None:
            status = 1
        else:
            print(f"OK: {name}")
    return status
