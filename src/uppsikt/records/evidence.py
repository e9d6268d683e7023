"""The content-addressed evidence store (REC-8).

Files live under ``settings.EVIDENCE_ROOT`` as ``ab/cd/abcd…`` where the name is the
SHA-256 of the content. A file is written to a temporary name in its final folder,
flushed to disk (fsync), renamed into place and the folder flushed, so a crash leaves
either the whole file or nothing. Writing the same bytes twice is harmless: the name is
the content. A file written inside a database transaction that is rolled back stays on
disk without a row; it is a harmless duplicate and the next write of the same bytes
reuses it.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .models import EvidenceBlob

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class EvidenceError(Exception):
    """A stored file is missing or does not match its name."""


def evidence_root() -> Path:
    return Path(settings.EVIDENCE_ROOT)


def blob_path(sha256: str) -> Path:
    """Where the file named ``sha256`` lives; refuses anything that is not a SHA-256 in hex."""
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise ValueError(f"not a SHA-256 in lower-case hex: {sha256!r}")
    return evidence_root() / sha256[:2] / sha256[2:4] / sha256


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _ensure_dir(path: Path) -> None:
    """Create ``path`` and its parents, flushing each new directory entry."""
    missing = []
    node = path
    while not node.exists():
        missing.append(node)
        node = node.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        _fsync_dir(folder.parent)


def write_file(data: bytes) -> str:
    """Put ``data`` on disk under its SHA-256 (no database row); returns the hash."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("evidence must be bytes")
    data = bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    final = blob_path(sha)
    try:
        if final.stat().st_size == len(data):
            return sha
    except FileNotFoundError:
        pass
    _ensure_dir(final.parent)
    tmp = final.parent / f".{sha}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.chmod(tmp, 0o444)
    os.replace(tmp, final)
    _fsync_dir(final.parent)
    return sha


def store_bytes(data: bytes, media_type: str) -> str:
    """Store ``data`` as evidence and register it; returns its SHA-256. Idempotent.

    Call inside the transaction of the service that needs the evidence: the row commits
    with it, and the file (already on disk) is a harmless duplicate if it rolls back.
    """
    if not media_type:
        raise ValueError("media_type is required")
    sha = write_file(data)
    EvidenceBlob.objects.get_or_create(sha256=sha, defaults={"size": len(data), "media_type": media_type})
    return sha


def read_bytes(sha256: str, *, verify: bool = True) -> bytes:
    """The stored bytes; with ``verify`` the hash is checked and a mismatch raises."""
    path = blob_path(sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise EvidenceError(_("the evidence file %(sha)s is missing") % {"sha": sha256}) from None
    if verify and hashlib.sha256(data).hexdigest() != sha256:
        raise EvidenceError(_("the evidence file %(sha)s does not match its checksum") % {"sha": sha256})
    return data


def read_slice(sha256: str, offset: int, length: int) -> bytes:
    """``length`` bytes from ``offset`` in a stored file (for records packed into one file)."""
    path = blob_path(sha256)
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read(length)
    except FileNotFoundError:
        raise EvidenceError(_("the evidence file %(sha)s is missing") % {"sha": sha256}) from None
    if len(data) != length:
        raise EvidenceError(_("the evidence file %(sha)s is shorter than expected") % {"sha": sha256})
    return data


def verify_blob(sha256: str) -> bool:
    """True when the file exists and its content hashes to its name."""
    digest = hashlib.sha256()
    try:
        with open(blob_path(sha256), "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return False
    return digest.hexdigest() == sha256
