"""Importers for the platforms' own exports, one module per format (contracts/cli.md).

``get_importer(format)`` gives the importer class; ``open_export(path)`` opens the folder,
zip or tar.gz the platform handed out.
"""

from __future__ import annotations

import importlib

from uppsikt.core.i18n import gettext as _
from uppsikt.platforms.base import ImportFormatError

from .base import ExportSource, Importer, fix_mojibake, open_export, unspool

__all__ = ["ExportSource", "Importer", "fix_mojibake", "formats", "get_importer", "open_export", "register", "unspool"]

_REGISTRY: dict[str, type[Importer]] = {}
_MODULES = ("facebook", "instagram", "x", "mastodon")


def register(cls: type[Importer]) -> type[Importer]:
    _REGISTRY[cls.format] = cls
    return cls


def _load_all() -> None:
    for name in _MODULES:
        importlib.import_module(f"{__name__}.{name}")


def formats() -> list[str]:
    _load_all()
    return sorted(_REGISTRY)


def get_importer(format_name: str) -> type[Importer]:
    _load_all()
    try:
        return _REGISTRY[format_name]
    except KeyError:
        raise ImportFormatError(_("unknown format %(format)r; choose one of %(formats)s") % {"format": format_name, "formats": ", ".join(sorted(_REGISTRY))}) from None
