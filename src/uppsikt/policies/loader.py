"""Load presets and policy files. Pure Python: no Django needed (the triage CLI uses it).

Messages come from ``uppsikt.core.i18n``, which reads the catalogue with or without Django.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from uppsikt.core.i18n import gettext as _

from .schema import Policy, PolicyError, validate_policy

PRESET_DIR = Path(__file__).parent / "presets"
DEFAULT_PRESET = "nationell"


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def duplicate_keys(text: str) -> list[str]:
    """Keys written twice in one mapping: YAML keeps the last one without a word.

    Returns one line per duplicate, e.g. ``moderation.categories.threat: the key occurs
    more than once (lines 80 and 95)``. Text that is not valid YAML gives no lines here;
    the parser reports it.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    problems: list[str] = []

    def walk(node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                line = key_node.start_mark.line + 1
                where = f"{path}.{key}" if path else str(key)
                if key is not None and key != "<<":
                    if key in seen:
                        problems.append(
                            _("%(where)s: the key occurs more than once (lines %(first)d and %(second)d); only the last one would count")
                            % {"where": where, "first": seen[key], "second": line}
                        )
                    else:
                        seen[key] = line
                walk(value_node, where)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, f"{path}.{i}" if path else str(i))

    if root is not None:
        walk(root, "")
    return problems


def parse_yaml_bytes(raw: bytes, label: str) -> dict:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError([_("%(label)s: the file is not valid UTF-8 (byte %(byte)d)") % {"label": label, "byte": exc.start}]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", exc)
        if mark:
            message = _("%(label)s: line %(line)d invalid YAML: %(problem)s") % {"label": label, "line": mark.line + 1, "problem": problem}
        else:
            message = _("%(label)s: invalid YAML: %(problem)s") % {"label": label, "problem": problem}
        raise PolicyError([message]) from None
    duplicates = duplicate_keys(text)
    if duplicates:
        raise PolicyError(duplicates)
    return data


def load_file(path: str | Path) -> Policy:
    path = Path(path)
    if not path.is_file():
        raise PolicyError([_("%(path)s: the file does not exist") % {"path": path}])
    if path.stat().st_size > 1_000_000:
        raise PolicyError([_("%(path)s: the file is too large for a policy (over 1 MB)") % {"path": path}])
    return validate_policy(parse_yaml_bytes(path.read_bytes(), str(path)))


@lru_cache(maxsize=32)
def load_preset(name: str) -> Policy:
    path = PRESET_DIR / f"{name}.yaml"
    if name not in preset_names():
        raise PolicyError([_("unknown policy '%(name)s'; there are: %(names)s") % {"name": name, "names": ", ".join(preset_names())}])
    return load_file(path)


def preset_data(name: str) -> dict:
    """The preset as plain data (for copying into an editable policy)."""
    return load_preset(name).model_dump(mode="json")
