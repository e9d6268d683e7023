from datetime import date, timedelta

import pytest
from conftest import login_verified

from uppsikt.accounts import services
from uppsikt.accounts.models import Absence, Training, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(roles):
    unit = Unit.objects.create(name="Kultur")
    chef = services.create_user("chef", password="x", unit=unit)
    services.grant_role(chef, "verksamhetschef", unit=unit)
    red = services.create_user("red", password="x", unit=unit)
    services.grant_role(red, "redaktor", unit=unit)
    return chef, red


def test_GOV_10_manager_records_training_editor_cannot(people, client):
    chef, red = people
    client.force_login(red)
    _verify(client)
    client.post("/personer/red/utbildning/", {"course": "tool", "completed_on": "2026-01-10"})
    assert Training.objects.count() == 0
    client.force_login(chef)
    _verify(client)
    client.post("/personer/red/utbildning/", {"course": "tool", "completed_on": "2026-01-10"})
    assert list(Training.objects.values_list("user__username", "course")) == [("red", "tool")]


def test_GOV_4_editor_records_own_absence_and_bad_dates_refused(people, client):
    chef, red = people
    client.force_login(red)
    _verify(client)
    client.post("/personer/red/franvaro/", {"start": "2026-07-01", "end": "2026-06-01"})
    assert Absence.objects.count() == 0
    client.post("/personer/red/franvaro/", {"start": "2026-07-01", "end": "2026-07-20", "reason": "Semester"})
    assert Absence.objects.get().user == red
    client.post("/personer/chef/franvaro/", {"start": "2026-07-01", "end": "2026-07-20"})
    assert Absence.objects.count() == 1
    page = client.get("/personer/red/").content.decode()
    assert "2026-07-01" in page


def test_roles_are_scoped_to_unit_and_inherited(people):
    chef, red = people
    child = Unit.objects.create(name="Bibliotek", parent=chef.unit)
    other = Unit.objects.create(name="Annan")
    assert "verksamhetschef" in services.roles_of(chef, unit=child)
    assert services.roles_of(chef, unit=other) == set()
    assert services.is_absent(red, date.today()) is False
    services.record_absence(red, date.today(), date.today() + timedelta(days=1))
    assert services.is_absent(red, date.today())


def _verify(client):
    """Mark the logged-in session as verified with a second factor, as the log-in page does."""
    from uppsikt.accounts.models import User

    login_verified(client, User.objects.get(pk=client.session["_auth_user_id"]))
