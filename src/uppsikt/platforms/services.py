"""Connecting channels to their platforms' APIs, polling them, and receiving Meta webhooks.

Every change of state goes through a function here, in a transaction, with a named audit
event (invariant 3). The token is encrypted before it is stored (``core.crypto``) and is
never logged, shown or put in an audit event.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from uppsikt.audit.events import log
from uppsikt.channels.models import Channel, Status
from uppsikt.core import crypto
from uppsikt.policies.schema import PolicyError

from .apiclient import check_api_base
from .base import PlatformError
from .models import ChannelConnection
from .registry import Credentials, get_connector_class

DEFAULT_POLL_INTERVAL_MINUTES = 5
ACCOUNT_ID_LABELS = {
    "facebook": "sidans id",
    "instagram": "Instagram-kontots id (IG-användar-id)",
    "x": "kontots användar-id",
    "youtube": "kanalens id (UC…)",
    "linkedin": "organisationens id",
    "mastodon": "kontots id",
}
# Platforms whose API cannot tell a token's own account: the id must be given.
ACCOUNT_ID_REQUIRED = {"instagram", "linkedin"}


class ConnectError(ValueError):
    """A channel cannot be connected or used as asked; the message is one Swedish line."""


@dataclass
class PollSummary:
    fetched: int
    created: int
    updated: int

    def as_dict(self) -> dict[str, int]:
        return {"fetched": self.fetched, "created": self.created, "updated": self.updated}


# --- connecting ---------------------------------------------------------------------


def normalise_api_base(url: str | None) -> str:
    if url is None or not url.strip():
        return ""
    url = url.strip().rstrip("/")
    try:
        check_api_base(url, "API-adressen")
    except PlatformError as exc:
        raise ConnectError(str(exc)) from None
    return url


def connect_channel(channel: Channel, token: str, account_id: str | None = None, api_base: str | None = None, actor=None,
                    webhook_secret: str | None = None) -> ChannelConnection:
    """Store ``channel``'s API credentials, the token encrypted; replaces an earlier connection."""
    token = (token or "").strip()
    if not token:
        raise ConnectError("token saknas")
    if any(ch.isspace() for ch in token):
        raise ConnectError("token får inte innehålla mellanslag eller radbrytningar")
    if channel.platform not in ACCOUNT_ID_LABELS and channel.platform != "sandbox":
        raise ConnectError(f"okänd plattform: {channel.platform}")
    base = normalise_api_base(api_base)
    if channel.platform == "mastodon" and not base and not _instance_root(channel):
        raise ConnectError("Mastodon behöver instansens adress: ange --api-base (t.ex. https://mastodon.nu) eller kanalens adress")
    account = (account_id or "").strip()
    if not account and channel.platform in ACCOUNT_ID_REQUIRED:
        raise ConnectError(f"{channel.platform_label} behöver --account-id ({ACCOUNT_ID_LABELS[channel.platform]})")
    if channel.status in (Status.CLOSED, Status.REJECTED):
        raise ConnectError(f"kanalen {channel.slug} är {channel.get_status_display().lower()} och kan inte kopplas")
    with transaction.atomic():
        Channel.objects.select_for_update().filter(pk=channel.pk).values_list("pk", flat=True).first()
        connection, created = ChannelConnection.objects.update_or_create(
            channel=channel,
            defaults={
                "token_encrypted": crypto.encrypt(token),
                "account_id": account,
                "api_base": base,
                "webhook_secret_encrypted": crypto.encrypt(webhook_secret) if webhook_secret else "",
                "connected_at": timezone.now(),
                "connected_by": actor if getattr(actor, "pk", None) else None,
                "last_poll_error": "",
            },
        )
        log(
            "channel_connected",
            actor=actor,
            obj=channel,
            channel=channel.name,
            platform=channel.platform,
            account_id=account,
            api_base=base,
            replaced=not created,
        )
    return connection


