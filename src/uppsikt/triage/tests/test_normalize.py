"""Normalisation of social-media Swedish, with spans that point into the original."""

import re

from uppsikt.triage.lexicon import term_keys
from uppsikt.triage.normalize import normalize


def words(text):
    nz = normalize(text)
    return [(m.group(0), text[slice(*nz.norm_span(m.start(), m.end()))]) for m in re.finditer(r"\S+", nz.norm)]


def test_case_masking_spacing_and_repeats_are_undone():
    assert [w for w, _ in words("J Ä V L A din h-o-r-a jääääävla F*N")] == ["jävla", "din", "hora", "jävla", "f*n"]


def test_leetspeak_inside_words_only():
    assert [w for w, _ in words("h0ra $kit sk1t")] == ["hora", "skit", "skit"]
    # Codes, classes and prices are left alone.
    assert [w for w, _ in words("KOMMUN20 går i 4A 100")] == ["kommun20", "går", "i", "4a", "100"]


def test_spans_point_into_the_original_text():
    text = "Vad F*N, era J Ä V L A pajasar!!! jä\u200bvla ＦＡＮ"
    for word, original in words(text):
        assert normalize(original).norm.strip() == word


def test_diacritics_are_kept_in_the_text_but_folded_in_the_lexicon():
    assert normalize("höra").norm == " höra "
    keys = term_keys("jävla")
    assert " javla " in keys and " jaevla " in keys
    # "våld" must not become "vald" (elected)
    assert " vald " not in term_keys("våld")


def test_masked_variants_only_when_asked():
    assert " f*n " in term_keys("fan", masked=True)
    assert " f*n " not in term_keys("fan")
