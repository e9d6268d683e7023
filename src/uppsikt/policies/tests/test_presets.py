"""The presets say what their guideline says: one test per requirement where they differ."""

import pytest
from pydantic import BaseModel

from uppsikt.policies.loader import DEFAULT_PRESET, PRESET_DIR, load_preset, preset_names
from uppsikt.policies.schema import Sourced
from uppsikt.policies.vocabulary import ACTIONS, CATEGORIES, PLATFORMS, URGENT_CATEGORIES, VIOLATION_CATEGORIES

from .conftest import GUIDELINE_PRESETS


def sourced_rules(obj, path=""):
    """Every rule (Sourced) in a policy, with where it sits."""
    if isinstance(obj, Sourced):
        yield path, obj
    if isinstance(obj, BaseModel):
        for field in type(obj).model_fields:
            yield from sourced_rules(getattr(obj, field), f"{path}.{field}" if path else field)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from sourced_rules(value, f"{path}.{key}")
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from sourced_rules(value, f"{path}.{i}")


def test_one_preset_per_guideline_plus_the_national_baseline():
    assert set(preset_names()) == {*GUIDELINE_PRESETS, "nationell"}
    assert DEFAULT_PRESET == "nationell"
    for name in preset_names():
        assert load_preset(name).name == name, f"{name}.yaml has another name inside"


def test_every_rule_has_a_source_in_every_preset(presets):
    for name, policy in presets.items():
        rules = list(sourced_rules(policy))
        assert len(rules) > 40, name
        empty = [path for path, rule in rules if not rule.source.strip()]
        assert not empty, f"{name}: rules without a source: {empty}"


def test_sources_cite_sections_where_the_guideline_has_them(presets):
    # Lilla Edet and Nyköping number their sections; every quote from them says which.
    for name in ("lilla-edet", "nykoping"):
        for path, rule in sourced_rules(presets[name]):
            if "förbjuder inte" in rule.source:
                continue  # a statement that the guideline is silent has no section
            assert "§" in rule.source, f"{name} {path}: {rule.source}"


def test_national_baseline_cites_the_law(presets):
    policy = presets["nationell"]
    for category in ("threat", "hate", "violence_porn", "crime", "copyright"):
        assert "1998:112" in policy.moderation.categories[category].source, category
    assert "offentlighets- och sekretesslagen" in policy.moderation.categories["confidential"].source.lower()
    assert "dataskyddsförordningen" in policy.moderation.categories["personal_data"].source.lower()
    assert "förvaltningslagen" in policy.response.source.lower()
    assert "tryckfrihetsförordningen" in policy.retention["own_posts"].source.lower()


def test_GOV_3_approval_chain_per_preset(presets):
    chains = {name: [step.role for step in policy.approval.chain] for name, policy in presets.items()}
    assert chains["lilla-edet"] == ["verksamhetschef"]
    assert chains["mora"] == ["social_media_lead"]
    assert chains["hultsfred"] == ["informationssekreterare"]
    assert chains["kiruna"] == ["forvaltningschef"]
    assert chains["nykoping"] == ["verksamhetschef", "kommunikator"]  # jointly: two steps
    assert "gemensamt" in presets["nykoping"].approval.chain[1].source
    assert "förvaltningschef eller VD" in presets["kiruna"].approval.chain[0].source
    assert "kvalitetssäkras av kommunikationsenheten" in presets["mora"].approval.chain[0].source


def test_GOV_2_checklists_from_guidelines(presets):
    keys = {name: [item.key for item in policy.checklist] for name, policy in presets.items()}
    assert len(keys["lilla-edet"]) == 17  # LE §9: seventeen points
    assert {"startup_meeting", "purpose", "target_group", "planning"} <= set(keys["nykoping"])
    assert all(item.source.startswith(("§4", "§3", "§11", "§14")) for item in presets["nykoping"].checklist)
    assert keys["hultsfred"][0] == "goal"
    assert "vad vill vi uppnå?" in presets["hultsfred"].checklist[0].source
    assert "communication_plan" in keys["mora"]
    mora_plan = next(i for i in presets["mora"].checklist if i.key == "communication_plan")
    assert "för varje enskilt konto" in mora_plan.source
    assert {"credentials_deposited", "public_list", "daily_responsibility"} <= set(keys["kiruna"])


