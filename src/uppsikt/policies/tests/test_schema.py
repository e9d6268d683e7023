"""The schema refuses what a guideline cannot mean, with one clear Swedish line per problem."""

import pytest

from uppsikt.policies.schema import PolicyError, validate_policy


def problems_of(data) -> list[str]:
    with pytest.raises(PolicyError) as exc:
        validate_policy(data)
    return exc.value.problems


def test_a_policy_must_be_a_mapping():
    assert problems_of(["a", "list"]) == ["(filen): en policy måste vara en YAML-mappning"]
    assert problems_of(None) == ["(filen): en policy måste vara en YAML-mappning"]


def test_one_line_per_problem_with_its_place(preset_yaml):
    data = preset_yaml()
    data["moderation"]["categories"]["threat"]["action"] = "x"
    data["response"]["rule"] = "soon"
    del data["title"]
    data["colour"] = "blå"
    problems = problems_of(data)
    assert len(problems) == 4
    assert any(p.startswith("moderation.categories.threat.action: okänd åtgärd 'x'") for p in problems)
    assert any(p.startswith("response.rule: ogiltigt värde 'soon'") for p in problems)
    assert "title: saknas" in problems
    assert "colour: okänt fält" in problems


def test_problems_are_in_swedish(preset_yaml):
    data = preset_yaml()
    data["cadence"]["min_posts_per_week"] = "ofta"
    data["checklist"] = []
    data["name"] = "Lilla Edet"
    problems = problems_of(data)
    assert "cadence.min_posts_per_week: måste vara ett heltal" in problems
    assert "checklist: måste ha minst 1 post" in problems
    assert any(p.startswith("name: ogiltigt format (små bokstäver") for p in problems)
    assert not [p for p in problems if "Input should" in p or "Value error" in p]


def test_several_problems_of_one_validator_become_several_lines(preset_yaml):
    data = preset_yaml()
    data["moderation"]["categories"]["party_political"].update(action="hide_preserve_register")
    data["moderation"]["categories"]["profanity"].update(action="hide_preserve_register")
    problems = problems_of(data)
    assert problems == [
        "moderation.categories.party_political: innehåll som inte är förbjudet får inte döljas (yttrandefrihet)",
        "moderation.categories.profanity: innehåll som inte är förbjudet får inte döljas (yttrandefrihet)",
    ]


def test_MOD_1_prohibited_content_must_be_hidden(preset_yaml):
    data = preset_yaml()
    data["moderation"]["categories"]["hate"].update(action="answer")
    assert problems_of(data) == ["moderation.categories.hate: förbjudet innehåll kräver en åtgärd som döljer inlägget"]


def test_MOD_6_urgent_categories_must_alert(preset_yaml):
    data = preset_yaml()
    data["moderation"]["categories"]["distress"].update(action="hide_preserve_register")
    assert problems_of(data) == ["moderation.categories.distress: åtgärden måste larma jourhavande eller polisen"]


def test_MOD_3_not_kept_only_with_remove_not_kept(preset_yaml):
    data = preset_yaml("mora")
    data["moderation"]["categories"]["commercial"]["retention"] = "removed"
    assert problems_of(data) == ["moderation.categories.commercial.retention: åtgärden remove_not_kept kräver en bevarandeklass med keep: not_kept"]
    data = preset_yaml("mora")
    data["moderation"]["categories"]["hate"]["retention"] = "not_kept"
    (line,) = problems_of(data)
    assert line.startswith("moderation.categories.hate.retention: 'not_kept' sparas inte")


def test_unquoted_time_is_refused_not_misread(preset_yaml):
    # YAML reads an unquoted 16:30 as the number 990 (base 60); that is not 00:16:30.
    data = preset_yaml()
    data["response"]["watch_hours"]["end"] = 990
    (line,) = problems_of(data)
    assert line.startswith('response.watch_hours.end: skriv tiden inom citattecken, t.ex. "16:30"')


def test_hours_end_after_start(preset_yaml):
    data = preset_yaml()
    data["response"]["office_hours"].update(start="17:00", end="08:00")
    assert problems_of(data) == ["response.office_hours: sluttiden måste vara efter starttiden"]


def test_profile_placeholders_are_known(preset_yaml):
    data = preset_yaml()
    data["profile"][0]["text"] = "Välkommen till {kommun}!"
    (line,) = problems_of(data)
    assert line.startswith("profile.0.text: okänd platshållare {kommun}")
    data["profile"][0]["text"] = "Trasig {klammer"
    (line,) = problems_of(data)
    assert line.startswith("profile.0.text: ogiltig klammerparentes")


def test_GOV_10_required_training_uses_known_courses(preset_yaml):
    data = preset_yaml()
    data["staffing"]["required_training"] = ["gpdr"]
    (line,) = problems_of(data)
    assert line.startswith("staffing.required_training: okända kurser gpdr")


def test_GOV_3_approval_roles_are_known(preset_yaml):
    data = preset_yaml()
    data["approval"]["chain"][0]["role"] = "kommundirektor"
    (line,) = problems_of(data)
    assert line.startswith("approval.chain.0.role: okänd roll 'kommundirektor' (tillåtna:")


def test_REC_3_snapshot_months(preset_yaml):
    data = preset_yaml()
    data["snapshots"].update(per_year=2, months=[3])
    assert problems_of(data) == ["snapshots: ange minst 2 månader, en för varje ögonblicksbild"]
    data["snapshots"].update(per_year=2, months=[3, 3])
    assert problems_of(data) == ["snapshots.months: samma månad förekommer flera gånger"]


def test_cross_references(preset_yaml):
    data = preset_yaml()
    data["moderation"]["categories"]["threat"]["retention"] = "forever"
    data["checklist"].append(dict(data["checklist"][0]))
    assert problems_of(data) == [
        "moderation.categories.threat.retention: okänd bevarandeklass 'forever'",
        "checklist: samma nyckel förekommer flera gånger",
    ]


def test_every_category_and_platform_is_decided(preset_yaml):
    data = preset_yaml()
    del data["moderation"]["categories"]["profanity"]
    data["moderation"]["categories"]["spam"] = data["moderation"]["categories"]["commercial"]
    del data["scope"]["platforms"]["mastodon"]
    problems = problems_of(data)
    assert "moderation.categories: okända kategorier: spam" in problems
    assert "moderation.categories: kategorier saknas: profanity" in problems
    assert "scope.platforms: plattformar saknas: mastodon" in problems


def test_an_empty_source_is_refused(preset_yaml):
    data = preset_yaml()
    data["speakers"]["source"] = ""
    assert problems_of(data) == ["speakers.source: får inte vara tom"]
