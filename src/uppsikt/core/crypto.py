"""Secrets at rest (platform tokens, webhook secrets), encrypted with Fernet.

``settings.FIELD_ENCRYPTION_KEY`` holds one Fernet key, or several separated by commas
(or a list): the first encrypts, all decrypt. To rotate, put the new key first, run
``rotate()`` over the stored values, then drop the old key.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _


class DecryptionError(Exception):
    """A stored secret cannot be read with the configured keys."""


def _keys() -> list[str]:
    raw = getattr(settings, "FIELD_ENCRYPTION_KEY", None)
    if not raw:
        raise ImproperlyConfigured(_("UPPSIKT_ENCRYPTION_KEY is missing: give a Fernet key to be able to store API credentials."))
    keys = list(raw) if isinstance(raw, (list, tuple)) else [k.strip() for k in str(raw).split(",")]
    return [k for k in keys if k]


def fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except ValueError:
        raise ImproperlyConfigured(_("UPPSIKT_ENCRYPTION_KEY is not a valid Fernet key (32 bytes, URL-safe base64).")) from None


def encrypt(plaintext: str) -> str:
    """The secret encrypted with the current key, as ASCII text for a database column."""
    return fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        raise DecryptionError(_("the encrypted value cannot be read with the configured keys (UPPSIKT_ENCRYPTION_KEY)")) from None


def rotate(token: str) -> str:
    """The same secret re-encrypted with the current (first) key."""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError, ValueError):
        raise DecryptionError(_("the encrypted value cannot be read with the configured keys (UPPSIKT_ENCRYPTION_KEY)")) from None


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")
