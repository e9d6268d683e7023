"""GOV-1, 2, 3, 4, 7 in the browser: a channel from proposal to the public list, and the refusals.

Every page these tests load is checked with axe-core (see conftest.Session).
"""

from __future__ import annotations

import pytest

from .support import code_for, squash

pytestmark = pytest.mark.browser

CHANNEL = "Kulturhuset Exempelby"
# People who take the steps of the approval chain, in order (the Nyköping chain is a
# verksamhetschef, then a kommunikatör; a chain of another shape gets the same people).
APPROVERS = [("elin", "Elin", "Berg"), ("omar", "Omar", "Haddad"), ("mats", "Mats", "Öberg")]


def two_step_policy() -> str:
    """A policy whose approval chain has two steps held by different roles.

    The Nyköping preset (verksamhetschef and kommunikatör jointly, NY §4.1) where it ships;
    otherwise the municipality's own copy of a preset, edited to that chain (GOV-3: the
    chain is policy data).
    """
    from uppsikt.policies.loader import preset_names
    from uppsikt.policies.services import copy_preset, get_policy, update_policy

    names = preset_names()
    if "nykoping" in names:
        name = "nykoping"
    else:
        own = copy_preset("lilla-edet" if "lilla-edet" in names else names[0], "exempelby")
        data = dict(own.data)
        data["title"] = "Exempelby kommun – riktlinjer med tvåstegsgodkännande"
        data["approval"] = {
            **data["approval"],
            "chain": [
                {"role": "verksamhetschef", "label": "Verksamhetschef", "source": "Verksamhetschefen beslutar att verksamheten ska ha kanalen."},
                {"role": "kommunikator", "label": "Kommunikatör", "source": "Kommunikatören kvalitetssäkrar kanalen tillsammans med verksamhetschefen."},
            ],
        }
        update_policy(own, data)
        name = "exempelby"
    chain = get_policy(name).approval.chain
    assert len(chain) >= 2 and chain[0].role != chain[1].role, f"{name}: the test needs a chain of two steps with different roles, got {chain}"
    return name


def make_chain_people(make_person, policy_name):
    from uppsikt.policies.services import get_policy
    from uppsikt.policies.vocabulary import ROLES

    chain = get_policy(policy_name).approval.chain
    assert len(chain) <= len(APPROVERS)
    return [
        make_person(username, first, last, title=ROLES[step.role], roles=[(step.role, "kultur")])
        for (username, first, last), step in zip(APPROVERS, chain)
    ]


def channel_at(policy_name, org, status: str, *, approvers=()):
    """A channel brought to ``status`` by the service layer (the steps tested elsewhere)."""
    from uppsikt.channels import services

    channel = services.propose_channel(name=CHANNEL, platform="instagram", policy_name=policy_name, unit=org["kultur"], actor=None, handle="kulturhusetexempelby", url="https://www.instagram.com/kulturhusetexempelby", official_email="kulturhuset@exempelby.se")
    if status == "proposed":
        return channel
    for item in channel.policy.checklist:
        services.set_checklist_item(channel, item.key, done=True, answer="Genomgånget vid uppstartsmötet.", actor=None)
    channel = services.complete_checklist(channel, actor=None)
    if status == "checklist_done":
        return channel
    for person in approvers:
        channel = services.approve(channel, actor=person)
    assert channel.status == status
    return channel


def badge(session) -> str:
    return session.page.locator("h1 .badge").inner_text()


