"""Reading a platform's own export: a folder, a zip, a tar(.gz) or a single file.

``open_export(path)`` gives an ``ExportSource`` that lists the regular files inside
and opens them as byte streams, without unpacking anything to disk. Archives are
checked before any file is read: an entry that points outside its folder (an absolute
path, ``..``, a link) refuses the whole export, and a truncated or corrupt archive is an
``ImportFormatError`` that names the file (invariant 7).

An ``Importer`` turns one export into ``FetchedItem``s, streaming (ijson) so memory
does not grow with the export. ``validate()`` reads everything once and raises on the
first fault; ``items()`` then yields the same items for storing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import re
import stat
import tarfile
import zipfile
import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import ijson

from uppsikt.core.i18n import gettext as _
from uppsikt.platforms.base import FetchedItem, ImportFormatError

_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, tarfile.TarError, OSError)


# --- text repair ------------------------------------------------------------------


def fix_mojibake(value: str) -> str:
    """Undo Meta's double-encoded UTF-8 ("MÃ¶rbyÃ¥n" → "Mörbyån") where it is double-encoded.

    Meta exports write each UTF-8 byte as its own ``\\u00XX`` escape. Such a string
    encodes to Latin-1 and then decodes as UTF-8; a string that is already right (or
    holds characters beyond Latin-1) fails one of the two steps and is kept as it is.
    """
    if not value or value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def raw_json(record) -> bytes:
    """The record as compact JSON, keys in the file's order, strings as in the file (before any repair)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def from_epoch(value, where: object) -> datetime:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ImportFormatError(_("%(where)s: the timestamp is missing or not a number") % {"where": where})
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise ImportFormatError(_("%(where)s: invalid timestamp %(value)r") % {"where": where, "value": value}) from None


# --- sources ----------------------------------------------------------------------


class _HashingReader(io.RawIOBase):
    """Reads a stream and hashes what passes through; the digest is kept when it closes."""

    def __init__(self, stream: BinaryIO, on_done):
        self._stream = stream
        self._hash = hashlib.sha256()
        self._on_done = on_done
        self._eof = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size) if size is not None and size >= 0 else self._stream.read()
        if data:
            self._hash.update(data)
        elif size != 0:
            self._eof = True
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            if self._eof:
                self._on_done(self._hash.hexdigest())
            self._stream.close()
        super().close()


def _unsafe_name(name: str) -> bool:
    name = name.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in PurePosixPath(name).parts


