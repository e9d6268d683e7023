"""The shipped model: adds categories for wordings the rules have not seen, never removes one."""

from uppsikt.policies.loader import load_preset
from uppsikt.triage.engine import Engine
from uppsikt.triage.base_model import _fold, load_base_model


def engine(with_model: bool) -> Engine:
    e = Engine(load_preset("lilla-edet"))
    if not with_model:
        e.base_model = None
    return e


def test_MOD_6_model_is_shipped_and_scores_in_microseconds():
    model = load_base_model()
    from uppsikt.policies.vocabulary import VIOLATION_CATEGORIES

    assert model is not None and len(model.names) > 1000 and model.categories == VIOLATION_CATEGORIES
    import time

    from uppsikt.triage.normalize import normalize

    nz = normalize("Jag vet inte hur länge till jag klarar det här, allt känns tungt och ingen bryr sig om mig längre.")
    start = time.perf_counter()
    for _ in range(2000):
        model.score(nz)
    assert (time.perf_counter() - start) / 2000 < 0.001


def test_MOD_6_model_reason_points_at_the_words_that_weighed_most():
    text = "ingen skulle ens märka om jag inte fanns längre. snart är det över"
    d = engine(True).classify(text)
    assert d.urgent
    model_reasons = [r for r in d.reasons if r.rule.startswith("base_model.")]
    for r in model_reasons:
        assert 0 <= r.span[0] < r.span[1] <= len(text) and 0.5 <= r.score <= 1.0


def test_MOD_6_model_never_removes_an_urgent_rule_finding():
    for text in ("Jag kommer att skjuta er alla på nästa fullmäktigemöte", "Jag orkar inte mer, i natt tar jag livet av mig"):
        assert engine(True).classify(text).categories == engine(False).classify(text).categories


def test_MOD_7_model_keeps_complaints_and_criticism_calm():
    for text in (
        "Jag orkar inte mer med era vägarbeten, laga vägen nu!",
        "Kommunstyrelsen är helt inkompetent och borde avgå.",
        "Jag dör av skratt när jag läser budgeten 😂",
    ):
        assert not engine(True).classify(text).urgent


def test_MOD_6_model_adds_what_the_rules_miss_across_categories():
    """Wordings the lexicons do not hold, one per kind, found by the shipped model alone."""
    rules, shipped = engine(False), engine(True)
    for text, category in (
        ("Sista gången jag skriver här. Ni kommer slippa mig nu, förlåt för allt.", "distress"),
        ("Jag har gett bort katten och skrivit brev till mamma. Nu är jag klar.", "distress"),
        ("Vi har koll på vilken dagis dina ungar går på, handläggare Lindqvist.", "threat"),
        ("Kolla in mina heta bilder, bara för vuxna, länk i profilen", "violence_porn"),
    ):
        assert category not in rules.classify(text).categories
        decision = shipped.classify(text)
        assert category in decision.categories
        assert decision.urgent == (category in ("distress", "threat"))
        reason = next(r for r in decision.reasons if r.category == category)
        assert reason.rule == f"base_model.{category}"
        start, end = reason.span
        assert text[start:end].strip(), reason


def test_MOD_6_word_cache_gives_the_same_scores_as_a_fresh_model():
    from uppsikt.triage.base_model import BaseModel
    from uppsikt.triage.normalize import normalize

    model = load_base_model()
    fresh = BaseModel(categories=model.categories, names=model.names, weights=model.weights, bias=model.bias, thresholds=model.thresholds)
    texts = ["Jag tänker ta med kniven till mötet", "Tack för en fin dag på biblioteket", "ingen kommer sakna mig"]
    for text in texts * 2:
        a, b = model.probabilities(normalize(text)), fresh.probabilities(normalize(text))
        assert a.keys() == b.keys() and all(abs(a[k] - b[k]) < 1e-5 for k in a)


def test_MOD_7_model_drops_a_non_urgent_rule_misreading():
    """Leaving X is not pornography."""
    for text, misread in (
        ("Äntligen lämnar kommunen X, bra beslut! 👏", "violence_porn"),
        ("Kommunen lämnar X nu, vi finns kvar på Facebook och Instagram", "violence_porn"),
    ):
        assert misread in engine(False).classify(text).categories
        decision = engine(True).classify(text)
        assert misread not in decision.categories and not decision.violations
        assert decision.categories == ("trivial",)