@pytest.mark.browser
def test_GOV_1_2_3_7_propose_checklist_approve_chain_and_public_list(open_session, make_person, org, live_server):
    from django.utils import timezone

    from uppsikt.channels.models import Approval, Channel, Status

    policy_name = two_step_policy()
    karin_user = make_person("karin", "Karin", "Lind", title="Kommunikationschef", roles=[("social_media_lead", "kommun")])
    approvers = make_chain_people(make_person, policy_name)
    make_person("jonas", "Jonas", "Nyström", title="Bibliotekarie", roles=[("redaktor", "kultur")], trained=True)
    make_person("sara", "Sara", "Åberg", title="Fritidsledare", roles=[("redaktor", "kultur")], trained=True)

    # Karin logs in with password and the code from her authenticator app.
    karin = open_session("karin")
    karin.visit("/logga-in/")
    karin.login("karin", code=code_for(karin_user))

    # GOV-1: she proposes the channel through the form.
    karin.visit("/kanalregister/")
    karin.follow(karin.page.get_by_role("link", name="Föreslå en ny kanal"))
    page = karin.page
    page.get_by_label("Kanalens namn (obligatoriskt)", exact=True).fill(CHANNEL)
    page.get_by_label("Plattform (obligatoriskt)", exact=True).select_option(label="Instagram")
    page.get_by_label("Ägande enhet (obligatoriskt)", exact=True).select_option(label="Kultur- och fritidsförvaltningen")
    page.get_by_label("Riktlinje (obligatoriskt)", exact=True).select_option(value=policy_name)
    page.get_by_label("Användarnamn på plattformen", exact=True).fill("kulturhusetexempelby")
    page.get_by_label("Adress till kanalen", exact=True).fill("https://www.instagram.com/kulturhusetexempelby")
    page.get_by_label("Officiell e-postadress", exact=True).fill("kulturhuset@exempelby.se")
    page.get_by_label("Syfte", exact=True).fill("Program, utställningar och evenemang i Kulturhuset.")
    page.get_by_label("Målgrupp", exact=True).fill("Besökare och invånare i alla åldrar.")
    page.get_by_label("Mål", exact=True).fill("Fler besökare och snabba svar på frågor.")
    page.get_by_label("Kommunikationsplan", exact=True).fill("Tre inlägg i veckan; bevakning vardagar.")
    karin.submit(page.get_by_role("button", name="Föreslå kanalen"), status=200)
    assert f"Kanalen {CHANNEL} är föreslagen. Fyll i checklistan." in karin.messages()
    assert badge(karin) == "Föreslagen"
    channel = Channel.objects.get(name=CHANNEL)
    assert (channel.status, channel.policy_name, channel.unit, channel.platform) == (Status.PROPOSED, policy_name, org["kultur"], "instagram")
    assert channel.handle == "kulturhusetexempelby" and channel.official_email == "kulturhuset@exempelby.se"
    detail_path = f"/kanalregister/{channel.slug}/"
    assert page.url.startswith(live_server.url + detail_path)

    # GOV-2: approval is refused before the checklist is complete ...
    points = channel.policy.checklist
    karin.submit(page.get_by_role("button", name="Checklistan är klar"))
    assert "Checklistan är inte klar" in karin.messages()
    assert badge(karin) == "Föreslagen"

    # ... so she ticks every point, saves, and marks it done.
    boxes = page.locator("#checklista input[type=checkbox]")
    assert boxes.count() == len(points)
    for box in boxes.all():
        box.check()
    page.get_by_label(f"Svar: {points[0].label}", exact=True).fill("Genomgånget vid uppstartsmötet med verksamhetschefen.")
    karin.submit(page.get_by_role("button", name="Spara checklistan"))
    assert "Checklistan är sparad." in karin.messages()
    assert page.get_by_role("heading", name=f"Checklista före start ({len(points)} av {len(points)})").is_visible()
    karin.submit(page.get_by_role("button", name="Checklistan är klar"))
    assert "Checklistan är klar och kanalen väntar på godkännande." in karin.messages()
    assert badge(karin) == "Checklista klar"

    # GOV-3: each step of the chain is approved by its own person, logging in in turn.
    chain = channel.policy.approval.chain
    for index, (person, step) in enumerate(zip(approvers, chain)):
        approver = open_session(person.username)
        approver.visit("/logga-in/")
        approver.login(person.username, code=code_for(person))
        waiting = approver.page.locator("section", has=approver.page.get_by_role("heading", name="Väntar på ditt godkännande"))
        assert f"{CHANNEL} – {step.label}" in squash(waiting.inner_text())
        approver.follow(waiting.get_by_role("link", name=CHANNEL))
        assert f"Väntar på godkännande steg {index + 1}: {step.label}" in approver.main_text()
        approver.page.get_by_label("Kommentar till godkännandet (frivillig)").fill(f"Godkänt av {person.first_name}.")
        approver.submit(approver.page.get_by_role("button", name="Godkänn", exact=True))
        assert "Ditt godkännande är registrerat." in approver.messages()
        row = approver.page.locator("#godkannande tbody tr").nth(index)
        assert str(person) in row.inner_text()
        if index + 1 < len(chain):
            assert badge(approver) == "Checklista klar"
            assert f"Väntar på godkännande steg {index + 2}: {chain[index + 1].label}" in approver.main_text()
        else:
            assert badge(approver) == "Godkänd"
    given = list(Approval.objects.filter(channel=channel).order_by("step").values_list("step", "role", "approver__username", "comment"))
    assert given == [(i, s.role, p.username, f"Godkänt av {p.first_name}.") for i, (p, s) in enumerate(zip(approvers, chain))]

    # GOV-4 / GOV-10: Karin appoints two trained editors and activates the channel.
    karin.visit(detail_path)
    assert badge(karin) == "Godkänd"
    for name in ("Jonas Nyström", "Sara Åberg"):
        page.get_by_text("Lägg till en person", exact=True).click()
        page.get_by_label("Person", exact=True).select_option(label=name)
        page.get_by_label("Roll i kanalen", exact=True).select_option(label="Redaktör")
        karin.submit(page.get_by_role("button", name="Lägg till", exact=True))
        assert "Personen sköter nu kanalen." in karin.messages()
    staff = squash(page.locator("#bemanning").inner_text())
    assert "2 utbildade personer" in staff
    assert "Jonas Nyström, Bibliotekarie Redaktör Ja" in staff and "Sara Åberg, Fritidsledare Redaktör Ja" in staff
    karin.submit(page.get_by_role("button", name="Aktivera kanalen"))
    assert "Kanalen är aktiv och syns i den publika förteckningen." in karin.messages()
    assert badge(karin) == "Aktiv"
    karin.screenshot("channel-detail")
    channel.refresh_from_db()
    assert channel.status == Status.ACTIVE and channel.activated_at is not None
    assert list(channel.status_changes.values_list("to_status", flat=True)) == [Status.PROPOSED, Status.CHECKLIST_DONE, Status.APPROVED, Status.ACTIVE]

    # GOV-7: the public list shows it, with no log-in, as a page and as open data.
    public = open_session("allmänheten")
    public.visit("/kanaler")
    row = public.page.locator("tbody tr", has_text=CHANNEL)
    assert squash(row.inner_text()) == f"{CHANNEL} Instagram Kultur- och fritidsförvaltningen kulturhusetexempelby"
    link = row.get_by_role("link", name="kulturhusetexempelby")
    assert link.get_attribute("href") == "https://www.instagram.com/kulturhusetexempelby"
    assert public.page.locator("tbody tr").count() == 1
    public.screenshot("public-list")
    response = public.page.request.get(live_server.url + "/kanaler.json")
    assert response.status == 200 and response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert data["channels"] == [
        {
            "name": CHANNEL,
            "platform": "instagram",
            "platform_label": "Instagram",
            "url": "https://www.instagram.com/kulturhusetexempelby",
            "handle": "kulturhusetexempelby",
            "unit": "Kultur- och fritidsförvaltningen",
            "active_since": timezone.localdate(channel.activated_at).isoformat(),
        }
    ]


