"""Importers for the platforms' own exports (REC-2, GOV-8, invariant 7). No database needed."""

from __future__ import annotations

import io
import json
import os
import tarfile
import tracemalloc
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from uppsikt.platforms.base import ImportFormatError
from uppsikt.platforms.importers import fix_mojibake, formats, get_importer, open_export

SAMPLES = Path(__file__).parent / "samples"


def read_all(fmt: str, path) -> list:
    with open_export(path) as export:
        importer = get_importer(fmt)(export, owner_name="Mörbyåns kommun")
        count = importer.validate()
        items = list(importer.items())
    assert count == len(items)
    return items


def zip_folder(folder: Path, target: Path, top: str = "export") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
    return target


def tar_folder(folder: Path, target: Path) -> Path:
    with tarfile.open(target, "w:gz") as tf:
        tf.add(folder, arcname=".")
    return target


def by_text(items) -> dict[str, object]:
    return {i.text: i for i in items}


# --- formats ----------------------------------------------------------------------------


def test_REC_2_every_contract_format_is_registered():
    assert formats() == ["facebook-export", "instagram-export", "mastodon-archive", "x-archive"]
    with pytest.raises(ImportFormatError, match="okänt format"):
        get_importer("myspace-export")


def test_REC_2_facebook_old_layout_with_double_encoded_utf8_repaired():
    items = read_all("facebook-export", SAMPLES / "facebook_old")
    texts = by_text(items)
    assert len(items) == 7
    post = texts["Nu öppnar badplatsen vid Mörbyån för säsongen! Välkomna 🌞"]
    assert post.kind == "post" and post.is_own and post.author_name == "Mörbyåns kommun"
    assert post.published_at == datetime.fromtimestamp(1714550400, tz=UTC)
    assert post.edited_at == datetime.fromtimestamp(1714554000, tz=UTC)
    visitor = texts["Gatlampan vid Storgatan 12 har varit släckt i två veckor. När lagas den?"]
    assert not visitor.is_own and visitor.author_name == "Åsa Öberg"
    reply = texts["Hej Åsa! Tack för att du hör av dig, vi har skickat en felanmälan till gatuavdelningen."]
    assert reply.kind == "reply" and reply.is_own
    photo = texts["Vattenavstängning på Åsvägen tisdag kl. 9–12."]
    assert photo.media == ("posts/media/your_posts/vattenavstangning.jpg",)
    link = texts["Ansökan till förskoleklass är öppen – läs mer på vår webbplats."]
    assert link.url == "https://www.morbyan.se/skola/ansokan"
    # The raw record keeps the export's own (double-encoded) text byte for byte as parsed.
    assert "MÃ¶rbyÃ¥n".encode() in post.raw
    assert all(i.platform_id.startswith("fb:") for i in items)


def test_REC_2_facebook_new_layout_and_page_visitor_posts():
    items = read_all("facebook-export", SAMPLES / "facebook_new")
    texts = [i.text for i in items]
    assert "Sommarlovsaktiviteter för barn och unga – anmäl dig senast 7 juni! ☀️🏊" in texts
    visitor = next(i for i in items if i.text.startswith("Varför har ingen plogat Älvgatan"))
    assert not visitor.is_own and visitor.author_name == "Göran Lindqvist"
    # Two identical comments in the same second are two records, with ids told apart by order.
    twins = [i for i in items if i.text.startswith("Välkommen till öppet hus")]
    assert len(twins) == 2 and twins[0].platform_id != twins[1].platform_id
    assert twins[1].platform_id == twins[0].platform_id + "#2"


def test_REC_2_facebook_ids_are_stable_between_reads():
    first = [i.platform_id for i in read_all("facebook-export", SAMPLES / "facebook_new")]
    second = [i.platform_id for i in read_all("facebook-export", SAMPLES / "facebook_new")]
    assert first == second and len(set(first)) == len(first)


def test_REC_2_fix_mojibake_only_where_double_encoded():
    assert fix_mojibake("MÃ¶rbyÃ¥n") == "Mörbyån"
    assert fix_mojibake("Mörbyån") == "Mörbyån"
    assert fix_mojibake("ð\x9f\x98\x80 hej") == "😀 hej"
    assert fix_mojibake("Mörbyån 😀") == "Mörbyån 😀"
    assert fix_mojibake("Pris: 5 € – 10 €") == "Pris: 5 € – 10 €"
    assert fix_mojibake("plain ascii") == "plain ascii"


