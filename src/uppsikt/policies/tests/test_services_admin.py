"""A municipality copies a preset and edits it; every change is validated and audited."""

import pytest
import yaml

from uppsikt.audit.models import AuditEvent
from uppsikt.policies import services
from uppsikt.policies.admin import policy_yaml
from uppsikt.policies.loader import preset_data
from uppsikt.policies.models import MunicipalPolicy
from uppsikt.policies.schema import PolicyError

pytestmark = pytest.mark.django_db


# --- services --------------------------------------------------------------------------

def test_copy_preset_makes_an_editable_policy_and_logs_it():
    policy = services.copy_preset("nykoping", "vara-riktlinjer")
    assert policy.based_on == "nykoping"
    assert services.get_policy("vara-riktlinjer").approval.chain[1].role == "kommunikator"
    assert "vara-riktlinjer" in services.policy_names()
    event = AuditEvent.objects.get(name="policy_created")
    assert event.message == "Policyn vara-riktlinjer skapades från nykoping."


def test_copy_preset_refuses_a_taken_name():
    services.copy_preset("mora", "vara-riktlinjer")
    for taken in ("vara-riktlinjer", "kiruna"):
        with pytest.raises(PolicyError):
            services.copy_preset("mora", taken)
    assert MunicipalPolicy.objects.count() == 1


def test_update_policy_validates_and_logs():
    policy = services.copy_preset("lilla-edet", "vara-riktlinjer")
    data = preset_data("lilla-edet") | {"name": "vara-riktlinjer"}
    data["moderation"]["categories"]["profanity"] = {
        "prohibited": True,
        "action": "hide_preserve_notify_register",
        "retention": "registered",
        "source": "Kommunstyrelsens beslut 2025-03-01 §12: svordomar döljs.",
    }
    services.update_policy(policy, data)
    assert services.get_policy("vara-riktlinjer").action_for(["profanity"]) == "hide_preserve_notify_register"
    assert AuditEvent.objects.filter(name="policy_changed").count() == 1


def test_update_policy_refuses_bad_data_and_changes_nothing():
    policy = services.copy_preset("lilla-edet", "vara-riktlinjer")
    before = dict(policy.data)
    bad = preset_data("lilla-edet") | {"name": "vara-riktlinjer"}
    bad["moderation"]["categories"]["trivial"].update(prohibited=True, action="hide_preserve_register")
    with pytest.raises(PolicyError):
        services.update_policy(policy, bad)
    with pytest.raises(PolicyError) as exc:
        services.update_policy(policy, preset_data("lilla-edet"))  # name is still lilla-edet
    assert exc.value.problems == ["name: får inte ändras (är 'vara-riktlinjer')"]
    policy.refresh_from_db()
    assert policy.data == before
    assert not AuditEvent.objects.filter(name="policy_changed").exists()


# --- admin -----------------------------------------------------------------------------

@pytest.fixture
def admin_client(client, django_user_model, verified_login):
    user = django_user_model.objects.create_superuser("systemforvaltare", "sf@example.se", "ett-långt-lösenord-1")
    return verified_login(client, user)


ADD_URL = "/admin/policies/municipalpolicy/add/"


def change_url(policy):
    return f"/admin/policies/municipalpolicy/{policy.pk}/change/"


def test_admin_add_form_copies_a_preset(admin_client):
    page = admin_client.get(ADD_URL)
    assert page.status_code == 200
    assert "mora – Mora kommun – Riktlinjer för sociala medier" in page.content.decode()
    response = admin_client.post(ADD_URL, {"preset": "mora", "name": "vara-riktlinjer"})
    assert response.status_code == 302
    policy = MunicipalPolicy.objects.get(name="vara-riktlinjer")
    assert policy.based_on == "mora"
    assert services.get_policy("vara-riktlinjer").response.rule == "working_hours"
    event = AuditEvent.objects.get(name="policy_created")
    assert event.actor.username == "systemforvaltare"


