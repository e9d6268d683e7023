"""Any text at all gives a decision, the same one every time, with spans inside the text."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uppsikt.policies.vocabulary import CATEGORIES


def check(engine, text):
    first = engine.classify(text)
    second = engine.classify(text)
    assert first == second
    assert first.categories and set(first.categories) <= set(CATEGORIES)
    assert first.urgent == bool({"distress", "threat"} & set(first.categories))
    for reason in first.reasons:
        assert 0 <= reason.span[0] <= reason.span[1] <= len(text)
        assert 0.0 <= reason.score <= 1.0
    return first


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_any_unicode_never_crashes_and_is_deterministic(engine, text):
    check(engine, text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("jävlafn *-.0134@$åöÄÖ\u200b\ufe0f\x00\x07\n\t😂🔫 ")), max_size=300))
def test_masked_and_control_characters_never_crash(engine, text):
    check(engine, text)


def test_empty_control_and_huge_texts(engine):
    assert check(engine, "").categories == ("trivial",)
    check(engine, "\x00\x01\x02\x1b[31m\u202e\u200b")
    check(engine, "ＦＡＮ ﬁ İstanbul ß ǅ")
    huge = ("Jag kommer att skjuta er alla. " + "Tack för en bra dag i parken! " * 3500)[:100_000]
    decision = check(engine, huge)
    assert "threat" in decision.categories
