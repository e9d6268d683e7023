"""Browser tests: headless Chromium (Playwright) against Django's live server, with axe-core.

Every page a test loads is checked with axe-core for WCAG 2.1 A and AA. Tests never call
Playwright's navigation directly; they use a :class:`Session` (one per person, each with
its own browser context and cookies), whose ``visit``, ``submit`` and ``login`` run axe on
the page that results. A navigation that no helper checked (a stray ``page.click`` that
loads a new page) fails the test at teardown, so no page escapes the check.

Chromium is Debian's package (``/usr/bin/chromium``, installed by ``make system-deps``);
Playwright never downloads a browser here. See docs/adr/0005-browser-tests.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .support import PASSWORD, Session

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told it is safe. It is: the loop is Playwright's own.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("UPPSIKT_CHROMIUM", "/usr/bin/chromium")
# The machines have no network: without these, Chromium waits on connections it cannot make.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 20_000


# --- the browser ---------------------------------------------------------------------

# Package scope: while Playwright's sync API is open, its event loop counts as running in
# this thread, so it is closed when the browser tests end, before any other test runs.
@pytest.fixture(scope="package")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}. The browser tests need Debian's chromium package: "
            "run `make system-deps` (or `apt-get install chromium`), or set UPPSIKT_CHROMIUM to a Chromium binary. "
            "Do not run `playwright install`; the tests use the system browser.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=60_000)
        except Exception as exc:  # noqa: BLE001 - the message says what to do
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}", pytrace=False)
        yield chromium
        chromium.close()


@pytest.fixture(scope="package")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def open_session(browser, axe, live_server):
    """Factory: ``open_session("karin")`` gives a fresh browser context (own cookies) for one person."""
    contexts = []
    sessions: list[Session] = []

    def make(name: str = "anonym") -> Session:
        context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        session = Session(name=name, page=context.new_page(), base_url=live_server.url, axe=axe)
        sessions.append(session)
        return session

    yield make
    try:
        stray = {s.name: s.unchecked_pages() for s in sessions if s.unchecked_pages()}
        assert not stray, f"pages loaded without an axe check (use Session.visit/submit): {stray}"
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def org(transactional_db):
    """A small municipality: the municipality, one administration under it, and role groups."""
    from uppsikt.accounts.models import Unit
    from uppsikt.accounts.services import ensure_roles

    ensure_roles()
    kommun = Unit.objects.create(name="Exempelby kommun", kind=Unit.Kind.KOMMUN, website="https://www.exempelby.se", email="kommun@exempelby.se")
    kultur = Unit.objects.create(name="Kultur- och fritidsförvaltningen", kind=Unit.Kind.FORVALTNING, parent=kommun, email="kultur@exempelby.se")
    return {"kommun": kommun, "kultur": kultur}


@pytest.fixture
def make_person(org):
    """``make_person("elin", "Elin", "Berg", roles=[("verksamhetschef", "kultur")], trained=True)``

    Creates the user with a confirmed TOTP device (``totp=True``), the given role grants
    and, with ``trained=True``, every course in COURSES completed recently.
    """
    from datetime import timedelta

    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from uppsikt.accounts.models import COURSES
    from uppsikt.accounts.services import create_user, grant_role, record_training

    def make(username, first, last, *, title="", roles=(), trained=False, totp=True):
        user = create_user(username, password=PASSWORD, first_name=first, last_name=last, email=f"{username}@exempelby.se", title=title, unit=org["kultur"])
        for role, unit_key in roles:
            grant_role(user, role, unit=org[unit_key])
        if trained:
            for course in COURSES:
                record_training(user, course, timezone.localdate() - timedelta(days=30))
        if totp:
            TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)
        return user

    return make
