"""`uppsikt import` and `uppsikt items export` as contracts/cli.md says (REC-2, GOV-8, invariant 7)."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest

from uppsikt.audit.models import AuditEvent
from uppsikt.cli import main
from uppsikt.inbox.models import Item
from uppsikt.records.models import EvidenceBlob

from .factories import make_channel

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "platforms" / "importers" / "tests" / "samples"
EXPORT_KEYS = ["platform_id", "kind", "parent_platform_id", "author", "text", "published_at", "record_status", "sha256"]


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_REC_2_import_prints_the_summary_and_a_second_import_creates_nothing(capsys):
    make_channel("facebook", slug="morbyan")
    status, out, err = run(capsys, "import", "--channel", "morbyan", "--format", "facebook-export", str(SAMPLES / "facebook_old"))
    assert status == 0, err
    assert json.loads(out) == {"format": "facebook-export", "channel": "morbyan", "read": 7, "created": 7, "duplicates": 0}
    assert list(json.loads(out)) == ["format", "channel", "read", "created", "duplicates"]
    status, out, _ = run(capsys, "import", "--channel", "morbyan", "--format", "facebook-export", str(SAMPLES / "facebook_old"))
    assert json.loads(out) == {"format": "facebook-export", "channel": "morbyan", "read": 7, "created": 0, "duplicates": 7}
    assert Item.objects.count() == 7
    event = AuditEvent.objects.filter(name="items_imported").last()
    assert event.data["format"] == "facebook-export" and re.fullmatch(r"[0-9a-f]{64}", event.data["file_sha256"])


def test_REC_2_items_export_lines_follow_the_contract(capsys):
    make_channel("x", slug="rtj")
    run(capsys, "import", "--channel", "rtj", "--format", "x-archive", str(SAMPLES / "x_archive"))
    status, out, err = run(capsys, "items", "export", "--channel", "rtj")
    assert status == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 4
    for row in rows:
        assert list(row) == EXPORT_KEYS
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", row["published_at"])
        assert row["record_status"] in ("inkommen", "upprattad")
        item = Item.objects.get(platform_id=row["platform_id"])
        assert hashlib.sha256(item.read_raw()).hexdigest() == row["sha256"]
    reply = next(r for r in rows if r["platform_id"] == "1785612345678901299")
    assert reply == {
        "platform_id": "1785612345678901299",
        "kind": "reply",
        "parent_platform_id": "1785612345678901234",
        "author": "Mörbyåns kommun",
        "text": "Uppdatering: Åsvägen är nu plogad. Tack för ert tålamod!",
        "published_at": "2024-05-01T12:30:00+02:00",
        "record_status": "upprattad",
        "sha256": reply["sha256"],
    }
    assert "Mörbyåns" in out  # UTF-8, not \\u escapes


def test_REC_1_imported_visitor_posts_are_inkommen(capsys):
    make_channel("facebook", slug="morbyan")
    run(capsys, "import", "--channel", "morbyan", "--format", "facebook-export", str(SAMPLES / "facebook_old"))
    _, out, _ = run(capsys, "items", "export", "--channel", "morbyan")
    statuses = {json.loads(line)["author"]: json.loads(line)["record_status"] for line in out.splitlines()}
    assert statuses["Åsa Öberg"] == "inkommen"
    assert statuses["Mörbyåns kommun"] == "upprattad"


def test_GOV_8_a_closing_channel_can_import_its_export(capsys):
    make_channel("instagram", slug="bibblan", status="closing")
    status, out, _ = run(capsys, "import", "--channel", "bibblan", "--format", "instagram-export", str(SAMPLES / "instagram_sv"))
    assert status == 0 and json.loads(out)["created"] == 3


def test_GOV_8_a_rejected_channel_takes_no_import(capsys):
    make_channel("mastodon", slug="nej", status="rejected")
    status, out, err = run(capsys, "import", "--channel", "nej", "--format", "mastodon-archive", str(SAMPLES / "mastodon"))
    assert status != 0 and out == ""
    assert "avslagen" in err and len(err.strip().splitlines()) == 1
    assert Item.objects.count() == 0


def test_invariant_7_unknown_channel_and_format_are_clear_one_line_errors(capsys):
    status, _, err = run(capsys, "import", "--channel", "finns-inte", "--format", "facebook-export", str(SAMPLES / "facebook_old"))
    assert status != 0 and err.strip() == "uppsikt: kanalen 'finns-inte' finns inte"
    status, _, err = run(capsys, "items", "export", "--channel", "finns-inte")
    assert status != 0 and "finns inte" in err
    make_channel("facebook", slug="morbyan")
    status, _, err = run(capsys, "import", "--channel", "morbyan", "--format", "orkut-export", str(SAMPLES / "facebook_old"))
    assert status != 0 and "okänt format" in err and len(err.strip().splitlines()) == 1


def test_invariant_7_export_for_another_platform_than_the_channel_is_refused(capsys):
    make_channel("facebook", slug="morbyan")
    status, _, err = run(capsys, "import", "--channel", "morbyan", "--format", "x-archive", str(SAMPLES / "x_archive"))
    assert status != 0 and "kanalen morbyan är på facebook" in err
    assert Item.objects.count() == 0


def _bad_export(tmp_path: Path, case: str) -> Path:
    """A facebook-export whose LAST file is bad, so a careless importer would have stored the first ones."""
    good = [{"timestamp": 1714550400 + n, "data": [{"post": f"Inlägg {n} från Mörbyån"}]} for n in range(50)]
    if case == "truncated-zip":
        path = tmp_path / "export.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("posts/your_posts_1.json", json.dumps(good))
        data = path.read_bytes()
        path.write_bytes(data[: len(data) - 30])
        return path
    if case == "traversal-zip":
        path = tmp_path / "export.zip"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("posts/your_posts_1.json", json.dumps(good))
            zf.writestr("../../comments/comments.json", '{"comments_v2": []}')
        return path
    folder = tmp_path / "export"
    (folder / "posts").mkdir(parents=True)
    (folder / "comments").mkdir()
    (folder / "posts" / "your_posts_1.json").write_text(json.dumps(good), encoding="utf-8")
    comments = folder / "comments" / "comments.json"
    if case == "invalid-json":
        comments.write_text('{"comments_v2": [{"timestamp": 1714644000,', encoding="utf-8")
    elif case == "invalid-utf8":
        comments.write_bytes(b'{"comments_v2": [{"timestamp": 1714644000, "data": [{"comment": {"comment": "\xe5\xe4\xf6"}}]}]}')
    elif case == "bad-record":
        comments.write_text(json.dumps({"comments_v2": [{"title": "utan tid", "data": [{"comment": {"comment": "hej"}}]}]}), encoding="utf-8")
    return folder


@pytest.mark.parametrize("case,message", [
    ("truncated-zip", "zip-arkivet är trasigt"),
    ("traversal-zip", "pekar utanför exportmappen"),
    ("invalid-json", "comments.json: ogiltig JSON"),
    ("invalid-utf8", "comments.json: ogiltig UTF-8"),
    ("bad-record", "comments.json: post 1: tidsstämpeln saknas"),
])
def test_invariant_7_bad_export_fails_with_one_line_and_commits_nothing(capsys, tmp_path, case, message):
    make_channel("facebook", slug="morbyan")
    events_before = AuditEvent.objects.count()
    status, out, err = run(capsys, "import", "--channel", "morbyan", "--format", "facebook-export", str(_bad_export(tmp_path, case)))
    assert status != 0 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
    assert Item.objects.count() == 0
    assert EvidenceBlob.objects.count() == 0
    assert AuditEvent.objects.count() == events_before
