"""Helpers for the browser tests: axe-checked sessions, one-time codes, text."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
PASSWORD = "rätt-lösenord-för-test-2026"
DANGLING_IDREFS_JS = """() => {
  const found = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-errormessage", "aria-controls"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          const name = el.id ? `#${el.id}` : el.tagName.toLowerCase();
          found.push(`${name} ${attr}="${id}"`);
        }
      }
    }
  }
  return found;
}"""


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
        """The whole page as screen-sized PNGs (name-1.png, name-2.png, ...) into
        $UPPSIKT_BROWSER_SCREENSHOTS, when that is set (for people to look at the pages)."""
        folder = os.environ.get("UPPSIKT_BROWSER_SCREENSHOTS")
        if not folder:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        size = self.page.viewport_size
        height = self.page.evaluate("document.documentElement.scrollHeight")
        for n, top in enumerate(range(0, height, size["height"]), start=1):
            clip = {"x": 0, "y": top, "width": size["width"], "height": min(size["height"], height - top)}
            self.page.screenshot(path=str(Path(folder) / f"{name}-{n}.png"), full_page=True, clip=clip)

    def check(self) -> None:
        """Run axe-core on the page now shown; fail listing every violation."""
        self.page.wait_for_load_state("load")
        results = self.axe.run(self.page, options=AXE_OPTIONS).response
        self.checked = len(self.loaded)
        self.visited.append(self.page.url)
        violations = results["violations"]
        if violations:
            raise AccessibilityError(format_violations(self.page.url, violations))
        # axe only flags a dangling ARIA reference for review; a field whose error text or
        # help text it points to is missing is not read out, so it fails here.
        dangling = self.page.evaluate(DANGLING_IDREFS_JS)
        if dangling:
            raise AccessibilityError(f"ARIA references to elements that do not exist on {self.page.url}:\n" + "\n".join(f"- {d}" for d in dangling))

    def unchecked_pages(self) -> list[str]:
        return self.loaded[self.checked :]

    # log-in
    def login(self, username: str, password: str = PASSWORD, code: str = "", *, expect: str = "dashboard"):
        """Fill in the log-in form (password and one-time code) and check the page that follows.

        ``expect``: the page the log-in should lead to: "dashboard", "otp_setup" (first
        log-in, no authenticator app yet), "error" (the form again) or "locked".
        """
        if "/logga-in/" not in self.page.url:
            self.visit("/logga-in/")
        self.page.get_by_label("Användarnamn").fill(username)
        self.page.get_by_label("Lösenord").fill(password)
        self.page.get_by_label("Engångskod").fill(code)
        response = self.submit(self.page.get_by_role("button", name="Logga in"))
        heading = self.page.get_by_role("heading", level=1)
        expected = {"dashboard": "Översikt", "otp_setup": "Koppla en autentiseringsapp", "error": "Logga in", "locked": "Kontot är tillfälligt låst"}[expect]
        assert heading.inner_text() == expected, (
            f"log-in as {username}: expected the page '{expected}', got '{heading.inner_text()}' at {self.page.url}\n{self.main_text()}"
        )
        return response

    def main_text(self) -> str:
        return self.page.locator("main").inner_text()

    def messages(self) -> str:
        box = self.page.locator(".messages")
        return box.inner_text() if box.count() else ""


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