class ExportSource(ABC):
    """The files of one export, by relative POSIX path."""

    def __init__(self, path: Path):
        self.path = path
        self.digests: dict[str, str] = {}

    @abstractmethod
    def members(self) -> list[str]:
        """Relative paths of the regular files, sorted."""

    @abstractmethod
    def _open(self, member: str) -> BinaryIO:
        """A byte stream of one member."""

    @contextmanager
    def open(self, member: str) -> Iterator[BinaryIO]:
        try:
            raw = self._open(member)
        except _READ_ERRORS as exc:
            raise ImportFormatError(_("%(file)s: cannot be read (%(detail)s)") % {"file": self.display(member), "detail": _first_line(exc)}) from None
        reader = _HashingReader(raw, lambda digest: self.digests.__setitem__(member, digest))
        try:
            yield reader
        finally:
            reader.close()

    def display(self, member: str) -> str:
        return f"{self.path}:{member}"

    def fingerprint(self) -> str:
        """SHA-256 of the export as handed over (the file), or of a manifest of the files read (a folder)."""
        digest = hashlib.sha256()
        with open(self.path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def close(self) -> None:
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class DirectorySource(ExportSource):
    def __init__(self, path: Path):
        super().__init__(path)
        root = path.resolve()
        found: list[str] = []
        for folder, dirnames, filenames in os.walk(root, followlinks=False):
            for name in dirnames + filenames:
                full = Path(folder) / name
                if full.is_symlink():
                    target = full.resolve()
                    if root != target and root not in target.parents:
                        raise ImportFormatError(_("%(file)s: the link points outside the export folder") % {"file": f"{path}/{full.relative_to(root).as_posix()}"})
            for name in filenames:
                full = Path(folder) / name
                if full.is_file():
                    found.append(full.relative_to(root).as_posix())
        self._root = root
        self._members = sorted(found)

    def members(self) -> list[str]:
        return self._members

    def _open(self, member: str) -> BinaryIO:
        return open(self._root / member, "rb")

    def display(self, member: str) -> str:
        return str(self.path / member)

    def fingerprint(self) -> str:
        manifest = "".join(f"{sha}  {name}\n" for name, sha in sorted(self.digests.items()))
        return hashlib.sha256(manifest.encode("utf-8")).hexdigest()


class SingleFileSource(ExportSource):
    """One file given on its own (``outbox.json``, ``tweets.js``): a folder with that one file."""

    def members(self) -> list[str]:
        return [self.path.name]

    def _open(self, member: str) -> BinaryIO:
        return open(self.path, "rb")

    def display(self, member: str) -> str:
        return str(self.path)


class ZipSource(ExportSource):
    def __init__(self, path: Path):
        super().__init__(path)
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise ImportFormatError(_("%(file)s: the zip archive is broken or truncated (%(detail)s)") % {"file": path, "detail": _first_line(exc)}) from None
        names: list[str] = []
        for info in self._zip.infolist():
            mode = info.external_attr >> 16
            if _unsafe_name(info.filename) or stat.S_ISLNK(mode):
                self._zip.close()
                raise ImportFormatError(_("%(file)s: the entry %(entry)r points outside the export folder") % {"file": path, "entry": info.filename})
            if not info.is_dir():
                names.append(info.filename)
        self._members = sorted(names)

    def members(self) -> list[str]:
        return self._members

    def _open(self, member: str) -> BinaryIO:
        return self._zip.open(member)

    def close(self) -> None:
        self._zip.close()


class TarSource(ExportSource):
    def __init__(self, path: Path):
        super().__init__(path)
        try:
            self._tar = tarfile.open(path, "r:*")
            infos = self._tar.getmembers()
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise ImportFormatError(_("%(file)s: the tar archive is broken or truncated (%(detail)s)") % {"file": path, "detail": _first_line(exc)}) from None
        members: dict[str, tarfile.TarInfo] = {}
        for info in infos:
            if _unsafe_name(info.name) or info.issym() or info.islnk():
                self._tar.close()
                raise ImportFormatError(_("%(file)s: the entry %(entry)r points outside the export folder") % {"file": path, "entry": info.name})
            if info.isdir():
                continue
            if not info.isfile():
                self._tar.close()
                raise ImportFormatError(_("%(file)s: the entry %(entry)r is not a regular file") % {"file": path, "entry": info.name})
            name = info.name[2:] if info.name.startswith("./") else info.name
            members[name] = info
        self._infos = members
        self._members = sorted(members)

    def members(self) -> list[str]:
        return self._members

    def _open(self, member: str) -> BinaryIO:
        stream = self._tar.extractfile(self._infos[member])
        if stream is None:
            raise tarfile.ReadError(f"{member} is not a regular file")
        return stream

    def close(self) -> None:
        self._tar.close()


def open_export(path) -> ExportSource:
    """The export at ``path``: a folder, a zip, a tar(.gz) or a single JSON/JS file."""
    path = Path(path)
    if path.is_dir():
        return DirectorySource(path)
    if not path.is_file():
        raise ImportFormatError(_("%(file)s: no such file or folder") % {"file": path})
    with open(path, "rb") as fh:
        head = fh.read(512)
    if head.startswith(b"PK"):
        return ZipSource(path)
    if head.startswith(b"\x1f\x8b") or head.startswith(b"BZh") or head.startswith(b"\xfd7zXZ") or (len(head) >= 262 and head[257:262] == b"ustar"):
        return TarSource(path)
    if path.suffix.lower() in (".json", ".js"):
        return SingleFileSource(path)
    raise ImportFormatError(_("%(file)s: unknown file type (not a folder, zip, tar.gz or JSON)") % {"file": path})


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].strip()