@pytest.mark.browser
def test_GOV_3_refuses_approval_by_someone_outside_the_chain(open_session, make_person, org):
    from uppsikt.channels.models import Status
    from uppsikt.policies.vocabulary import ROLES

    policy_name = two_step_policy()
    second = make_chain_people(make_person, policy_name)[1]
    jonas = make_person("jonas", "Jonas", "Nyström", title="Bibliotekarie", roles=[("redaktor", "kultur")], trained=True)
    channel = channel_at(policy_name, org, "checklist_done")
    step1 = channel.policy.approval.chain[0]
    detail_path = f"/kanalregister/{channel.slug}/"

    # An editor of the unit holds no role in the chain: "Godkänn" is refused, in Swedish.
    editor = open_session("jonas")
    editor.visit("/logga-in/")
    editor.login("jonas", code=code_for(jonas))
    editor.visit(detail_path)
    editor.submit(editor.page.get_by_role("button", name="Godkänn", exact=True))
    assert f"Nästa godkännande (steg 1: {step1.label}) ska ges av rollen {ROLES[step1.role]}, som du inte har för den här enheten." in editor.messages()
    assert editor.page.locator(".messages .msg.error").count() == 1
    assert badge(editor) == "Checklista klar"
    assert f"Väntar på godkännande steg 1: {step1.label}" in editor.main_text()

    # The second step's holder may not jump the queue either: the chain is taken in order.
    later = open_session(second.username)
    later.visit("/logga-in/")
    later.login(second.username, code=code_for(second))
    later.visit(detail_path)
    later.submit(later.page.get_by_role("button", name="Godkänn", exact=True))
    assert f"ska ges av rollen {ROLES[step1.role]}" in later.messages()
    assert badge(later) == "Checklista klar"

    channel.refresh_from_db()
    assert channel.status == Status.CHECKLIST_DONE
    assert not channel.approvals.exists()
    assert list(channel.status_changes.values_list("to_status", flat=True)) == [Status.PROPOSED, Status.CHECKLIST_DONE]