def _instance_root(channel: Channel) -> str:
    if not channel.url:
        return ""
    parts = urlsplit(channel.url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return ""


def connection_for(channel: Channel) -> ChannelConnection:
    try:
        return ChannelConnection.objects.get(channel=channel)
    except ChannelConnection.DoesNotExist:
        raise ConnectError(f"kanalen {channel.slug} är inte kopplad till plattformens API; kör först: uppsikt channel connect {channel.slug} --token-file FIL") from None


def credentials_for(channel: Channel) -> Credentials:
    """The channel's credentials with the token decrypted, for a connector."""
    connection = connection_for(channel)
    try:
        token = crypto.decrypt(connection.token_encrypted)
    except crypto.DecryptionError as exc:
        raise ConnectError(f"{channel.slug}: {exc}") from None
    api_base = connection.api_base or None
    if channel.platform == "mastodon" and not api_base:
        api_base = _instance_root(channel) or None
    return Credentials(token=token, account_id=connection.account_id, api_base=api_base)


def webhook_secret_for(connection: ChannelConnection) -> str:
    if not connection.webhook_secret_encrypted:
        return ""
    try:
        return crypto.decrypt(connection.webhook_secret_encrypted)
    except crypto.DecryptionError:
        return ""


def connector_for(channel: Channel, **kwargs):
    cls = get_connector_class(channel.platform)
    return cls(credentials_for(channel), **kwargs)


# --- polling --------------------------------------------------------------------------


def poll(channel: Channel, *, actor=None, connector=None) -> PollSummary:
    """Fetch what is new on ``channel`` once (INB-1, REC-2), through ``inbox.services.poll_channel``.

    Pages commit one by one with the cursor after them, so when the platform fails half
    way the pages before stay stored and the next poll goes on from there. The failure is
    recorded on the connection and in the audit log, then raised as ``PlatformError``.
    """
    from uppsikt.inbox.services import poll_channel

    if channel.platform == "sandbox" and connector is None and not ChannelConnection.objects.filter(channel=channel).exists():
        # The practice channel needs no credentials.
        result = poll_channel(channel, actor=actor)
        return PollSummary(fetched=result.read, created=result.created, updated=result.updated)
    credentials = credentials_for(channel)
    owned = connector is None
    if connector is None:
        connector = get_connector_class(channel.platform)(credentials)
    try:
        result = poll_channel(channel, credentials=credentials, connector=connector, actor=actor)
    except PlatformError as exc:
        _record_poll(channel, error=str(exc), actor=actor)
        raise
    finally:
        if owned and hasattr(connector, "close"):
            connector.close()
    _record_poll(channel, error="", actor=actor)
    return PollSummary(fetched=result.read, created=result.created, updated=result.updated)


def _record_poll(channel: Channel, *, error: str, actor=None) -> None:
    with transaction.atomic():
        ChannelConnection.objects.filter(channel=channel).update(last_polled_at=timezone.now(), last_poll_error=error[:2000])
        if error:
            log("channel_poll_failed", actor=actor, obj=channel, channel=channel.slug, error=error[:500])


def poll_interval(channel: Channel) -> timedelta:
    """How often the channel is polled: the policy's ``response.poll_interval_minutes``."""
    try:
        minutes = channel.policy.response.poll_interval_minutes
    except PolicyError:  # a broken municipal policy must not stop the archiving; the default applies
        minutes = DEFAULT_POLL_INTERVAL_MINUTES
    return timedelta(minutes=minutes)


def channels_due(now=None) -> list[int]:
    """Active, connected channels whose poll interval has passed."""
    now = now or timezone.now()
    due = []
    connections = ChannelConnection.objects.select_related("channel").filter(channel__status=Status.ACTIVE).order_by("channel_id")
    for connection in connections:
        last = connection.last_polled_at
        if last is None or last + poll_interval(connection.channel) <= now:
            due.append(connection.channel_id)
    return due


# --- Meta webhooks ----------------------------------------------------------------------


class WebhookRejected(Exception):
    """The webhook failed its check; ``status`` is the HTTP answer to give."""

    def __init__(self, reason: str, status: int = 403):
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass
class WebhookResult:
    channels: int = 0
    read: int = 0
    created: int = 0
    updated: int = 0


META_PLATFORMS = {"page": "facebook", "instagram": "instagram"}


def _meta_secrets() -> list[str]:
    secrets = []
    if getattr(settings, "META_APP_SECRET", None):
        secrets.append(settings.META_APP_SECRET)
    for connection in ChannelConnection.objects.filter(channel__platform__in=META_PLATFORMS.values()).exclude(webhook_secret_encrypted=""):
        secret = webhook_secret_for(connection)
        if secret and secret not in secrets:
            secrets.append(secret)
    return secrets


def meta_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def check_meta_signature(body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature-256`` is ``sha256=`` and the HMAC-SHA256 of the raw body with the app secret."""
    if not header or not header.startswith("sha256="):
        return False
    matched = False
    for secret in _meta_secrets():
        # Compare against every secret, so the time taken does not tell which one matched.
        matched |= hmac.compare_digest(meta_signature(body, secret).encode("ascii"), header.strip().encode("ascii", "replace"))
    return matched


def reject_webhook(platform: str, reason: str) -> None:
    with transaction.atomic():
        log("webhook_rejected", platform=platform, reason=reason)


def verify_meta_subscription(mode: str | None, token: str | None, challenge: str | None) -> str:
    """The GET handshake: answer ``hub.challenge`` when ``hub.verify_token`` matches; else raise."""
    expected = getattr(settings, "META_VERIFY_TOKEN", None) or ""
    if mode != "subscribe" or not expected or not token or not hmac.compare_digest(token.encode(), expected.encode()):
        reject_webhook("Meta", "fel verifieringstoken vid prenumeration")
        raise WebhookRejected("fel verifieringstoken", 403)
    if not challenge:
        raise WebhookRejected("hub.challenge saknas", 400)
    return challenge


def receive_meta_webhook(body: bytes, signature: str | None) -> WebhookResult:
    """Check and store a Facebook/Instagram webhook delivery (INB-1, REC-2).

    The signature is checked against the raw body before anything in it is read. Each
    entry goes to the connected channel whose account id it names; entries for accounts
    that are not connected are ignored (Meta sends one app's events for every page).
    """
    from uppsikt.inbox.services import ingest_items

    from .connectors import facebook, instagram

    if not _meta_secrets():
        reject_webhook("Meta", "ingen app-hemlighet är inställd (META_APP_SECRET)")
        raise WebhookRejected("ingen app-hemlighet är inställd", 403)
    if not check_meta_signature(body, signature):
        reject_webhook("Meta", "signaturen saknas" if not signature else "signaturen stämmer inte")
        raise WebhookRejected("ogiltig signatur", 403)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        reject_webhook("Meta", "innehållet är inte JSON")
        raise WebhookRejected("innehållet är inte JSON", 400) from None
    if not isinstance(payload, dict) or payload.get("object") not in META_PLATFORMS or not isinstance(payload.get("entry"), list):
        reject_webhook("Meta", "okänd struktur (object/entry saknas)")
        raise WebhookRejected("okänd struktur", 400)
    platform = META_PLATFORMS[payload["object"]]
    parse = facebook.webhook_items if platform == "facebook" else instagram.webhook_items
    result = WebhookResult()
    for entry in payload["entry"]:
        if not isinstance(entry, dict) or not entry.get("id"):
            continue
        account = str(entry["id"])
        for connection in ChannelConnection.objects.select_related("channel").filter(account_id=account, channel__platform=platform):
            channel = connection.channel
            if channel.status in (Status.CLOSED, Status.REJECTED):
                continue
            items = parse(entry, account)
            if not items:
                continue
            ingested = ingest_items(channel, items, source="webhook")
            result.channels += 1
            result.read += ingested.read
            result.created += ingested.created
            result.updated += ingested.updated
            with transaction.atomic():
                log("webhook_received", obj=channel, platform=channel.platform_label, channel=channel.slug,
                    read=ingested.read, created=ingested.created, updated=ingested.updated)
    return result
