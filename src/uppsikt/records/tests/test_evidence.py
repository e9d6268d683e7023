"""The content-addressed evidence store (REC-8)."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest
from django.db import transaction

from uppsikt.records.evidence import EvidenceError, blob_path, read_bytes, read_slice, store_bytes, verify_blob, write_file
from uppsikt.records.models import EvidenceBlob, EvidenceImmutableError

pytestmark = pytest.mark.django_db

DATA = "Skärmbild av inlägget på Mörbyåns sida 📸".encode()


def test_REC_8_evidence_is_named_by_its_hash_and_stored_once():
    sha = store_bytes(DATA, "text/plain")
    assert sha == hashlib.sha256(DATA).hexdigest()
    path = blob_path(sha)
    assert path.read_bytes() == DATA
    assert path.parent.name == sha[2:4] and path.parent.parent.name == sha[:2]
    assert store_bytes(DATA, "text/plain") == sha
    assert EvidenceBlob.objects.filter(sha256=sha).count() == 1
    blob = EvidenceBlob.objects.get(sha256=sha)
    assert (blob.size, blob.media_type) == (len(DATA), "text/plain")


def test_REC_8_evidence_file_is_written_whole_and_read_only(_evidence_root):
    sha = store_bytes(DATA, "text/plain")
    path = blob_path(sha)
    assert not stat.S_IMODE(os.stat(path).st_mode) & 0o222
    leftovers = [p for p in _evidence_root.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_REC_8_file_written_before_a_rolled_back_transaction_is_a_harmless_duplicate():
    with pytest.raises(RuntimeError), transaction.atomic():
        sha = store_bytes(DATA, "text/plain")
        raise RuntimeError("the service failed after storing evidence")
    assert not EvidenceBlob.objects.filter(sha256=sha).exists()
    assert blob_path(sha).exists()
    assert store_bytes(DATA, "text/plain") == sha
    assert EvidenceBlob.objects.filter(sha256=sha).count() == 1


def test_REC_8_tampered_evidence_is_detected():
    sha = store_bytes(DATA, "text/plain")
    path = blob_path(sha)
    os.chmod(path, 0o644)
    path.write_bytes(DATA.replace("Mörbyåns".encode(), b"Grannens"))
    assert not verify_blob(sha)
    with pytest.raises(EvidenceError, match="kontrollsumma"):
        read_bytes(sha)


def test_REC_8_missing_evidence_is_reported():
    sha = hashlib.sha256(b"aldrig sparad").hexdigest()
    assert not verify_blob(sha)
    with pytest.raises(EvidenceError, match="saknas"):
        read_bytes(sha)
    with pytest.raises(EvidenceError, match="saknas"):
        read_slice(sha, 0, 1)


def test_REC_8_slices_of_a_packed_file_read_back_exactly():
    sha = write_file(b"first|second|third")
    assert read_slice(sha, 6, 6) == b"second"
    with pytest.raises(EvidenceError):
        read_slice(sha, 14, 10)


def test_REC_8_evidence_rows_cannot_be_changed_or_deleted():
    sha = store_bytes(DATA, "text/plain")
    blob = EvidenceBlob.objects.get(sha256=sha)
    blob.media_type = "image/png"
    with pytest.raises(EvidenceImmutableError):
        blob.save()
    with pytest.raises(EvidenceImmutableError):
        blob.delete()
    with pytest.raises(EvidenceImmutableError):
        EvidenceBlob.objects.update(size=1)
    with pytest.raises(EvidenceImmutableError):
        EvidenceBlob.objects.all().delete()


def test_REC_8_blob_path_refuses_anything_but_a_hash():
    for bad in ("../../etc/passwd", "ABC", "g" * 64, hashlib.sha256(b"x").hexdigest().upper()):
        with pytest.raises(ValueError):
            blob_path(bad)


def test_REC_8_only_bytes_are_evidence():
    with pytest.raises(TypeError):
        store_bytes("text", "text/plain")
    with pytest.raises(ValueError):
        store_bytes(b"x", "")