def test_MOD_1_model_never_drops_an_urgent_rule_finding():
    """A model that finds every category impossible drops non-urgent rule findings only."""
    import numpy as np

    from uppsikt.triage.base_model import BaseModel

    model = load_base_model()
    sceptic = BaseModel(
        categories=model.categories,
        names=model.names,
        weights=np.zeros_like(model.weights),
        bias=np.full(len(model.categories), -20.0, dtype=np.float32),
        thresholds=model.thresholds,
    )
    e = engine(True)
    e.base_model = sceptic
    threat = e.classify("Jag kommer att skjuta er alla på nästa fullmäktigemöte, era jävla pajasar")
    assert "threat" in threat.categories and threat.urgent and "profanity" not in threat.categories
    distress = e.classify("Jag orkar inte mer, i natt tar jag livet av mig")
    assert distress.categories == ("distress",) and distress.urgent


def test_DATA_4_a_personnummer_that_passes_its_checksum_is_never_dropped_by_the_model():
    shipped = engine(True)
    for text in (
        "Vad trevligt att biblioteket har öppet längre i sommar. 910707-4560",
        "Tack för en fin dag i parken igår, vi hade det jättebra! Mitt nummer är 19910707-4560",
        "Bussen var i tid idag för en gångs skull 😊 910707 4560",
    ):
        decision = shipped.classify(text)
        assert "personal_data" in decision.categories, text
        assert any(r.rule.startswith("personal_data.personnummer") for r in decision.reasons)


def test_MOD_6_a_dropped_rule_finding_is_shown_with_why():
    text = "Äntligen lämnar kommunen X, bra beslut! 👏"
    decision = engine(True).classify(text)
    contract = decision.to_json("x1")
    assert "overruled" not in contract and contract["categories"] == ["trivial"]
    extended = decision.to_json("x1", extended=True)
    [overruled] = [o for o in extended["overruled"] if o["category"] == "violence_porn"]
    assert overruled["rule"].startswith("violence_porn.")
    assert "Regeln räknades inte" in overruled["explanation"] and "under 2 %" in overruled["explanation"]
    start, end = overruled["span"]
    assert text[start:end].strip()
    assert engine(True).classify("Tack för en bra nationaldag!").to_json(extended=True)["overruled"] == []


def test_MOD_6_c_scoring_loop_is_built_and_agrees_with_the_python_one():
    """The C loop (``_linear.c``) and the Python code give the same decisions: same
    categories, same spans, same dropped findings, probabilities within rounding."""
    import json
    from pathlib import Path

    from uppsikt.triage.normalize import normalize

    model = load_base_model()
    assert model._scorer is not None, "uppsikt.triage._linear was not built (pip install -e . needs a C compiler)"
    python = model.without_c()
    assert python._scorer is None
    contract = Path(__file__).resolve().parents[4] / "bench" / "triage" / "data" / "contract_dev.jsonl"
    texts = [json.loads(line)["text"] for line in contract.read_text(encoding="utf-8").splitlines()]
    assert len(texts) == 50
    texts += [
        "", "   ", "***", "🍆💦", "å", "Ååå ÄÄÖ ü é", "a\x00b\u200bc", "x" * 30_000, "ord " * 5000,
        "Jag orkar inte mer, i natt tar jag livet av mig", "vi vet var du bor Jonas. röda huset på Björkvägen",
        "Helena från hemtjänsten är det bästa som hänt min mamma", "Köp billiga klockor på www.example.com, 50% rabatt!!",
        "j ä v l a   i d i o t e r", "Jag har gett bort katten och skrivit brev till mamma. Nu är jag klar.",
    ]
    judge = frozenset(model.categories)
    for text in texts:
        nz = normalize(text)
        (c_found, c_unlikely), (p_found, p_unlikely) = model.score(nz, judge), python.score(nz, judge)
        assert c_unlikely == p_unlikely, text
        assert [(c, span) for c, _, span in c_found] == [(c, span) for c, _, span in p_found], text
        assert all(abs(a[1] - b[1]) < 1e-5 for a, b in zip(c_found, p_found))
        a, b = model.probabilities(nz), python.probabilities(nz)
        assert all(abs(a[k] - b[k]) < 1e-5 for k in a), text
    assert any(model.score(normalize(t))[0] for t in texts), "the check must cover posts the model flags"
    # The word an urgent flag marks (passing over pronouns and prepositions): the same in C.
    passed_over = 0
    for text in texts:
        norm = normalize(text).norm
        if not _fold(norm).split():
            continue
        for k in range(len(model.categories)):
            c_weight, c_word = model._telling(norm, k)
            p_weight, p_word = python._telling(norm, k)
            assert c_word == p_word and abs(c_weight - p_weight) < 1e-4, (text, k)
            passed_over += c_word != model._window_strongest(norm, k)[1]
    assert passed_over, "the check must cover posts where a small word weighs most"