# --- JSON streaming -----------------------------------------------------------------


class _PrefixStripped(io.RawIOBase):
    """A stream with its first ``skip`` bytes removed (the ``window.YTD... =`` of an X archive)."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._stream.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._stream.read(size) if size is not None and size >= 0 else self._stream.read()

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def json_error(display: str, exc: Exception) -> ImportFormatError:
    line = _first_line(exc)
    if "UTF8" in line or "UTF-8" in line or isinstance(exc, UnicodeDecodeError):
        return ImportFormatError(_("%(file)s: invalid UTF-8 (%(detail)s)") % {"file": display, "detail": line})
    return ImportFormatError(_("%(file)s: invalid JSON (%(detail)s)") % {"file": display, "detail": line})


def find_array(stream: BinaryIO, allowed: tuple[str, ...], display: str) -> str | None:
    """The prefix of the first array among ``allowed`` ijson prefixes ("" is a bare top-level list)."""
    try:
        for prefix, event, _value in ijson.parse(stream):
            if event == "start_array" and prefix in allowed:
                return prefix
    except ijson.JSONError as exc:
        raise json_error(display, exc) from None
    return None


def stream_items(stream: BinaryIO, prefix: str, display: str) -> Iterator:
    """Each element of the array at ``prefix``; the whole document is checked as it goes."""
    path = f"{prefix}.item" if prefix else "item"
    try:
        yield from ijson.items(stream, path, use_float=True)
    except ijson.JSONError as exc:
        raise json_error(display, exc) from None


# --- importers ----------------------------------------------------------------------


class Importer(ABC):
    """Turns one platform's export into ``FetchedItem``s."""

    format: str = ""
    platform: str = ""
    label: str = ""

    def __init__(self, export: ExportSource, *, owner_name: str = ""):
        self.export = export
        self.owner_name = owner_name

    @classmethod
    @abstractmethod
    def recognises(cls, members: list[str]) -> bool:
        """Whether these files look like this platform's export (used to name a wrong-platform export)."""

    @abstractmethod
    def plan(self, members: list[str]) -> list[tuple[str, str]]:
        """The files to read, in order, each with its role."""

    @abstractmethod
    def read(self, member: str, role: str) -> Iterator[FetchedItem]:
        """The items in one file (use ``records`` or ``self.export.open``)."""

    def prepare(self, members: list[str]) -> None:
        """Read what the items need before they are read (the account's name, say)."""

    def _plan(self) -> list[tuple[str, str]]:
        members = self.export.members()
        plan = self.plan(members)
        if plan:
            return plan
        for fmt, other in registry().items():
            if other is not type(self) and other.recognises(members):
                raise ImportFormatError(
                    _("%(file)s: looks like an export from %(platform)s (%(other)s), not %(format)s")
                    % {"file": self.export.path, "platform": other.label, "other": fmt, "format": self.format}
                )
        raise ImportFormatError(_("%(file)s: unknown layout – no files that %(format)s recognises") % {"file": self.export.path, "format": self.format})

    def items(self) -> Iterator[FetchedItem]:
        plan = self._plan()
        self.prepare(self.export.members())
        for member, role in plan:
            display = self.export.display(member)
            try:
                yield from self.read(member, role)
            except _READ_ERRORS as exc:
                raise ImportFormatError(_("%(file)s: the archive is broken (%(detail)s)") % {"file": display, "detail": _first_line(exc)}) from None
            except UnicodeDecodeError as exc:
                raise ImportFormatError(_("%(file)s: invalid UTF-8 (%(detail)s)") % {"file": display, "detail": _first_line(exc)}) from None

    def records(self, member: str, allowed: tuple[str, ...], *, stream_wrapper=None) -> Iterator[tuple[RecordPlace, int, dict]]:
        """Each JSON object of the first array at one of the ``allowed`` prefixes, with a label for messages."""
        display = self.export.display(member)
        with self.export.open(member) as stream:
            prefix = find_array(stream_wrapper(stream, display) if stream_wrapper else stream, allowed, display)
        if prefix is None:
            raise ImportFormatError(_("%(file)s: unknown layout (no list of records found)") % {"file": display})
        with self.export.open(member) as stream:
            source = stream_wrapper(stream, display) if stream_wrapper else stream
            for index, record in enumerate(stream_items(source, prefix, display)):
                where = RecordPlace(display, index + 1)
                if not isinstance(record, dict):
                    raise ImportFormatError(_("%(where)s: is not a JSON object") % {"where": where})
                yield where, index, record

    def read_json(self, member: str, limit: int = 10_000_000):
        """A small JSON file whole (account details); ``None`` if it is bigger than ``limit``."""
        display = self.export.display(member)
        with self.export.open(member) as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            return None
        try:
            return json.loads(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ImportFormatError(_("%(file)s: invalid UTF-8 (%(detail)s)") % {"file": display, "detail": _first_line(exc)}) from None
        except json.JSONDecodeError as exc:
            raise ImportFormatError(_("%(file)s: invalid JSON (%(detail)s)") % {"file": display, "detail": _first_line(exc)}) from None

    def validate(self) -> int:
        """Read the whole export once; raises ``ImportFormatError`` on the first fault. Returns the item count."""
        count = 0
        for _item in self.items():
            count += 1
        return count

    def spool(self, fh: BinaryIO, batch_size: int = 1000) -> int:
        """Read the whole export once into ``fh`` (a private temporary file), checking everything.

        Raises ``ImportFormatError`` on the first fault, before the caller stores anything;
        ``unspool`` then gives the items back without parsing the export a second time.
        """
        count = 0
        batch: list[FetchedItem] = []
        for item in self.items():
            batch.append(item)
            count += 1
            if len(batch) >= batch_size:
                pickle.dump(batch, fh, protocol=pickle.HIGHEST_PROTOCOL)
                batch = []
        if batch:
            pickle.dump(batch, fh, protocol=pickle.HIGHEST_PROTOCOL)
        fh.flush()
        return count


def unspool(fh: BinaryIO) -> Iterator[FetchedItem]:
    """The items ``Importer.spool`` wrote to ``fh`` (our own temporary file, never outside input)."""
    fh.seek(0)
    while True:
        try:
            batch = pickle.load(fh)
        except EOFError:
            return
        yield from batch


class RecordPlace:
    """Where a record is, for error messages: "FILE: post N". Worded only when a message needs it."""

    __slots__ = ("file", "number")

    def __init__(self, file: str, number: int):
        self.file = file
        self.number = number

    def __str__(self) -> str:
        return _("%(file)s: record %(number)d") % {"file": self.file, "number": self.number}


class RecordCounter:
    """Tells apart records that look identical in an export without ids, in a bounded window.

    Exports without ids get an id derived from the record's own content; two identical
    records with the same timestamp (sorted exports keep them together) get ``#2``, ``#3``.
    """

    def __init__(self):
        self._timestamp = None
        self._seen: dict[str, int] = {}

    def id_for(self, prefix: str, timestamp, *parts: str) -> str:
        if timestamp != self._timestamp:
            self._timestamp = timestamp
            self._seen = {}
        digest = hashlib.sha256("\x1f".join([str(timestamp), *parts]).encode("utf-8")).hexdigest()[:32]
        n = self._seen.get(digest, 0) + 1
        self._seen[digest] = n
        return f"{prefix}{digest}" if n == 1 else f"{prefix}{digest}#{n}"


def registry() -> dict[str, type[Importer]]:
    from . import _REGISTRY, _load_all

    _load_all()
    return dict(_REGISTRY)