def test_REC_2_instagram_english_export():
    items = read_all("instagram-export", SAMPLES / "instagram_en")
    texts = by_text(items)
    assert texts["Badsäsongen är här! 🌊 #mörbyån"].kind == "post"
    carousel = texts["Två bilder från invigningen av Åparken 🌳"]
    assert carousel.media == ("media/posts/202405/a.jpg", "media/posts/202405/b.jpg")
    comment = texts["Tack för alla fina kommentarer! 💙"]
    assert comment.kind == "comment" and comment.is_own and comment.author_name == "morbyans_kommun"
    assert comment.published_at == datetime.fromtimestamp(1714560000, tz=UTC)


def test_REC_2_instagram_swedish_locale_export():
    items = read_all("instagram-export", SAMPLES / "instagram_sv")
    texts = by_text(items)
    assert set(texts) == {
        "Glad midsommar från oss alla på Mörbyåns kommun! 🌼",
        "Öppettiderna för badet hittar du på morbyan.se 🏖️",
        "Tack Åke! Vi hälsar till förskolan.",
    }
    assert texts["Tack Åke! Vi hälsar till förskolan."].published_at == datetime.fromtimestamp(1718964000, tz=UTC)
    assert all(i.author_name == "morbyans_kommun" for i in items)


def test_REC_2_instagram_unknown_field_names_fall_back_to_the_fields_shape(tmp_path):
    folder = tmp_path / "ig" / "your_instagram_activity" / "comments"
    folder.mkdir(parents=True)
    record = {"string_map_data": {"Kommentaari": {"value": "Hyvää juhannusta! 🌞"}, "Medieägare": {"value": "morbyan"}, "Aikaleima": {"timestamp": 1718964000}}}
    (folder / "post_comments_1.json").write_text(json.dumps([record]), encoding="utf-8")
    [item] = read_all("instagram-export", tmp_path / "ig")
    assert item.text == "Hyvää juhannusta! 🌞"


def test_REC_2_x_archive_with_parts_replies_and_deleted_tweets():
    items = read_all("x-archive", SAMPLES / "x_archive")
    ids = [i.platform_id for i in items]
    assert ids == ["1785612345678901234", "1785612345678901299", "1790000000000000001", "1780000000000000007"]
    first, reply, part1, deleted = items
    assert first.text == "Snöröjningen & sandningen pågår i hela Mörbyån i dag ❄️"
    assert first.published_at == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert first.author_name == "Mörbyåns kommun" and first.author_id == "1183746251"
    assert first.url == "https://x.com/MorbyansKommun/status/1785612345678901234"
    assert reply.kind == "reply" and reply.parent_platform_id == "1785612345678901234"
    assert part1.media == ("https://pbs.twimg.com/media/Gfm_kf.jpg",)
    assert deleted.deleted and not first.deleted


def test_REC_2_x_archive_prefix_is_cut_off_never_run(tmp_path):
    data = tmp_path / "x" / "data"
    data.mkdir(parents=True)
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = (function(){ return [] })()\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"tweets\.js: ogiltig JSON"):
        read_all("x-archive", tmp_path / "x")
    (data / "tweets.js").write_text('alert("hej"); [{"tweet": {}}]', encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"tweets\.js: saknar inledningen"):
        read_all("x-archive", tmp_path / "x")


def test_REC_2_x_archive_older_tweet_js_without_tweet_key(tmp_path):
    data = tmp_path / "x" / "data"
    data.mkdir(parents=True)
    tweet = {"id_str": "42", "full_text": "Äntligen vår i Mörbyån", "created_at": "Wed Oct 10 20:19:24 +0000 2018"}
    (data / "tweet.js").write_text("window.YTD.tweet.part0 = " + json.dumps([tweet]), encoding="utf-8")
    [item] = read_all("x-archive", tmp_path / "x")
    assert (item.platform_id, item.text, item.kind) == ("42", "Äntligen vår i Mörbyån", "post")
    assert item.published_at == datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)


