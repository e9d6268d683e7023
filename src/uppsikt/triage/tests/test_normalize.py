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


_LATIN1 = st.characters(max_codepoint=255)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab jä ö*-_.!0 ") + ["a", " ", "\xa0", "\xad", "²", "ÿ", "µ"]), max_size=40) | st.text(alphabet=_LATIN1, max_size=80))
def test_MOD_1_c_squeeze_equals_the_regular_expressions_on_latin1_text(t):
    # One-byte texts take the shortcut of _squeeze.c that does step 1 alone when steps 2
    # and 3 can delete nothing.
    _both(t)


def _normalize_without_c(text):
    import pytest

    with pytest.MonkeyPatch.context() as m:
        m.setattr(normalize_module, "_latin1_lower", None)
        m.setattr(normalize_module, "_squeeze", None)
        m.setattr(normalize_module, "_has_leet", None)
        return normalize_module.normalize(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_LATIN1, max_size=80) | st.text(alphabet=st.sampled_from(list("Hej ÅÄÖ åäö É ß\xa0\xad²µ½ 😂\u200b!")), max_size=40))
def test_MOD_1_latin1_lower_case_in_c_gives_the_same_views(text):
    fast = normalize_module.normalize(text)
    slow = _normalize_without_c(text)
    assert (fast.low, fast.low_offsets, fast.norm, fast.norm_offsets) == (slow.low, slow.low_offsets, slow.norm, slow.norm_offsets)
    if not text.isascii() and normalize_module._latin1_lower(text, normalize_module._LATIN1_TABLE) is not None:
        assert fast.low == text.lower() and fast.low.isascii() == text.lower().isascii()


def test_MOD_1_latin1_lower_refuses_what_nfkc_would_change():
    lower = normalize_module._latin1_lower
    table = normalize_module._LATIN1_TABLE
    assert lower("Hej PÅ dig", table) == "hej på dig"
    assert lower("ABC", table).isascii()
    for needs_nfkc in ("a\xa0b", "x²", "1½", "µg", "mjuk\xadvara", "😂", "Ω"):
        assert lower(needs_nfkc, table) is None, needs_nfkc


def test_MOD_1_long_latin1_texts_take_the_c_paths_with_the_same_views():
    # Past the C code's stack buffers (1,024 and 4,096 characters) it allocates: the same
    # views as the Python path, NUL and the characters that need NFKC included.
    for text in ("Hej PÅ dig! " * 1000, "å" * 5000 + " j ä v l a", "\x00Ä" * 3000, "ok " * 2000 + "\xa0"):
        fast = normalize_module.normalize(text)
        slow = _normalize_without_c(text)
        assert (fast.low, fast.low_offsets, fast.norm, fast.norm_offsets) == (slow.low, slow.low_offsets, slow.norm, slow.norm_offsets)


_LEXICON_WORDS = st.sampled_from("jag vill inte leva mer du ska dö jävla idiot haha tack bomb rektorn köp rabatt fan av j*vla inte ni er".split())


@settings(max_examples=300, deadline=None)
@given(st.lists(_LEXICON_WORDS | st.text(alphabet=_LATIN1, max_size=8), max_size=30))
def test_MOD_1_the_scans_hits_gathered_in_c_equal_the_python_loop(words):
    """One automaton holds every tag; ``_squeeze.collect_hits`` gathers its matches into
    hits by tag, as the Python loop of ``Lexicon.scan`` does."""
    import pytest

    from uppsikt.triage import lexicon as lexicon_module

    assert lexicon_module._collect_hits is not None, "uppsikt.triage._squeeze was not built"
    lex = lexicon_module.default_lexicon()
    norm = normalize(" ".join(words)).norm
    fast = lex.scan(norm)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(lexicon_module, "_collect_hits", None)
        slow = lex.scan(norm)
    assert fast == slow and list(fast) == list(slow)


def test_MOD_1_hits_of_a_qualifying_tag_come_with_the_first_scan():
    hits = __import__("uppsikt.triage.lexicon", fromlist=["default_lexicon"]).default_lexicon().scan(normalize("Jag vill inte leva mer haha").norm)
    assert {"distress.explicit", "negation", "laugh", "pron.first"} <= set(hits), sorted(hits)


def test_MOD_1_collect_hits_refuses_what_is_not_a_scan():
    import pytest

    from uppsikt.triage._squeeze import collect_hits

    payloads = ((0, 0, "tag", 1.0, "ord"), (1, 1, "a", 0.5, "x", "b", 1.0, "y"))
    assert collect_hits([(0, 2, 5), (1, 0, 9)], payloads) == {"tag": [(2, 5, 1.0, "ord")], "a": [(1, 8, 0.5, "x")], "b": [(1, 8, 1.0, "y")]}
    for matches in ([(2, 0, 1)], [(0, 1)], ["x"], [(0, "a", 1)]):
        with pytest.raises((ValueError, TypeError)):
            collect_hits(matches, payloads)
    for bad in (((0, 0, "tag", 1.0),), ((0, 0, ("tag", 1.0, "ord")),), ("x",)):
        with pytest.raises(ValueError):
            collect_hits([(0, 1, 2)], bad)
    with pytest.raises(TypeError):
        collect_hits((0, 1, 2), payloads)
