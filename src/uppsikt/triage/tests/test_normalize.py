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


# -- the C pass (_squeeze.c) gives what the regular expressions give ----------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from uppsikt.triage import normalize as normalize_module  # noqa: E402

_SQUEEZE_ALPHABET = list("jävlafn *-_.!?0134@$åöÄÖßǅ²½١\u200b\ufe0f\x00\n\t😂 ") + ["a", "a", " ", " "]


def _both(t):
    assert normalize_module._squeeze is not None, "uppsikt.triage._squeeze was not built (pip install -e . needs a C compiler)"
    c_text, kept = normalize_module._squeeze(t)
    py_text, py_offsets = normalize_module.squeeze_python(t, None)
    assert c_text == py_text
    assert kept == py_offsets


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.sampled_from(_SQUEEZE_ALPHABET), max_size=60))
def test_MOD_1_c_squeeze_equals_the_regular_expressions_on_masked_text(t):
    _both(t)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_MOD_1_c_squeeze_equals_the_regular_expressions_on_any_unicode(t):
    _both(t)


def test_MOD_1_c_squeeze_examples():
    for t in ["j ä v l a", "a b cd e f g", "x a b c", "h-o-r-a", "jääääävla", "aaa bbb", "111 ___ ***", "a b  c d e", "å ä ö", ""]:
        _both(t)
    assert normalize_module._squeeze("j ä v l a jääääävla") == ("jävla jävla", [0, 2, 4, 6, 8, 9, 10, 11, 16, 17, 18, 19])


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab z0 19@$|!åäöéüæøÅ_-.Ω") + ["\u00e0", "x"]), max_size=30) | st.text(max_size=40))
def test_MOD_1_c_leet_gate_equals_the_regular_expression(t):
    assert normalize_module._has_leet is not None, "uppsikt.triage._squeeze was not built"
    assert normalize_module._has_leet(t) == bool(normalize_module._LEET_ANY.search(t))
