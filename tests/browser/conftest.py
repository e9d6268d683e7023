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
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

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
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
TIMEOUT_MS = 20_000
PASSWORD = "rätt-lösenord-för-test-2026"


# --- the browser ---------------------------------------------------------------------

@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


# --- axe-checked sessions ----------------------------------------------------------------

class AccessibilityError(AssertionError):
    pass


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact') or 'unknown impact'}): {v.get('help', '')}")
        for node in v.get("nodes", []):
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    target: {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@dataclass
class Session:
    """One person at one browser: visits pages and submits forms, each result checked by axe."""

    name: str
    page: object
    base_url: str
    axe: object
    loaded: list[str] = field(default_factory=list)  # main-frame documents, in order
    checked: int = 0  # how many of them axe has checked
    visited: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.loaded.append(frame.url)

    # navigation
    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def visit(self, path: str, *, status: int = 200):
        response = self.page.goto(self.url(path))
        assert response is not None, f"{self.name}: no response for {path}"
        assert response.status == status, f"{self.name}: {path} answered {response.status}, expected {status}"
        self.check()
        return response

    def submit(self, button, *, status: int | None = None):
        """Press a submit button (a Playwright locator) and check the page the form leads to."""
        with self.page.expect_navigation() as nav:
            button.click()
        response = nav.value
        if status is not None:
            assert response is not None and response.status == status, (
                f"{self.name}: the form answered {response.status if response else None}, expected {status}"
            )
        self.check()
        return response

    def follow(self, link, *, status: int | None = 200):
        """Follow a link (a Playwright locator) and check the page it leads to."""
        return self.submit(link, status=status)

    def screenshot(self, name: str) -> None:
        """Full-page PNG into $UPPSIKT_BROWSER_SCREENSHOTS, when set (for looking at the pages)."""
        folder = os.environ.get("UPPSIKT_BROWSER_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    def check(self) -> None:
        """Run axe-core on the page now shown; fail listing every violation."""
        self.page.wait_for_load_state("load")
        results = self.axe.run(self.page, options=AXE_OPTIONS).response
        self.checked = len(self.loaded)
        self.visited.append(self.page.url)
        violations = results["violations"]
        if violations:
            raise AccessibilityError(format_violations(self.page.url, violations))

    def unchecked_pages(self) -> list[str]:
        return self.loaded[self.checked :]

    # log-in
    def login(self, username: str, password: str = PASSWORD, code: str = "", *, expect: str = "dashboard"):
        """Fill in the log-in form (password and one-time code) and check the page that follows."""
        if "/logga-in/" not in self.page.url:
            self.visit("/logga-in/")
        self.page.get_by_label("Användarnamn").fill(username)
        self.page.get_by_label("Lösenord").fill(password)
        self.page.get_by_label("Engångskod").fill(code)
        response = self.submit(self.page.get_by_role("button", name="Logga in"))
        if expect == "dashboard":
            assert self.page.get_by_role("heading", level=1, name="Översikt").is_visible(), (
                f"{username} did not reach the dashboard: {self.page.url}\n{self.page.locator('main').inner_text()}"
            )
        return response

    def main_text(self) -> str:
        return self.page.locator("main").inner_text()

    def messages(self) -> str:
        box = self.page.locator(".messages")
        return box.inner_text() if box.count() else ""


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


# --- people ------------------------------------------------------------------------------

def totp_code(device, at: float | None = None) -> str:
    """The code an authenticator app shows now for this TOTP device."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def code_for(user) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return totp_code(TOTPDevice.objects.get(user=user, confirmed=True))


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


def wait_until_otp_allowed(device, timeout: float = 10.0) -> None:
    """django-otp throttles a device after a wrong code (1 s, then doubling); wait it out."""
    deadline = time.monotonic() + timeout
    while True:
        device.refresh_from_db()
        allowed, _ = device.verify_is_allowed()
        if allowed or time.monotonic() > deadline:
            return
        time.sleep(0.2)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