def test_REC_2_mastodon_archive_from_folder_and_tar_gz(tmp_path):
    items = read_all("mastodon-archive", SAMPLES / "mastodon")
    assert len(items) == 4  # the boost (Announce) is someone else's post
    first, library, reply, direct = items
    assert first.text == "Hej Mastodon! Här delar Mörbyåns kommun nyheter om #kommun-livet.\n\nVälkomna! 👋"
    assert library.text == "Biblioteket har förlängda öppettider i maj:\nmån–tors 10–20\nfre 10–17"
    assert library.media == ("https://files.example.se/media/bibliotek.jpg",)
    assert reply.kind == "reply" and reply.parent_platform_id == "https://social.example/users/asa/statuses/998877"
    assert reply.text == "@asa Tack för tipset, vi kollar upp det & återkommer!"
    assert direct.kind == "message"
    assert all(i.author_name == "Mörbyåns kommun" and i.is_own for i in items)
    packed = read_all("mastodon-archive", tar_folder(SAMPLES / "mastodon", tmp_path / "archive.tar.gz"))
    assert [i.platform_id for i in packed] == [i.platform_id for i in items]


@pytest.mark.parametrize("fmt,folder", [
    ("facebook-export", "facebook_old"), ("instagram-export", "instagram_sv"), ("x-archive", "x_archive"), ("mastodon-archive", "mastodon"),
])
def test_REC_2_zip_and_folder_give_the_same_items(tmp_path, fmt, folder):
    plain = read_all(fmt, SAMPLES / folder)
    zipped = read_all(fmt, zip_folder(SAMPLES / folder, tmp_path / "export.zip"))
    assert [(i.platform_id, i.text, i.raw) for i in zipped] == [(i.platform_id, i.text, i.raw) for i in plain]


def test_REC_2_single_file_can_be_given(tmp_path):
    items = read_all("mastodon-archive", SAMPLES / "mastodon" / "outbox.json")
    assert len(items) == 4


# --- bad input (invariant 7) -----------------------------------------------------------


def test_invariant_7_truncated_zip_is_refused(tmp_path):
    whole = zip_folder(SAMPLES / "facebook_old", tmp_path / "whole.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImportFormatError, match=r"cut\.zip: zip-arkivet är trasigt"):
        read_all("facebook-export", cut)


def test_invariant_7_corrupt_zip_member_is_refused(tmp_path):
    path = tmp_path / "corrupt.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("posts/your_posts_1.json", json.dumps([{"timestamp": 1714550400, "data": [{"post": "Hej Mörbyån"}]}]))
    data = bytearray(path.read_bytes())
    at = data.index(b"Hej")
    data[at : at + 3] = b"Nej"  # content changes, the stored CRC does not
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFormatError, match=r"corrupt\.zip:posts/your_posts_1\.json: arkivet är trasigt"):
        read_all("facebook-export", path)


@pytest.mark.parametrize("name", ["../posts/your_posts_1.json", "/etc/posts/your_posts_1.json", "export/../../outside.json", "C:/posts/your_posts_1.json"])
def test_invariant_7_zip_entry_outside_its_folder_is_refused(tmp_path, name):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("posts/your_posts_1.json", "[]")
        zf.writestr(name, "[]")
    with pytest.raises(ImportFormatError, match="pekar utanför exportmappen"):
        read_all("facebook-export", path)


def test_invariant_7_zip_symlink_entry_is_refused(tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("posts/your_posts_1.json")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(ImportFormatError, match="pekar utanför exportmappen"):
        read_all("facebook-export", path)


def test_invariant_7_tar_entries_outside_the_folder_or_links_are_refused(tmp_path):
    for kind in ("dotdot", "symlink", "hardlink"):
        path = tmp_path / f"{kind}.tar.gz"
        with tarfile.open(path, "w:gz") as tf:
            info = tarfile.TarInfo("outbox.json" if kind != "dotdot" else "../outbox.json")
            if kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
                tf.addfile(info)
            elif kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, "/etc/passwd"
                tf.addfile(info)
            else:
                payload = b'{"orderedItems": []}'
                info.size = len(payload)
                tf.addfile(info, io.BytesIO(payload))
        with pytest.raises(ImportFormatError, match="pekar utanför exportmappen"):
            read_all("mastodon-archive", path)


def test_invariant_7_truncated_tar_gz_is_refused(tmp_path):
    whole = tar_folder(SAMPLES / "mastodon", tmp_path / "whole.tar.gz").read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImportFormatError, match=r"cut\.tar\.gz: tar-arkivet är trasigt"):
        read_all("mastodon-archive", cut)