def test_MOD_7_repeating_a_word_or_writing_at_length_does_not_flag_a_post():
    """Each word counts once and long posts are read in windows: repetition and length
    alone never push a harmless post over a threshold, and a signal in a long post is
    still found."""
    shipped = engine(True)
    for text in ("tack " * 100, "köp " * 3000, "ord " * 5000, "Bra jobbat med parken! " * 200):
        decision = shipped.classify(text)
        assert decision.categories == ("trivial",), (text[:20], decision.categories)
    farewell = "Sista gången jag skriver här. Ni kommer slippa mig nu, förlåt för allt. "
    long_post = farewell + "Vädret är fint idag och bussen gick i tid. " * 100
    assert "distress" not in engine(False).classify(long_post).categories
    decision = shipped.classify(long_post)
    assert decision.urgent and any(r.rule == "base_model.distress" for r in decision.reasons)


def test_MOD_7_a_laugh_reads_as_calm_and_holds_back_a_model_only_urgent_flag(monkeypatch):
    """A post that laughs ("😂", "haha") and breaks no rule is read as calm: the model needs
    ``URGENT_BAR_ON_CASE`` before it makes it urgent, not its usual threshold. The shipped
    model is shifted so that this post scores 0.7 for distress, between a threshold of 0.6
    and the bar, whatever the model learnt."""
    import math

    import numpy as np

    from uppsikt.triage import engine as engine_module
    from uppsikt.triage.base_model import URGENT_BAR_ON_CASE, BaseModel
    from uppsikt.triage.detectors import context_for
    from uppsikt.triage.engine import _calm

    e = engine(True)
    joke = "vill inte vakna imorgon, första dagen efter lovet 😭😂"
    ctx = context_for(joke, e.lexicon)
    assert _calm(ctx, set(), False)
    assert not _calm(context_for("vill inte vakna imorgon, första dagen efter lovet", e.lexicon), set(), False)
    shipped = e.base_model
    k = shipped.categories.index("distress")
    p = shipped.probabilities(ctx.nz)["distress"]
    bias = shipped.bias.copy()
    bias[k] += math.log(0.7 / 0.3) - math.log(p / (1 - p))
    thresholds = shipped.thresholds.copy()
    thresholds[k] = 0.6
    e.base_model = BaseModel(categories=shipped.categories, names=shipped.names, weights=shipped.weights, bias=bias.astype(np.float32), thresholds=thresholds)
    assert abs(e.base_model.probabilities(ctx.nz)["distress"] - 0.7) < 1e-3 < URGENT_BAR_ON_CASE - 0.7
    # The model alone would flag it; the laugh holds it back ...
    assert not e.classify(joke).urgent
    # ... because of the bar: below 0.7 it would not.
    monkeypatch.setattr(engine_module, "URGENT_BAR_ON_CASE", 0.65)
    assert e.classify(joke).urgent


def test_MOD_1_a_text_is_one_window_exactly_when_it_has_at_most_WINDOW_words():
    """``_windows`` skips counting for texts too short to hold more than ``WINDOW`` words."""
    import random

    from uppsikt.triage.base_model import WINDOW, _windows

    rnd = random.Random(3)
    for _ in range(3000):
        body = "".join(rnd.choice("a  ") for _ in range(rnd.randint(2 * WINDOW - 40, 2 * WINDOW + 60)))
        norm = " " + body + " "
        assert (len(_windows(norm)) == 1) == (len(norm.split()) <= WINDOW)
    assert len(_windows(" " + "a " * WINDOW)) == 1
    assert len(_windows(" " + "a " * (WINDOW + 1))) == 2


