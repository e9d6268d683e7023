import pytest
from conftest import login_verified

from uppsikt.accounts import services as accounts
from uppsikt.channels import services

from . import factories as f

pytestmark = pytest.mark.django_db


def test_GOV_1_api_lists_register_for_staff_only(roles, client):
    c = f.proposed()
    assert client.get("/api/v1/channels/").status_code == 403
    user = accounts.create_user("anna", password="ett-långt-lösenord-1")
    client.force_login(user)
    assert client.get("/api/v1/channels/").status_code == 403  # password alone is not enough
    login_verified(client, user)
    data = client.get("/api/v1/channels/").json()
    assert [row["slug"] for row in data] == [c.slug] and data[0]["status"] == "proposed"


def test_GOV_7_public_api_lists_only_active(roles, client):
    u = f.unit()
    c = f.checklist_done(f.proposed(unit_=u))
    chef = f.person("chef", roles=["verksamhetschef"], unit_=u)
    services.approve(c, actor=chef)
    for name in ("a", "b"):
        services.add_member(c, f.person(name, roles=["redaktor"], unit_=u, trained=True), actor=None)
    assert client.get("/api/v1/public/channels/").json() == []
    services.activate(c, actor=None)
    assert [row["name"] for row in client.get("/api/v1/public/channels/").json()] == [c.name]
