"""Load presets and policy files. Pure Python: no Django needed (the triage CLI uses it)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .schema import Policy, PolicyError, validate_policy

PRESET_DIR = Path(__file__).parent / "presets"
DEFAULT_PRESET = "nationell"


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def parse_yaml_bytes(raw: bytes, label: str) -> dict:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError([f"{label}: filen är inte giltig UTF-8 (byte {exc.start})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" rad {mark.line + 1}" if mark else ""
        raise PolicyError([f"{label}:{where} ogiltig YAML: {getattr(exc, 'problem', exc)}"]) from None
    return data


def load_file(path: str | Path) -> Policy:
    path = Path(path)
    if not path.is_file():
        raise PolicyError([f"{path}: filen finns inte"])
    if path.stat().st_size > 1_000_000:
        raise PolicyError([f"{path}: filen är för stor för en policy (över 1 MB)"])
    return validate_policy(parse_yaml_bytes(path.read_bytes(), str(path)))


@lru_cache(maxsize=32)
def load_preset(name: str) -> Policy:
    path = PRESET_DIR / f"{name}.yaml"
    if name not in preset_names():
        raise PolicyError([f"okänd policy '{name}'; finns: {', '.join(preset_names())}"])
    return load_file(path)


def preset_data(name: str) -> dict:
    """The preset as plain data (for copying into an editable policy)."""
    return load_preset(name).model_dump(mode="json")