def _made_sure(shipped, nz, category: str):
    """The shipped model shifted (its bias for ``category``) until it is 99 % sure of
    ``category`` for ``nz``, whatever it learnt."""
    import math

    import numpy as np

    from uppsikt.triage.base_model import BaseModel

    k = shipped.categories.index(category)
    p = shipped.probabilities(nz)[category]
    bias = shipped.bias.copy()
    bias[k] += math.log(0.99 / 0.01) - math.log(p / (1 - p))
    return BaseModel(categories=shipped.categories, names=shipped.names, weights=shipped.weights, bias=bias.astype(np.float32), thresholds=shipped.thresholds)


def test_MOD_7_model_does_not_add_back_a_category_a_rule_ruled_out():
    """"Ett stort fan av biblioteket" is no swearing: the profanity rule sees "fan" and rules
    it out on its context, and the shipped model may not add profanity back, however sure
    it is. The model is shifted so that it is sure (0.99) whatever it learnt."""
    from uppsikt.triage.detectors import detect

    e = engine(True)
    fan, swear = "Jag är ett stort fan av biblioteket", "Jag är så trött på fan, biblioteket"
    assert detect(fan, e.lexicon)[1].ruled_out == ("profanity",)
    assert detect(swear, e.lexicon)[1].ruled_out == ()
    shipped = e.base_model
    k = shipped.categories.index("profanity")
    nz = detect(fan, e.lexicon)[1].nz
    e.base_model = _made_sure(shipped, nz, "profanity")
    assert e.base_model.probabilities(nz)["profanity"] > 0.98 > shipped.thresholds[k]
    # The model alone would add it ...
    assert "profanity" in [category for category, _, _ in e.base_model.score(nz)[0]]
    # ... the rule's "not" holds it back.
    decision = e.classify(fan)
    assert "profanity" not in decision.categories and decision.categories == ("trivial",)


def _with_second(shipped, word: str, gate: float):
    """The shipped linear model with a second opinion that is sure of a threat exactly
    where ``word`` occurs (a hidden unit fed by that word's row alone)."""
    import numpy as np

    from uppsikt.triage.base_model import BaseModel, SecondOpinion

    hidden = np.zeros((len(shipped.names), 4), dtype=np.float32)
    hidden[shipped.names.index(word), 0] = 10.0
    out = np.zeros((4, 2), dtype=np.float32)
    out[0, 1] = 1.0  # unit 0 speaks for threat only
    second = SecondOpinion(
        categories=("distress", "threat"),
        hidden=hidden,
        hidden_bias=np.zeros(4, dtype=np.float32),
        out=out,
        out_bias=np.array([-5.0, -5.0], dtype=np.float32),
        thresholds=np.array([0.9, 0.9], dtype=np.float32),
        gate=gate,
    )
    return BaseModel(categories=shipped.categories, names=shipped.names, weights=shipped.weights, bias=shipped.bias, thresholds=shipped.thresholds, second=second)


def test_MOD_2_second_opinion_adds_urgency_the_linear_model_misses(tmp_path):
    """The second opinion (a hidden layer over the same features) may add distress or
    threat where the linear model finds it possible but passes neither; it is asked
    nothing past its gate, and it never drops a finding. Its reason marks the linear
    model's strongest word, so the editor still sees why."""
    from uppsikt.triage.base_model import load_base_model, save_base_model
    from uppsikt.triage.detectors import detect

    e = engine(True)
    shipped = e.base_model
    trigger, plain = "Öppnar biblioteket på lördag?", "Öppnar simhallen på lördag?"
    assert not e.classify(trigger).urgent and not e.classify(plain).urgent
    e.base_model = _with_second(shipped, "biblioteket", gate=1e-9)
    nz = detect(trigger, e.lexicon)[1].nz
    assert e.base_model.second_opinion(nz)["threat"] > 0.99
    decision = e.classify(trigger)
    assert decision.urgent and decision.categories == ("threat",)
    reason = [r for r in decision.reasons if r.category == "threat"][0]
    assert reason.rule == "base_model.threat" and reason.score > 0.99
    assert not e.classify(plain).urgent
    # The C loop and the Python code agree.
    twin = e.base_model.without_c()
    assert twin.score(nz) == e.base_model.score(nz)
    assert abs(twin.second_opinion(nz)["threat"] - e.base_model.second_opinion(nz)["threat"]) < 1e-6
    # Past the gate (the linear model finds no threat possible) it is not asked.
    e.base_model = _with_second(shipped, "biblioteket", gate=1 - 1e-9)
    assert not e.classify(trigger).urgent
    # It only adds: what the rules find urgent stays urgent.
    assert e.classify("Jag ska döda dig på biblioteket imorgon").urgent
    # It is written with the model and read back.
    path = tmp_path / "model.npz"
    model = _with_second(shipped, "biblioteket", gate=1e-9)
    save_base_model(path, model.categories, model.names, model.weights, model.bias, model.thresholds, model.second)
    again = load_base_model(path)
    assert again.second.categories == ("distress", "threat") and abs(again.second.gate - 1e-9) < 1e-12
    assert again.second_opinion(nz)["threat"] > 0.99