def test_INB_2_response_rules_per_preset(presets):
    r = {name: policy.response for name, policy in presets.items()}
    # Mora: 24 hours counted on working days = one office day of 06.45–16.30.
    assert r["mora"].rule == "working_hours"
    assert r["mora"].hours == 9.75
    office = r["mora"].office_hours
    assert (office.end.hour * 60 + office.end.minute) - (office.start.hour * 60 + office.start.minute) == 9.75 * 60
    assert "inom 24 timmar under kontorstid" in r["mora"].source
    assert r["kiruna"].rule == "next_working_day" and r["kiruna"].hours == 24
    assert "inom det närmaste vardagsdygnet" in r["kiruna"].source
    assert r["nykoping"].rule == "calendar_hours" and r["nykoping"].hours == 24
    assert "inom 24 timmar" in r["nykoping"].source
    assert r["hultsfred"].rule == "asap" and "snabbhet" in r["hultsfred"].source
    assert "snabbt" in r["lilla-edet"].source
    assert r["nationell"].rule == "asap" and "utan onödigt dröjsmål" in r["nationell"].source


def test_INB_2_calendar_deadline_is_watched_every_day(presets):
    # Nyköping's 24 calendar hours run over the weekend, so someone looks then too.
    assert presets["nykoping"].response.watch_hours.days == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def test_INB_3_mora_acknowledges_when_an_answer_takes_time(presets):
    response = presets["mora"].response
    assert response.acknowledge_within_hours is not None
    assert response.acknowledge_within_hours < response.hours
    assert "bekräfta att frågan mottagits" in response.source


def test_INB_6_mora_watch_hours(presets):
    watch = presets["mora"].response.watch_hours
    assert watch.days == ["mon", "tue", "wed", "thu", "fri"]
    assert (watch.start.isoformat(), watch.end.isoformat()) == ("06:45:00", "16:30:00")
    assert any(p.key == "watch_hours" and "{watch_hours}" in p.text for p in presets["mora"].profile)


def test_INB_7_publishing_cadence(presets):
    assert presets["mora"].cadence.min_posts_per_week == 3
    assert "Minst tre inlägg per vecka" in presets["mora"].cadence.source
    assert "inte blir inaktiv" in presets["lilla-edet"].cadence.source


def test_MOD_1_prohibited_subsets_differ(presets):
    prohibited = {name: {c for c, rule in p.moderation.categories.items() if rule.prohibited} for name, p in presets.items()}
    assert {"profanity", "party_political", "commercial"} <= prohibited["nykoping"]
    assert {"party_political", "commercial"} <= prohibited["kiruna"] and "profanity" not in prohibited["kiruna"]
    assert {"profanity", "commercial"} <= prohibited["mora"] and "party_political" not in prohibited["mora"]
    assert not {"profanity", "party_political", "commercial"} & prohibited["lilla-edet"]
    assert not {"profanity", "party_political", "commercial"} & prohibited["hultsfred"]
    # The baseline prohibits what the law and all five share, and nothing more.
    assert prohibited["nationell"] == set(VIOLATION_CATEGORIES) - {"profanity", "party_political", "commercial"}
    assert len({frozenset(s) for s in prohibited.values()}) >= 4


def test_MOD_1_categories_not_prohibited_get_no_action(presets):
    for name, policy in presets.items():
        for category, rule in policy.moderation.categories.items():
            if not rule.prohibited and category in VIOLATION_CATEGORIES:
                assert rule.action == "no_action", (name, category)


def test_MOD_2_action_table_covers_every_category(presets):
    for name, policy in presets.items():
        assert set(policy.moderation.categories) == set(CATEGORIES), name
        for category, rule in policy.moderation.categories.items():
            assert rule.action in ACTIONS and rule.retention in policy.retention, (name, category)
        assert policy.moderation.categories["question"].action == "answer"
        assert policy.moderation.categories["case_matter"].action == "answer_register"


def test_MOD_2_action_for_follows_each_preset():
    assert load_preset("nykoping").action_for(["question", "profanity"]) == "hide_preserve_register"
    assert load_preset("lilla-edet").action_for(["question", "profanity"]) == "answer"
    assert load_preset("mora").action_for(["commercial"]) == "remove_not_kept"
    assert load_preset("kiruna").action_for(["commercial"]) == "hide_preserve_register"
    assert load_preset("mora").action_for(["commercial", "threat"]) == "hide_preserve_police_register"
    assert load_preset("nationell").action_for(["trivial"]) == "no_action"


def test_MOD_3_mora_removes_ads_without_keeping_them(presets):
    ads = presets["mora"].moderation.categories["commercial"]
    assert ads.action == "remove_not_kept"
    assert presets["mora"].retention[ads.retention].keep == "not_kept"
    assert "ska inte bevaras" in ads.source
    # Everywhere else, whatever is hidden is preserved first.
    for name, policy in presets.items():
        for category, rule in policy.moderation.categories.items():
            if (name, category) == ("mora", "commercial"):
                continue
            if "hide" in ACTIONS[rule.action]:
                assert "preserve" in ACTIONS[rule.action], (name, category)
                assert policy.retention[rule.retention].keep == "permanent", (name, category)