@pytest.mark.browser
def test_GOV_4_activation_refused_without_two_trained_people(open_session, make_person, org):
    from uppsikt.channels import services
    from uppsikt.channels.models import Status

    policy_name = two_step_policy()
    approvers = make_chain_people(make_person, policy_name)
    karin_user = make_person("karin", "Karin", "Lind", title="Kommunikationschef", roles=[("social_media_lead", "kommun")])
    jonas = make_person("jonas", "Jonas", "Nyström", title="Bibliotekarie", roles=[("redaktor", "kultur")], trained=True)
    sara = make_person("sara", "Sara", "Åberg", title="Fritidsledare", roles=[("redaktor", "kultur")], trained=False)
    channel = channel_at(policy_name, org, "approved", approvers=approvers)
    # Two people run it, but only one has the training the policy requires (GOV-4, GOV-10).
    services.add_member(channel, jonas, actor=None)
    services.add_member(channel, sara, actor=None)
    required = channel.policy.staffing.min_trained
    assert required >= 2

    karin = open_session("karin")
    karin.visit("/logga-in/")
    karin.login("karin", code=code_for(karin_user))
    karin.visit(f"/kanalregister/{channel.slug}/")
    staff = squash(karin.page.locator("#bemanning").inner_text())
    assert "Sara Åberg, Fritidsledare Redaktör Nej – saknar utbildning" in staff
    karin.submit(karin.page.get_by_role("button", name="Aktivera kanalen"))
    refusal = karin.messages()
    assert refusal.startswith("Kanalen kan inte aktiveras: den har 1 utbildad") and refusal.endswith(f"riktlinjen kräver minst {required} (GOV-4).")
    assert karin.page.locator(".messages .msg.error").count() == 1
    assert badge(karin) == "Godkänd"

    channel.refresh_from_db()
    assert channel.status == Status.APPROVED and channel.activated_at is None

    public = open_session("allmänheten")
    public.visit("/kanaler")
    assert CHANNEL not in public.main_text()
    assert "Inga aktiva kanaler just nu." in public.main_text()
