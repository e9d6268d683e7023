"""Translation for code that also runs without Django (docs/adr/0006-strings-and-translation.md).

Code inside Django uses ``django.utils.translation`` directly. A few modules also run in
commands that never configure Django: the policy schema, loader and vocabulary (used by
``uppsikt policy check`` and by the triage command line) and the command-line parser.
They import ``gettext``, ``ngettext``, ``gettext_lazy`` and ``gettext_noop`` from here:

* once Django's app registry is ready, these are Django's own functions, so the active
  language applies (a request's language, or ``LANGUAGE_CODE``);
* before that, or without Django settings at all, they read the same compiled catalogue
  (``conf/locale/<language>/LC_MESSAGES/django.mo``) with the standard library's
  ``gettext`` module, in :data:`DEFAULT_LANGUAGE`.

Either way there is one catalogue and the source strings are English.
"""

from __future__ import annotations

import gettext as _stdlib_gettext
from functools import lru_cache
from pathlib import Path

from django.utils.functional import lazy

__all__ = ["DEFAULT_LANGUAGE", "LOCALE_DIR", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "swedish"]

# The language the product speaks when nothing else is asked for; the same as
# ``LANGUAGE_CODE`` in uppsikt.conf.base, which cannot be read before settings exist.
DEFAULT_LANGUAGE = "sv"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "conf" / "locale"


@lru_cache(maxsize=4)
def catalogue(language: str) -> _stdlib_gettext.NullTranslations:
    """The compiled catalogue for ``language`` read without Django; no file gives the source text."""
    return _stdlib_gettext.translation("django", localedir=str(LOCALE_DIR), languages=[language], fallback=True)


def _django_ready() -> bool:
    from django.apps import apps

    return apps.ready


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogue and returns it as it is (Django's needs settings)."""
    return message


def gettext(message: str) -> str:
    if _django_ready():
        from django.utils import translation

        return translation.gettext(message)
    return catalogue(DEFAULT_LANGUAGE).gettext(message)


def ngettext(singular: str, plural: str, number: int) -> str:
    if _django_ready():
        from django.utils import translation

        return translation.ngettext(singular, plural, number)
    return catalogue(DEFAULT_LANGUAGE).ngettext(singular, plural, number)


def swedish(message: str) -> str:
    """``message`` in Swedish whatever language is active, as a plain string (no Django needed)."""
    return catalogue("sv").gettext(message)


gettext_lazy = lazy(gettext, str)
