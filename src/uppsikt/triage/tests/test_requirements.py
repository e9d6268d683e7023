"""Acceptance tests named after the requirement they prove."""

import json

from uppsikt.policies import loader
from uppsikt.policies.schema import validate_policy
from uppsikt.policies.vocabulary import ACTIONS
from uppsikt.triage.engine import Engine, get_engine
from uppsikt.triage.explanations import RULES_SV, explain, rule_sentence


def test_MOD_6_suicide_signal_is_urgent(engine):
    decision = engine.classify("Jag orkar inte mer, i natt tar jag livet av mig")
    assert decision.categories == ("distress",)
    assert decision.urgent
    assert decision.action == "hide_preserve_police_register"
    assert "112" in decision.help and "90101" in decision.help
    assert decision.alert_duty and decision.police


def test_MOD_6_threat_goes_to_the_police(engine):
    decision = engine.classify("Jag kommer att skjuta er alla på nästa fullmäktigemöte")
    assert decision.urgent and "threat" in decision.categories
    assert decision.police and decision.alert_duty
    assert decision.help is None


def test_MOD_7_criticism_of_politicians_stays_trivial(engine):
    for text in (
        "Kommunstyrelsen är inkompetent och borde avgå",
        "Det här är den sämsta kommunledningen i mannaminne. Avgå!",
        "Ni förstör landsbygden med era nedläggningar. Skäms!",
        "Socialdemokraterna har förstört den här kommunen på tio år",
        "Politikerna i den här kommunen är clowner, alla vet det",
    ):
        decision = engine.classify(text)
        assert decision.categories == ("trivial",), (text, decision.categories)
        assert decision.action == "no_action"
    assert engine.classify("Kommunstyrelsen är inkompetent och borde avgå").reasons[0].rule == "trivial.criticism"


def test_MOD_2_action_from_policy_table():
    text = "Vad fan sysslar ni med, era jävla pajasar. Rösta på Moderaterna!"
    nykoping = get_engine("nykoping").classify(text)
    lilla_edet = get_engine("lilla-edet").classify(text)
    assert nykoping.categories == lilla_edet.categories
    assert {"profanity", "party_political"} <= set(nykoping.categories)
    # Nyköping prohibits profanity and party politics; Lilla Edet does not.
    assert nykoping.action == "hide_preserve_register"
    assert lilla_edet.action == "no_action"
    for engine_name in loader.preset_names():
        policy = loader.load_preset(engine_name)
        decision = get_engine(engine_name).classify(text)
        assert decision.action == policy.action_for(decision.categories)


def test_MOD_2_policy_is_data_an_edited_policy_changes_the_action():
    data = loader.preset_data("lilla-edet")
    data["moderation"]["categories"]["profanity"].update(prohibited=True, action="hide_preserve_notify_register")
    edited = Engine(validate_policy(data))
    assert edited.classify("jävla skit").action == "hide_preserve_notify_register"
    assert Engine(loader.load_preset("lilla-edet")).classify("jävla skit").action == "no_action"


def test_MOD_5_confidential_case_details_hidden_and_referred(engine):
    decision = engine.classify("Jag har ett pågående ärende om ekonomiskt bistånd och min handläggare svarar inte, jag är utförsäkrad och har ångest")
    assert decision.categories == ("confidential",)
    steps = ACTIONS[decision.action]
    assert "hide" in steps and "refer" in steps and "register" in steps
    assert decision.needs_expert


def test_MOD_1_several_categories_take_the_most_severe_action(engine):
    decision = engine.classify("Någon borde spränga hela stadshuset med politikerna inuti")
    assert set(decision.categories) == {"threat", "crime"}
    assert decision.action == "hide_preserve_police_register"


def test_INB_4_case_matters_and_complex_questions_go_to_the_kommunikator(engine):
    fault = engine.classify("Vattenläcka på Kyrkogatan 8, det forsar vatten ut på gatan!")
    assert fault.categories == ("case_matter",) and fault.needs_expert and fault.action == "answer_register"
    records = engine.classify("Jag begär ut alla mejl mellan kommunchefen och byggbolaget under 2023")
    assert records.categories == ("case_matter",)
    complex_question = engine.classify("Enligt vilken lag har ni rätt att ta ut den här avgiften, och varför beslutade nämnden det?")
    assert complex_question.categories == ("question",) and complex_question.needs_expert
    simple = engine.classify("Har biblioteket öppet på Kristi himmelsfärdsdag?")
    assert simple.categories == ("question",) and not simple.needs_expert and simple.action == "answer"


def test_MOD_8_every_reason_is_explained_in_swedish(engine):
    decision = engine.classify("Jag kommer att skjuta er alla på nästa fullmäktigemöte")
    lines = decision.explanations()
    assert lines[0].startswith("Hot: ”") and "(regel threat." in lines[0]
    out = decision.to_json("x1", extended=True)
    assert out["explanations"] == lines and out["action_label"]


def test_every_rule_the_detectors_can_emit_has_an_explanation(engine):
    import re
    from pathlib import Path

    source = (Path(__file__).parent.parent / "detectors.py").read_text(encoding="utf-8")
    literal = set(re.findall(r'Reason\("[a-z_]+", "([a-z_]+\.[a-z_]+)"', source))
    literal |= set(re.findall(r'rule = "([a-z_]+\.[a-z_]+)"', source))
    # (tag, rule) pairs in the detectors' loops: the rule equals the tag or is named for a category.
    for tag, rule in re.findall(r'\("([a-z_.]+)", "([a-z_]+\.[a-z_]+)"\)(?=[,)])', source):
        if tag == rule or tag.split(".")[0] != rule.split(".")[0]:
            literal.add(rule)
    seen = set()
    data = Path(__file__).resolve().parents[4] / "bench" / "triage" / "data"
    for path in sorted(data.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                seen.update(r.rule for r in engine.classify(json.loads(line)["text"]).reasons)
    shipped_model = {rule for rule in seen if rule.startswith("base_model.")}
    for rule in shipped_model:  # explained by one sentence per category, not a table row
        assert "medföljande modellen" in rule_sentence(rule)
    seen -= shipped_model
    assert len(literal) > 20 and len(seen) > 20
    assert (literal | seen) <= set(RULES_SV), (literal | seen) - set(RULES_SV)
    assert "(regel model.hate)" in explain("hate", "model.hate", (0, 3), "abc")


def test_contract_output_fields_are_exact(engine):
    out = engine.classify("Tack för en bra nationaldag!").to_json("d039")
    assert list(out) == ["id", "categories", "urgent", "action", "reasons"]
    assert out["categories"] == ["trivial"]
    assert set(out["reasons"][0]) == {"category", "rule", "span", "score"}
    json.dumps(out)
