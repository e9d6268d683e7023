"""axe-core (WCAG 2.1 A/AA) over every page reachable in the demo municipality.

The demo (uppsikt.core.demo.build_demo) has channels in every state, people with roles,
absences and staffing warnings, so the pages show every part they can show. The test
visits the pages it knows by name, then follows every link it finds on them (same site,
GET only) until nothing new turns up, so pages added later are checked without editing it.
Of addresses that differ only in query values (page 2, 3, ... of a list) one is visited.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest

pytestmark = pytest.mark.browser

# Not pages of the product's own UI: the Django admin, the API, open data, files, webhooks.
NOT_CRAWLED = ("/admin/", "/api/", "/static/", "/webhooks/", "/logga-ut/")
MAX_PAGES = 300


def demo_preset() -> str:
    from uppsikt.policies.loader import preset_names

    return "mora" if "mora" in preset_names() else "lilla-edet"


def items_page_paths(channels) -> list[str]:
    """The items page of each channel (/kanaler/<slug>/poster/), where the product has one."""
    from django.urls import Resolver404, resolve

    paths = []
    for channel in channels:
        path = f"/kanaler/{channel.slug}/poster/"
        try:
            resolve(path)
        except Resolver404:
            continue
        paths.append(path)
    return paths


def kind_of(path: str) -> tuple[str, tuple[str, ...]]:
    """Pages of one kind: the same path with the same query parameter names."""
    parts = urlsplit(path)
    return parts.path, tuple(sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}))


def links_on(session) -> list[str]:
    hrefs = session.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    base = urlsplit(session.base_url)
    found = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            continue
        if parts.path.startswith(NOT_CRAWLED) or parts.path.endswith(".json"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@pytest.mark.browser
def test_every_demo_page_passes_axe(open_session, transactional_db):
    from uppsikt.channels.models import Channel, Status
    from uppsikt.core.demo import build_demo

    build_demo(demo_preset())
    channels = list(Channel.objects.order_by("name"))
    assert {c.status for c in channels} == set(Status.values), "the demo should have channels in every state"

    # Public pages, before anyone logs in.
    public = open_session("allmänheten")
    public.visit("/kanaler")
    assert public.page.locator("tbody tr").count() == Channel.objects.filter(status=Status.ACTIVE).count()
    public.visit("/logga-in/")

    # Karin, the communications manager, logs in with one of her demo backup codes.
    karin = open_session("karin")
    karin.visit("/logga-in/")
    karin.login("karin", password="uppsikt-demo-2026", code="kar000")
    seen: set[str] = {"/"}
    kinds = {kind_of("/")}
    queue: deque[str] = deque()

    def visit(path: str, *, status: int = 200) -> None:
        karin.visit(path, status=status)
        seen.add(path)
        kinds.add(kind_of(path))
        queue.extend(p for p in links_on(karin) if kind_of(p) not in kinds)

    queue.extend(links_on(karin))  # from the dashboard
    visit("/kanalregister/")
    visit("/kanalregister/?status=active")
    for channel in channels:
        visit(f"/kanalregister/{channel.slug}/")
        assert karin.page.locator("h1 .badge").inner_text() == channel.get_status_display()
    for path in items_page_paths(channels):
        visit(path)

    # The proposal form, empty and then sent empty: the errors are shown, and accessible.
    visit("/kanalregister/ny/")
    karin.submit(karin.page.get_by_role("button", name="Föreslå kanalen"), status=400)
    errors = karin.page.locator("main .error")
    assert errors.count() >= 2, karin.main_text()
    name = karin.page.get_by_label("Kanalens namn (obligatoriskt)", exact=True)
    assert name.get_attribute("aria-invalid") == "true"
    # The error is the field's description, so a screen reader reads it with the field.
    assert name.evaluate("el => el.ariaDescribedByElements.map(e => e.textContent.trim())") == ["Det här fältet är obligatoriskt."]

    # Then every other page the product links to.
    while queue:
        path = queue.popleft()
        if kind_of(path) in kinds:
            continue
        assert len(seen) < MAX_PAGES, f"more than {MAX_PAGES} pages; is a link generating new addresses?"
        visit(path)

    print(f"{len(seen)} pages checked:", *sorted(seen), sep="\n  ")
    expected = {"/", "/kanalregister/", "/kanalregister/ny/", "/kanaler"} | {f"/kanalregister/{c.slug}/" for c in channels}
    assert expected <= seen, f"not visited: {sorted(expected - seen)}"
