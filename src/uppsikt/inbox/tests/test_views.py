"""The channel's items page (INB-1, REC-1): Swedish, accessible, behind the log-in."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from uppsikt.accounts import services as accounts
from uppsikt.inbox.services import ingest_items
from uppsikt.policies.vocabulary import CATEGORY_LABELS

from .factories import fetched, make_channel

pytestmark = pytest.mark.django_db


def login(client):
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    user = accounts.create_user("redaktor", password="ett-långt-lösenord-1", first_name="Rut")
    device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
    StaticToken.objects.create(device=device, token="abc123")
    response = client.post("/logga-in/", {"username": "redaktor", "password": "ett-långt-lösenord-1", "otp_token": "abc123"})
    assert response.status_code == 302
    return user


def test_INB_1_items_page_requires_log_in(client):
    channel = make_channel()
    url = reverse("inbox:channel_items", args=[channel.slug])
    assert url == f"/kanaler/{channel.slug}/poster/"
    response = client.get(url)
    assert response.status_code == 302 and "/logga-in/" in response["Location"]


def test_INB_1_items_page_lists_items_newest_first_with_record_status_and_triage(client, fake_triage):
    channel = make_channel()
    ingest_items(
        channel,
        [
            fetched("p1", "Välkomna till badplatsen vid Mörbyån! 🌞", kind="post", own=True, author="Mörbyåns kommun", minutes=0),
            fetched("c1", "När öppnar simhallen?", parent="p1", author="Åsa Öberg", minutes=5),
            fetched("c2", "Jag slår ihjäl handläggaren.", parent="p1", author="Göran Lindqvist", minutes=10),
        ],
        source="api",
    )
    ingest_items(channel, [fetched("c1", "När öppnar simhallen?", parent="p1", author="Åsa Öberg", minutes=5, deleted=True)], source="api")
    login(client)
    response = client.get(reverse("inbox:channel_items", args=[channel.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert html.count("<h1>") == 1 and "<h1>Poster i Mörbyåns kommun</h1>" in html
    assert html.index("Jag slår ihjäl") < html.index("När öppnar simhallen") < html.index("Välkomna till badplatsen")
    assert "<caption>" in html and all(f'<th scope="col">{name}</th>' in html for name in ("Tid", "Avsändare", "Typ", "Text", "Handling", "Bedömning"))
    assert html.count(">Inkommen<") == 2 and html.count(">Upprättad<") == 1
    assert '<span class="badge urgent">Brådskande</span>' in html
    with translation.override("sv"):
        assert f">{CATEGORY_LABELS['threat']}<" in html and f">{CATEGORY_LABELS['question']}<" in html
    assert "Borttagen på plattformen" in html
    assert re.search(r'<time datetime="2024-05-01T10:10:00\+02:00">', html)


def test_INB_1_items_page_is_paginated(client, no_triage_engine):
    channel = make_channel()
    ingest_items(channel, [fetched(f"c{n}", f"Kommentar nummer {n}", minutes=n) for n in range(60)], source="api")
    login(client)
    url = reverse("inbox:channel_items", args=[channel.slug])
    first = client.get(url).content.decode()
    assert "Sida 1 av 2" in first and "Kommentar nummer 59" in first and "Kommentar nummer 9<" not in first
    assert 'href="?sida=2"' in first and "Ej bedömd" in first
    second = client.get(url, {"sida": 2}).content.decode()
    assert "Sida 2 av 2" in second and "Kommentar nummer 0" in second


def test_INB_1_items_page_of_unknown_channel_is_404(client):
    login(client)
    assert client.get("/kanaler/finns-inte/poster/").status_code == 404


def test_INB_1_empty_channel_says_so(client):
    channel = make_channel()
    login(client)
    assert "Inga poster har hämtats" in client.get(reverse("inbox:channel_items", args=[channel.slug])).content.decode()


def test_MOD_6_items_page_shows_which_words_and_rule_led_to_each_assessment(client):
    """With the real engine: each assessed item explains itself in Swedish, for its own text."""
    channel = make_channel()
    ingest_items(
        channel,
        [
            fetched("c1", "Jag kommer att skjuta er alla på nästa fullmäktigemöte", author="Anonym", minutes=1),
            fetched("c2", "Tack för en bra nationaldag!", author="Åsa Öberg", minutes=2),
        ],
        source="api",
    )
    login(client)
    html = client.get(reverse("inbox:channel_items", args=[channel.slug])).content.decode()
    assert html.count("<summary>Varför den här bedömningen</summary>") == 2
    # Newest first: the thanks, then the threat.
    thanks = html[html.index("Tack för en bra nationaldag") : html.index("Jag kommer att skjuta")]
    threat = html[html.index("Jag kommer att skjuta") :]
    assert "(regel trivial." in thanks and "(regel threat." not in thanks
    assert "(regel threat." in threat and "skjuta" in threat.split("<details>", 1)[1]
