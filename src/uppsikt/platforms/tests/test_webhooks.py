"""The Meta webhook receiver: signature over the raw body, handshake, items ingested."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from uppsikt.audit.models import AuditEvent
from uppsikt.inbox.models import Item
from uppsikt.platforms import services

from .support import raw

SECRET = "meta-app-hemlighet"
PAGE = "104857600000001"
IG = "17841400000000001"


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def channels(db, settings):
    from uppsikt.channels.tests.factories import proposed

    settings.META_APP_SECRET = SECRET
    settings.META_VERIFY_TOKEN = "verifiera-mig"
    page = proposed(platform="facebook", name="Exempelby kommun")
    services.connect_channel(page, "EAAGtoken", account_id=PAGE)
    insta = proposed(platform="instagram", name="Exempelby på Instagram")
    services.connect_channel(insta, "EAAGtoken", account_id=IG)
    return page, insta


def post(client, body: bytes, signature: str | None):
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature is not None else {}
    return client.post("/webhooks/meta/", data=body, content_type="application/json", **headers)


def test_INB_1_webhook_rejects_wrong_signature(client, channels):
    body = raw("facebook", "webhook_feed.json")
    for signature in (sign(body, "fel-hemlighet"), None, "sha1=" + hashlib.sha1(body).hexdigest(), sign(body + b" ")):
        response = post(client, body, signature)
        assert response.status_code == 403
    assert not Item.objects.exists()
    rejected = AuditEvent.objects.filter(name="webhook_rejected")
    assert rejected.count() == 4 and "signaturen" in rejected.first().message


def test_INB_1_webhook_accepts_right_signature_and_ingests(client, channels):
    page, insta = channels
    body = raw("facebook", "webhook_feed.json")
    response = post(client, body, sign(body))
    assert response.status_code == 200 and response.json()["nya"] == 2
    comment = Item.objects.get(channel=page, platform_id="812345678901234_998877665544321")
    assert comment.kind == "comment" and comment.source == "webhook" and comment.record_status == "inkommen"
    assert Item.objects.get(channel=page, platform_id="812345678901234_998877665544322").kind == "reply"
    assert post(client, body, sign(body)).json()["nya"] == 0  # Meta retries: nothing twice

    ig_body = raw("instagram", "webhook_comments.json")
    assert post(client, ig_body, sign(ig_body)).status_code == 200
    assert Item.objects.get(channel=insta, platform_id="17865000000000077").text == "Vilka fina bilder ni tar!"
    assert AuditEvent.objects.filter(name="webhook_received").count() == 3  # every accepted delivery


def test_INB_1_webhook_without_secret_or_with_garbage(client, channels, settings):
    body = b"inte json"
    assert post(client, body, sign(body)).status_code == 400
    settings.META_APP_SECRET = None
    good = raw("facebook", "webhook_feed.json")
    assert post(client, good, sign(good)).status_code == 403
    assert not Item.objects.exists()


def test_INB_1_webhook_subscription_handshake(client, channels):
    ok = client.get("/webhooks/meta/", {"hub.mode": "subscribe", "hub.verify_token": "verifiera-mig", "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.content == b"1158201444"
    wrong = client.get("/webhooks/meta/", {"hub.mode": "subscribe", "hub.verify_token": "gissning", "hub.challenge": "1"})
    assert wrong.status_code == 403
    assert AuditEvent.objects.filter(name="webhook_rejected").exists()


def test_INB_1_webhook_for_unknown_page_is_ignored(client, channels):
    body = raw("facebook", "webhook_feed.json").replace(PAGE.encode(), b"999999999999999")
    response = post(client, body, sign(body))
    assert response.status_code == 200 and response.json()["nya"] == 0
