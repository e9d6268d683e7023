"""Log-in security: two factors, lockout, CSRF."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from uppsikt.accounts import services as accounts
from uppsikt.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "ett-långt-lösenord-1"


@pytest.fixture
def user(roles):
    return accounts.create_user("anna", password=PASSWORD, first_name="Anna")


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_first_login_leads_to_totp_setup_and_pages_need_second_factor(client, user):
    response = client.post("/logga-in/", {"username": "anna", "password": PASSWORD})
    assert response.status_code == 302 and response.url.endswith("/logga-in/tvastegs/")
    assert client.get("/kanalregister/").status_code == 302  # not verified yet
    page = client.get("/logga-in/tvastegs/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert client.post("/logga-in/tvastegs/", {"otp_token": "000000" if _code(device) != "000000" else "111111"}).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code throttles the next try for a second
    response = client.post("/logga-in/tvastegs/", {"otp_token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/kanalregister/").status_code == 200


def test_login_with_totp_device_requires_code(client, user):
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = client.post("/logga-in/", {"username": "anna", "password": PASSWORD})
    assert response.status_code == 400 and "engångskod" in response.content.decode()
    assert client.get("/kanalregister/").status_code == 302
    response = client.post("/logga-in/", {"username": "anna", "password": PASSWORD, "otp_token": _code(device)})
    assert response.status_code == 302
    assert client.get("/kanalregister/").status_code == 200


def test_lockout_after_five_failures(client, user):
    for _ in range(5):
        client.post("/logga-in/", {"username": "anna", "password": "fel"})
    response = client.post("/logga-in/", {"username": "anna", "password": PASSWORD})
    assert response.status_code == 429 and "låst" in response.content.decode()
    assert AuditEvent.objects.filter(name="login_failed").count() >= 5


def test_wrong_one_time_codes_also_lock(client, user):
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    for _ in range(5):
        client.post("/logga-in/", {"username": "anna", "password": PASSWORD, "otp_token": "12345x"})
    response = client.post("/logga-in/", {"username": "anna", "password": PASSWORD, "otp_token": "12345x"})
    assert response.status_code == 429


def test_csrf_is_enforced(user):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/logga-in/", {"username": "anna", "password": PASSWORD})
    assert response.status_code == 403


def test_public_pages_need_no_login(client, roles):
    assert client.get("/kanaler").status_code == 200
    assert client.get("/kanaler.json").status_code == 200
    assert client.get("/").status_code == 302


def test_next_parameter_cannot_redirect_off_site(client, user):
    response = client.post("/logga-in/?next=https://evil.example/", {"username": "anna", "password": PASSWORD})
    assert response.status_code == 302 and "evil.example" not in response.url
    client.logout()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = client.post("/logga-in/?next=//evil.example/x", {"username": "anna", "password": PASSWORD, "otp_token": _code(device)})
    assert response.status_code == 302 and "evil.example" not in response.url
    device.throttle_reset()


def test_admin_needs_the_second_factor(client, roles):
    admin = accounts.create_user("admin", password=PASSWORD, is_superuser=True)
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client.force_login(admin)  # password only
    response = client.get("/admin/accounts/user/", follow=True)
    assert response.request["PATH_INFO"] == "/logga-in/"
    assert "Logga in" in response.content.decode()