def test_MOD_5_confidential_content_is_hidden_and_referred(presets):
    for name, policy in presets.items():
        rule = policy.moderation.categories["confidential"]
        assert rule.prohibited and rule.action == "hide_preserve_refer_register", name
    assert "konversationen omedelbart avbrytas" in presets["nykoping"].moderation.categories["confidential"].source


def test_MOD_6_distress_and_threats_alert_police_in_every_preset(presets):
    for name, policy in presets.items():
        for category in URGENT_CATEGORIES:
            rule = policy.moderation.categories[category]
            assert rule.action == "hide_preserve_police_register", (name, category)
        assert "112" in policy.moderation.distress_help and "90101" in policy.moderation.distress_help


def test_MOD_7_criticism_never_prohibited(presets, preset_yaml):
    from uppsikt.policies.schema import PolicyError, validate_policy

    for name, policy in presets.items():
        assert policy.moderation.categories["trivial"].prohibited is False, name
        assert policy.moderation.categories["trivial"].action == "no_action", name
    data = preset_yaml("kiruna")
    data["moderation"]["categories"]["trivial"].update(prohibited=True, action="hide_preserve_register")
    with pytest.raises(PolicyError) as exc:
        validate_policy(data)
    assert "moderation.categories.trivial: kritik och anspråkslösa inlägg får aldrig vara förbjudna" in exc.value.problems


def test_GOV_11_scope_facebook_all_x_own(presets):
    for name in ("lilla-edet", "hultsfred", "nykoping", "nationell"):
        scope = presets[name].scope.platforms
        assert scope["facebook"] == "all_content" and scope["x"] == "own_content", name
    # Kiruna and Mora answer for everything on their pages, whoever wrote it.
    for name in ("kiruna", "mora"):
        assert set(presets[name].scope.platforms.values()) == {"all_content"}, name
    assert "oavsett om det är kommunen eller allmänheten" in presets["kiruna"].scope.source
    for policy in presets.values():
        assert set(policy.scope.platforms) == set(PLATFORMS)


def test_REC_3_mora_snapshots_mid_term(presets):
    snapshots = presets["mora"].snapshots
    assert snapshots.per_year >= 2
    assert not set(snapshots.months) & {6, 7, 8, 12}  # not summer, not Christmas
    assert "mitt i terminer" in snapshots.source
    assert presets["nykoping"].snapshots.per_year == 0  # relies on the platform's own order (§7)


def test_REC_5_retention_per_guideline(presets):
    assert presets["hultsfred"].retention["transient"].days <= 30  # "mycket kort"
    assert presets["kiruna"].retention["transient"].keep == "permanent"  # no culling decision in KI
    for name, policy in presets.items():
        assert policy.retention["registered"].keep == "permanent", name
        assert policy.moderation.categories["case_matter"].retention == "registered", name


def test_GOV_5_credential_custody_per_guideline(presets):
    assert "informationsansvarige" in presets["kiruna"].credentials.source
    assert "§13.2" in presets["nykoping"].credentials.source and "närmaste chef" in presets["nykoping"].credentials.source
    assert "officiella e-postadresser" in presets["hultsfred"].credentials.source
    assert "officiell e-postadress" in presets["lilla-edet"].credentials.source


def test_GOV_9_speakers_per_guideline(presets):
    assert "uppdrag från sin chef" in presets["lilla-edet"].speakers.source
    assert "vem man är och vilken funktion" in presets["kiruna"].speakers.source
    assert "privata konton" in presets["hultsfred"].speakers.source


def test_GOV_10_training_per_guideline(presets):
    assert presets["nykoping"].staffing.required_training == ["tool", "writing", "publishing", "monitoring", "moderation", "gdpr", "osl"]
    assert "§4.2" in presets["nykoping"].training.source
    for policy in presets.values():
        assert policy.staffing.min_trained >= 2


def test_GOV_6_profile_requirements(presets):
    mora = {p.key: p for p in presets["mora"].profile}
    assert "www.mora.se/socialamedier" in mora["social_media_page"].text
    assert "En verksamhet inom Mora kommun" in mora["own_symbol"].source
    assert "Kommunvapnet" in presets["kiruna"].profile[0].source
    for name, policy in presets.items():
        assert any("allmän" in p.text for p in policy.profile), name


def test_CRI_1_crisis_settings(presets):
    crisis = presets["mora"].crisis
    assert "0250-260 00" in crisis.primary_channels and "www.mora.se" in crisis.primary_channels
    assert crisis.reinforced_watch and "krisledning" in crisis.source
    for policy in presets.values():
        assert policy.crisis.response_hours < policy.response.hours


def test_presets_are_yaml_files_in_the_package():
    assert sorted(p.stem for p in PRESET_DIR.glob("*.yaml")) == preset_names()
