"""`uppsikt policy list | show NAME | check [FILE]` (contracts/cli.md).

Presets are read without Django. The municipality's own policies live in the database;
they are listed and shown only when a database exists (``DATABASE_URL`` is set or the
SQLite file is there), so the commands also work on a machine that has never run setup.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import yaml

from uppsikt.cli import CommandError

from .loader import PRESET_DIR, load_file, load_preset, parse_yaml_bytes, preset_names
from .schema import Policy, PolicyError, validate_policy

MAX_POLICY_BYTES = 1_000_000  # the loader refuses larger files


def register(sub) -> None:
    p = sub.add_parser("policy", help="riktlinjer: förval och kommunens egna policyer")
    actions = p.add_subparsers(dest="policy_action", metavar="ÅTGÄRD")
    actions.required = True

    a = actions.add_parser("list", help="namn och titel på alla förval och egna policyer")
    a.add_argument("--json", action="store_true", help="skriv listan som JSON")
    a.set_defaults(handler=cmd_list)

    a = actions.add_parser("show", help="en policy som JSON, kontrollerad mot schemat")
    a.add_argument("name", metavar="NAMN")
    a.set_defaults(handler=cmd_show)

    a = actions.add_parser("check", help="kontrollera en policyfil i YAML, eller alla förval")
    a.add_argument("file", nargs="?", metavar="FIL")
    a.set_defaults(handler=cmd_check)


def parse_policy_text(text: str, label: str = "(texten)") -> dict:
    """Policy YAML typed by a person (the admin) to data; raises ``PolicyError``."""
    raw = text.encode("utf-8")
    if len(raw) > MAX_POLICY_BYTES:
        raise PolicyError([f"{label}: texten är för stor för en policy (över 1 MB)"])
    return parse_yaml_bytes(raw, label)


def check_file(path: Path) -> tuple[Policy | None, list[str]]:
    """Validate one policy file: the policy, or the problems one line each."""
    if path.is_dir():
        return None, [f"{path}: är en mapp, inte en policyfil"]
    try:
        policy, problems = load_file(path), []
    except PolicyError as exc:
        policy, problems = None, list(exc.problems)
    except OSError as exc:
        return None, [f"{path}: filen kan inte läsas ({exc.strerror or exc})"]
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
        print(f"uppsikt: kommunens egna policyer kunde inte läsas ({first_line}); kör 'uppsikt setup'", file=sys.stderr)
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
            notes.append(f"egen, utgår från {row['based_on']}")
        if not row["valid"]:
            notes.append("ogiltig – kör 'uppsikt policy check'" if row["kind"] == "preset" else "ogiltig – rätta den i administrationen")
        print(f"{row['name']}\t{row['title']}" + (f"\t({'; '.join(notes)})" if notes else ""))
    return 0


def cmd_show(args) -> int:
    name = args.name
    own = {p.name: p for p in _own_policies()}
    if name in own:
        try:
            policy = validate_policy(own[name].data)
        except PolicyError as exc:
            more = f" (och {len(exc.problems) - 1} fel till)" if len(exc.problems) > 1 else ""
            raise CommandError(f"policyn '{name}' är ogiltig: {exc.problems[0]}{more}") from None
    elif name in preset_names():
        try:
            policy = load_preset(name)
        except PolicyError as exc:
            more = f" (och {len(exc.problems) - 1} fel till)" if len(exc.problems) > 1 else ""
            raise CommandError(f"förvalet '{name}' är ogiltigt: {exc.problems[0]}{more}") from None
    else:
        known = sorted(set(preset_names()) | set(own))
        raise CommandError(f"okänd policy '{name}'; finns: {', '.join(known)}")
    print(json.dumps(policy.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return 0


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
            policy, problems = None, [f"name: '{policy.name}' stämmer inte med filnamnet '{path.name}'"]
        for line in problems:
            print(line if line.startswith(str(path)) else f"{path.name}: {line}", file=sys.stderr)
        if policy is None:
            status = 1
        else:
            print(f"OK: {name}")
    return status
