"""The Swedish catalogue (docs/adr/0006-strings-and-translation.md): complete, compiled, in use.

Source strings are English; the interface is Swedish by default. These tests fail when a
string is left untranslated or fuzzy, when the committed ``django.mo`` does not hold
exactly what ``django.po`` says (run ``compilemessages``), or when a translation drops or
invents a placeholder.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

from uppsikt.core.i18n import LOCALE_DIR

PO = LOCALE_DIR / "sv" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
REPO = Path(__file__).resolve().parents[4]

# %(name)s-style and {name}-style placeholders (``%%`` and ``{{`` are literal characters).
PERCENT = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACE = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(PO))


def _key(entry):
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _value(entry):
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return entry.msgstr


def test_every_entry_is_translated_and_none_is_fuzzy(po):
    assert po.metadata.get("Language") == "sv"
    assert po.metadata.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated: {untranslated}"
    assert fuzzy == [], f"fuzzy: {fuzzy}"
    assert not po.metadata_is_fuzzy
    assert len(po.translated_entries()) > 0


def test_the_compiled_catalogue_matches_the_po_file(po):
    assert MO.is_file(), "run compilemessages: django.mo is missing"
    mo = polib.mofile(str(MO))
    expected = {_key(e): _value(e) for e in po.translated_entries() if not e.obsolete}
    compiled = {_key(e): _value(e) for e in mo if e.msgid}
    missing = sorted(k[1] for k in expected.keys() - compiled.keys())
    stale = sorted(k[1] for k in compiled.keys() - expected.keys())
    changed = sorted(k[1] for k in expected.keys() & compiled.keys() if expected[k] != compiled[k])
    assert (missing, stale, changed) == ([], [], []), "django.mo is older than django.po: run compilemessages"
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


def test_translations_keep_the_placeholders(po):
    wrong = []
    for entry in po.translated_entries():
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        targets = list(_value(entry)) if entry.msgid_plural else [entry.msgstr]
        named = set().union(*(PERCENT.findall(s) for s in sources))
        braced = set().union(*(BRACE.findall(s) for s in sources))
        for target in targets:
            # A singular form may leave out the number ("Bara en utbildad person …").
            if not set(PERCENT.findall(target)) <= named or set(BRACE.findall(target)) != braced:
                wrong.append(entry.msgid)
        if targets and entry.msgid_plural is None and set(PERCENT.findall(targets[0])) != named:
            wrong.append(entry.msgid)
    assert wrong == []


def test_the_ui_is_swedish_whatever_the_browser_prefers(client):
    for preference in ("", "en", "en-GB,en;q=0.9"):
        page = client.get("/logga-in/", HTTP_ACCEPT_LANGUAGE=preference).content.decode()
        assert '<html lang="sv">' in page and "<h1>Logga in</h1>" in page and "Hoppa till innehållet" in page
    with translation.override("en"):
        assert str(translation.gettext("Log in")) == "Log in"  # English is the source language


@pytest.mark.django_db
def test_audit_messages_are_stored_in_swedish_whatever_the_language(roles):
    from uppsikt.accounts import services as accounts
    from uppsikt.audit.events import log, verify_chain
    from uppsikt.policies.vocabulary import ROLES

    user = accounts.create_user("anna", password=None)
    with translation.override("en"):
        event = log("role_granted", actor=None, obj=user, username="anna", role=ROLES["redaktor"], scope="enhet Biblioteket")
        assert str(ROLES["redaktor"]) == "Editor"
    assert event.message == "anna fick rollen Redaktör (enhet Biblioteket)."
    assert event.data["role"] == "Redaktör"
    assert verify_chain() == []


def test_messages_outside_django_come_from_the_same_catalogue(tmp_path):
    """`uppsikt policy` runs without Django settings; its messages are still Swedish."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["UPPSIKT_DATA_DIR"] = str(tmp_path)
    broken = tmp_path / "policy.yaml"
    broken.write_text("name: [\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "uppsikt", "policy", "check", str(broken)], capture_output=True, text=True, env=env, cwd=REPO, timeout=120
    )
    assert result.returncode == 1
    assert "ogiltig YAML" in result.stderr and "rad 2" in result.stderr
    help_text = subprocess.run([sys.executable, "-m", "uppsikt", "--help"], capture_output=True, text=True, env=env, cwd=REPO, timeout=120).stdout
    assert "kommunens sociala medier enligt riktlinjen" in help_text and "KOMMANDO" in help_text
