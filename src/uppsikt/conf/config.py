"""One helper for every environment variable the product reads.

Each variable is declared once, with help text; ``uppsikt config`` lists them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str


REGISTRY: dict[str, Setting] = {}

_TRUE = {"1", "true", "yes", "on"}


def config(name: str, default=None, *, help: str, cast=str):
    """Read ``name`` from the environment, falling back to ``default``."""
    REGISTRY[name] = Setting(name, None if default is None else str(default), help)
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if cast is bool:
        return raw.strip().lower() in _TRUE
    if cast is Path:
        return Path(raw).expanduser()
    return cast(raw)


def data_dir() -> Path:
    """The folder that holds all data: database, evidence files, queue."""
    path = config(
        "UPPSIKT_DATA_DIR",
        Path("var"),
        cast=Path,
        help="Folder for the SQLite database, evidence files and the local queue.",
    )
    return Path(path).resolve()