def test_invariant_7_symlink_out_of_an_export_folder_is_refused(tmp_path):
    folder = tmp_path / "export" / "posts"
    folder.mkdir(parents=True)
    secret = tmp_path / "secret.json"
    secret.write_text("[]", encoding="utf-8")
    os.symlink(secret, folder / "your_posts_1.json")
    with pytest.raises(ImportFormatError, match="länken pekar utanför exportmappen"):
        read_all("facebook-export", tmp_path / "export")


def test_invariant_7_invalid_json_names_the_file(tmp_path):
    folder = tmp_path / "export" / "comments"
    folder.mkdir(parents=True)
    (folder / "comments.json").write_text('{"comments_v2": [{"timestamp": 1714644000, "data": [', encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"comments/comments\.json: ogiltig JSON"):
        read_all("facebook-export", tmp_path / "export")


def test_invariant_7_invalid_utf8_names_the_file(tmp_path):
    folder = tmp_path / "export" / "posts"
    folder.mkdir(parents=True)
    (folder / "your_posts_1.json").write_bytes(b'[{"timestamp": 1714550400, "data": [{"post": "M\xf6rby\xe5n"}]}]')
    with pytest.raises(ImportFormatError, match=r"your_posts_1\.json: ogiltig UTF-8"):
        read_all("facebook-export", tmp_path / "export")


def test_invariant_7_record_without_time_names_the_record(tmp_path):
    folder = tmp_path / "export" / "posts"
    folder.mkdir(parents=True)
    (folder / "your_posts_1.json").write_text(json.dumps([{"timestamp": 1714550400, "data": []}, {"data": [{"post": "Ingen tid"}]}]), encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"your_posts_1\.json: post 2: tidsstämpeln saknas"):
        read_all("facebook-export", tmp_path / "export")


def test_invariant_7_unknown_layout_is_refused(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "readme.txt").write_text("Det här är ingen export.", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="okänd struktur"):
        read_all("facebook-export", folder)


def test_invariant_7_known_file_with_unknown_structure_is_refused(tmp_path):
    folder = tmp_path / "export" / "comments"
    folder.mkdir(parents=True)
    (folder / "comments.json").write_text(json.dumps({"something_else": {"a": 1}}), encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"comments\.json: okänd struktur"):
        read_all("facebook-export", tmp_path / "export")


@pytest.mark.parametrize("fmt,folder,named", [
    ("facebook-export", "x_archive", "X"),
    ("x-archive", "instagram_en", "Instagram"),
    ("instagram-export", "facebook_new", "Facebook"),
    ("mastodon-archive", "x_archive", "X"),
])
def test_invariant_7_export_of_the_wrong_platform_is_named(fmt, folder, named):
    with pytest.raises(ImportFormatError, match=f"ser ut som en export från {named}"):
        read_all(fmt, SAMPLES / folder)


def test_invariant_7_missing_path_and_unknown_file_type(tmp_path):
    with pytest.raises(ImportFormatError, match="finns inte"):
        read_all("facebook-export", tmp_path / "nowhere.zip")
    odd = tmp_path / "export.rar"
    odd.write_bytes(b"Rar!\x1a\x07\x00")
    with pytest.raises(ImportFormatError, match="okänt filformat"):
        read_all("facebook-export", odd)


def test_REC_2_exports_are_streamed_not_loaded_whole(tmp_path):
    folder = tmp_path / "export" / "comments"
    folder.mkdir(parents=True)
    with open(folder / "comments.json", "w", encoding="utf-8") as fh:
        fh.write('{"comments_v2": [')
        for n in range(20_000):
            record = {"timestamp": 1700000000 + n, "data": [{"comment": {"timestamp": 1700000000 + n, "comment": f"Kommentar nummer {n} om snöröjningen på Åsvägen, tack! " * 3, "author": "Mörbyåns kommun"}}], "title": "Mörbyåns kommun commented on a post."}
            fh.write(("," if n else "") + json.dumps(record))
        fh.write("]}")
    size = (folder / "comments.json").stat().st_size
    with open_export(tmp_path / "export") as export:
        importer = get_importer("facebook-export")(export)
        tracemalloc.start()
        count = importer.validate()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert count == 20_000
    assert size > 6_000_000
    assert peak < size / 4