@pytest.mark.parametrize("name, message", [("mora", "är redan upptaget"), ("Våra Regler", "små bokstäver")])
def test_admin_add_form_refuses_bad_names(admin_client, name, message):
    response = admin_client.post(ADD_URL, {"preset": "mora", "name": name})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MunicipalPolicy.objects.exists()


def test_admin_change_form_shows_the_policy_as_yaml(admin_client):
    policy = services.copy_preset("kiruna", "vara-riktlinjer")
    page = admin_client.get(change_url(policy))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert yaml.safe_load(form.initial["yaml_text"]) == policy.data


def test_admin_edit_is_saved_through_the_service(admin_client):
    policy = services.copy_preset("kiruna", "vara-riktlinjer")
    data = dict(policy.data)
    data["response"] = dict(data["response"], wording="inom en arbetsdag")
    response = admin_client.post(change_url(policy), {"yaml_text": policy_yaml(data)})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.data["response"]["wording"] == "inom en arbetsdag"
    event = AuditEvent.objects.get(name="policy_changed")
    assert event.actor.username == "systemforvaltare"


def test_admin_shows_every_problem_as_a_form_error_and_saves_nothing(admin_client):
    policy = services.copy_preset("kiruna", "vara-riktlinjer")
    data = dict(policy.data)
    data["moderation"] = dict(data["moderation"], categories=dict(data["moderation"]["categories"]))
    data["moderation"]["categories"]["threat"] = dict(data["moderation"]["categories"]["threat"], action="x")
    data["cadence"] = dict(data["cadence"], min_posts_per_week=-1)
    response = admin_client.post(change_url(policy), {"yaml_text": policy_yaml(data)})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["yaml_text"]
    assert len(errors) == 2
    assert errors[0].startswith("moderation.categories.threat.action: okänd åtgärd 'x'")
    assert errors[1] == "cadence.min_posts_per_week: måste vara minst 0"
    policy.refresh_from_db()
    assert policy.data["moderation"]["categories"]["threat"]["action"] == "hide_preserve_police_register"
    assert not AuditEvent.objects.filter(name="policy_changed").exists()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name: [\n", "YAML: rad 2 ogiltig YAML"),
        ("- bara\n- en lista\n", "(filen): en policy måste vara en YAML-mappning"),
        ("name: a\nname: b\n", "name: nyckeln står flera gånger (rad 1 och 2)"),
    ],
)
def test_admin_refuses_broken_yaml(admin_client, text, expected):
    policy = services.copy_preset("kiruna", "vara-riktlinjer")
    response = admin_client.post(change_url(policy), {"yaml_text": text})
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["yaml_text"]
    assert error.startswith(expected)


def test_admin_refuses_renaming(admin_client):
    policy = services.copy_preset("kiruna", "vara-riktlinjer")
    data = dict(policy.data, name="nytt-namn")
    response = admin_client.post(change_url(policy), {"yaml_text": policy_yaml(data)})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["yaml_text"] == ["name: får inte ändras (är ”vara-riktlinjer”)"]


def test_admin_cannot_delete_a_policy(admin_client):
    policy = services.copy_preset("kiruna", "vara-riktlinjer")
    assert admin_client.get(f"/admin/policies/municipalpolicy/{policy.pk}/delete/").status_code == 403
    assert MunicipalPolicy.objects.filter(pk=policy.pk).exists()


def test_admin_list_and_schema_check_action(admin_client):
    good = services.copy_preset("kiruna", "vara-riktlinjer")
    bad = services.copy_preset("mora", "gammal")
    MunicipalPolicy.objects.filter(pk=bad.pk).update(data={"name": "gammal", "title": "Gammal"})
    page = admin_client.get("/admin/policies/municipalpolicy/")
    assert page.status_code == 200 and "vara-riktlinjer" in page.content.decode()
    response = admin_client.post(
        "/admin/policies/municipalpolicy/",
        {"action": "check_against_schema", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    text = [str(m) for m in response.context["messages"]]
    assert "vara-riktlinjer: giltig" in text
    assert any(m.startswith("gammal: ") and " fel – " in m for m in text)