def test_MOD_7_model_does_not_call_a_welcome_to_a_group_hate():
    """"Invandrare och flyktingar är välkomna här" names groups that hate posts name too;
    the hate rule rules hate out for a welcome with no negation, and the model may not add
    it back however sure it is (shifted to 0.99 here). "Inte välkomna" is still hate."""
    from uppsikt.triage.detectors import detect

    e = engine(True)
    welcome, refusal = "Invandrare och flyktingar är välkomna här", "Invandrare och flyktingar är inte välkomna här"
    assert detect(welcome, e.lexicon)[1].ruled_out == ("hate",)
    shipped = e.base_model
    nz = detect(welcome, e.lexicon)[1].nz
    e.base_model = _made_sure(shipped, nz, "hate")
    assert "hate" in [category for category, _, _ in e.base_model.score(nz)[0]]
    assert e.classify(welcome).categories == ("trivial",)
    assert "hate" in e.classify(refusal).categories


def test_MOD_6_a_second_opinion_that_does_not_fit_the_model_is_refused(tmp_path):
    """A model file whose second opinion does not fit its features is refused with a clear
    error, never scored with misaligned rows."""
    import dataclasses

    import pytest

    from uppsikt.triage.base_model import load_base_model, save_base_model

    model = _with_second(load_base_model(), "biblioteket", gate=0.1)
    bad = dataclasses.replace(model.second, hidden=model.second.hidden[:-1])
    path = tmp_path / "bad.npz"
    save_base_model(path, model.categories, model.names, model.weights, model.bias, model.thresholds, bad)
    with pytest.raises(ValueError, match="second opinion does not fit"):
        load_base_model(path)
    # The shipped model carries a second opinion that fits.
    shipped = load_base_model()
    assert shipped.second is not None and shipped.second.hidden.shape[0] == len(shipped.names)


def _with_judge(shipped, word: str):
    """The shipped model with ``_with_second``'s second opinion (sure of a threat where
    ``word`` occurs) and a one-tree judge: urgent where that second opinion leans to a
    threat and the rules read no question."""
    import dataclasses

    import numpy as np

    from uppsikt.triage.base_model import JUDGE_FLAGS, UrgencyJudge

    model = _with_second(shipped, word, gate=1e-9)
    n = len(model.categories)
    question = n + 2 + JUDGE_FLAGS.index("question")
    # node 0: second opinion's threat log-odds <= 0 -> leaf 1 (no); else node 2:
    # question flag <= 0.5 -> leaf 3 (yes); else leaf 4 (no)
    judge = UrgencyJudge(
        flags=JUDGE_FLAGS,
        feature=np.array([n + 1, -1, question, -1, -1], dtype=np.int32),
        threshold=np.array([0.0, 0.0, 0.5, 0.0, 0.0]),
        left=np.array([1, 0, 3, 0, 0], dtype=np.int32),
        right=np.array([2, 0, 4, 0, 0], dtype=np.int32),
        value=np.array([0.0, -10.0, 0.0, 10.0, -10.0]),
        roots=np.array([0], dtype=np.int32),
        baseline=0.0,
        cut=0.0,
        features=n + 2 + len(JUDGE_FLAGS),
    )
    # Linear thresholds so low that every post would pass them: with a judge they no
    # longer make a post urgent.
    thresholds = model.thresholds.copy()
    thresholds[list(model.categories).index("threat")] = 1e-6
    return dataclasses.replace(model, thresholds=thresholds, judge=judge)


