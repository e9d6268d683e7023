"""Log-in with password and one-time code: first-time two-factor setup, and lockout.

Every page these tests load is checked with axe-core (see conftest.Session), including the
two-factor setup page with its QR code and the locked-account page.
"""

from __future__ import annotations

import base64

import pytest

from .support import PASSWORD, code_for, squash, totp_code, wait_until_otp_allowed

pytestmark = pytest.mark.browser

WRONG_LOGIN = "Fel användarnamn, lösenord eller engångskod. Försök igen."


def code_from_secret(secret: str, device, *, offset_steps: int = 0) -> str:
    """What an authenticator app given the page's key shows (now, or some steps away)."""
    import time

    class FromSecret:  # the device's TOTP parameters with the key the page showed
        bin_key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        step, t0, digits, drift = device.step, device.t0, device.digits, device.drift

    return totp_code(FromSecret, at=time.time() + offset_steps * device.step)


@pytest.mark.browser
def test_login_first_time_sets_up_two_factor_with_qr_code(open_session, make_person):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    nora = make_person("nora", "Nora", "Nilsson", title="Nyanställd kommunikatör", roles=[("redaktor", "kultur")], totp=False)
    session = open_session("nora")
    session.visit("/logga-in/")
    session.login("nora", code="", expect="otp_setup")
    page = session.page
    assert page.url.endswith("/logga-in/tvastegs/")
    assert page.get_by_role("heading", level=1).inner_text() == "Koppla en autentiseringsapp"
    qr = page.get_by_role("img", name="QR-kod för autentiseringsappen")
    assert qr.is_visible() and qr.locator("svg").count() == 1
    secret = page.locator("main code").inner_text()
    device = TOTPDevice.objects.get(user=nora)
    assert not device.confirmed and base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key

    # Without a second factor the rest of Uppsikt leads back here.
    session.visit("/kanalregister/")
    assert page.url.endswith("/logga-in/tvastegs/")

    # A wrong code is refused with a Swedish explanation and changes nothing.
    valid = {code_from_secret(secret, device, offset_steps=n) for n in (-1, 0, 1)}
    wrong = next(c for c in (f"{n:06d}" for n in range(123456, 999999, 111111)) if c not in valid)
    page.get_by_label("Kod från appen").fill(wrong)
    session.submit(page.get_by_role("button", name="Aktivera"), status=200)
    assert page.get_by_role("alert").inner_text() == "Koden stämde inte. Kontrollera att klockan i telefonen går rätt och försök igen."
    assert page.url.endswith("/logga-in/tvastegs/")
    device.refresh_from_db()
    assert not device.confirmed

    # The code from an app that scanned the page's key activates two-factor log-in.
    wait_until_otp_allowed(device)
    page.get_by_label("Kod från appen").fill(code_from_secret(secret, device))
    session.submit(page.get_by_role("button", name="Aktivera"), status=200)
    assert "Tvåstegsverifiering är aktiverad." in session.messages()
    assert page.get_by_role("heading", level=1).inner_text() == "Översikt"
    device.refresh_from_db()
    assert device.confirmed
    session.visit("/kanalregister/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kanalregister"


@pytest.mark.browser
def test_login_locks_the_account_after_five_wrong_passwords(open_session, make_person):
    from django.conf import settings

    petra = make_person("petra", "Petra", "Holm", title="Verksamhetschef", roles=[("verksamhetschef", "kultur")])
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    session = open_session("inkräktare")
    session.visit("/logga-in/")
    for attempt in range(1, limit):
        session.login("petra", password=f"fel-lösenord-{attempt}", code="123456", expect="error")
        assert session.page.get_by_role("alert").inner_text() == WRONG_LOGIN, f"attempt {attempt}"
    response = session.login("petra", password="fel-lösenord-5", code="123456", expect="locked")
    assert response.status in (403, 429)
    assert session.page.get_by_role("heading", level=1).inner_text() == "Kontot är tillfälligt låst"
    assert "För många misslyckade inloggningsförsök" in session.page.get_by_role("alert").inner_text()

    # Locked means locked: the right password and code do not open it now.
    session.visit("/logga-in/")
    response = session.login("petra", password=PASSWORD, code=code_for(petra), expect="locked")
    assert squash(session.page.get_by_role("heading", level=1).inner_text()) == "Kontot är tillfälligt låst"
    session.visit("/kanalregister/")
    assert "/logga-in/" in session.page.url and session.page.get_by_role("heading", level=1).inner_text() == "Logga in"

    # Someone else is not locked out by it.
    colleague = make_person("nils", "Nils", "Ek", roles=[("redaktor", "kultur")])
    other = open_session("nils")
    other.visit("/logga-in/")
    other.login("nils", code=code_for(colleague))