def test_MOD_2_urgency_judge_weighs_the_models_and_the_rules_reading(tmp_path):
    """With an urgency judge, distress and threat come from it alone: it reads both models'
    log-odds and what the rules read (here: a question is no threat), it never drops the
    rules' urgency, C and Python agree, and it is written with the model and read back."""
    from types import SimpleNamespace

    import numpy as np
    import pytest

    from uppsikt.triage.base_model import load_base_model, save_base_model
    from uppsikt.triage.detectors import detect

    e = engine(True)
    shipped = e.base_model
    e.base_model = _with_judge(shipped, "biblioteket")
    statement, question, plain = "Biblioteket stänger på lördag.", "Öppnar biblioteket på lördag?", "Simhallen stänger på lördag."
    decision = e.classify(statement)
    assert decision.urgent and decision.categories == ("threat",)
    reason = [r for r in decision.reasons if r.category == "threat"][0]
    assert reason.rule == "base_model.threat" and reason.score > 0.99
    assert not e.classify(question).urgent  # the rules read a question
    assert not e.classify(plain).urgent  # the linear threshold alone no longer decides
    assert e.classify("Jag ska döda dig på biblioteket imorgon").urgent
    # The linear model weighs "er" most for a threat here; the editor is shown a word that
    # says more.
    invitation = "Vi ses på biblioteket ikväll, ta med er frågor"
    assert e.base_model._window_strongest(detect(invitation, e.lexicon)[1].nz.norm, 1)[1] == "er"
    marked = [invitation[r.span[0] : r.span[1]] for r in e.classify(invitation).reasons if r.category == "threat"]
    assert marked and marked[0].lower() not in ("er", "på", "vi", "med")
    nz = detect(statement, e.lexicon)[1].nz
    twin = e.base_model.without_c()
    flags = lambda: {"trivial"}  # noqa: E731
    assert twin.score(nz, urgency_flags=flags) == e.base_model.score(nz, urgency_flags=flags)
    assert twin.judge.log_odds(e.base_model.judge_features(nz, {"trivial"})) == e.base_model.judge.log_odds(e.base_model.judge_features(nz, {"trivial"}))
    # Written with the model and read back; a judge whose trees point backwards is refused.
    model = e.base_model
    path = tmp_path / "model.npz"
    save_base_model(path, model.categories, model.names, model.weights, model.bias, model.thresholds, model.second, model.judge)
    again = load_base_model(path)
    assert again.judge is not None and again.judge.log_odds(again.judge_features(nz, {"trivial"})) == 10.0
    j = model.judge
    bad = SimpleNamespace(flags=j.flags, feature=j.feature, threshold=j.threshold, left=np.array([1, 0, 0, 0, 0], dtype=np.int32), right=j.right, value=j.value, roots=j.roots, baseline=j.baseline, cut=j.cut)
    save_base_model(path, model.categories, model.names, model.weights, model.bias, model.thresholds, model.second, bad)
    load_base_model.cache_clear()
    with pytest.raises(ValueError, match="urgency judge does not fit"):
        load_base_model(path)


def test_MOD_2_the_judge_reads_what_the_rules_alone_decide():
    """The judge learnt from the rules' own decisions (the trainer runs the rules alone);
    the engine must give it the same reading: the rules' categories, plus "calm" for a
    question, a complaint or a figure of speech."""
    from pathlib import Path

    from uppsikt.triage.detectors import detect
    from uppsikt.triage.engine import judge_flags
    from uppsikt.triage.metrics import read_labelled

    rules = engine(False)
    rows = read_labelled(Path(__file__).resolve().parents[4] / "bench" / "triage" / "data" / "dev_a.jsonl")
    calm = 0
    for row in rows:
        reasons, ctx = detect(row["text"], rules.lexicon)
        flags = judge_flags(reasons, ctx)
        assert flags - {"calm", "praise"} == set(rules.classify(row["text"]).categories), row["text"]
        calm += "calm" in flags
    assert judge_flags(*detect("Öppnar biblioteket på lördag?", rules.lexicon)) == {"question", "calm"}
    assert calm > 10
