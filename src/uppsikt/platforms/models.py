"""A channel's API connection: the token (encrypted at rest), the account and the API root.

Changed only through ``uppsikt.platforms.services``. The token is never shown, logged or
put in an audit event; ``token_encrypted`` holds Fernet ciphertext (``core.crypto``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ChannelConnection(models.Model):
    channel = models.OneToOneField("channels.Channel", on_delete=models.CASCADE, related_name="connection", verbose_name="kanal")
    token_encrypted = models.TextField("åtkomsttoken (krypterad)", editable=False)
    account_id = models.CharField("kontots id på plattformen", max_length=200, blank=True)
    api_base = models.CharField("annan API-adress", max_length=500, blank=True, help_text="Ersätter bara plattformens API-rot (test, proxy).")
    webhook_secret_encrypted = models.TextField("webbkrokens hemlighet (krypterad)", blank=True, editable=False)
    connected_at = models.DateTimeField("kopplad", default=timezone.now)
    connected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="kopplad av")
    last_polled_at = models.DateTimeField("senast hämtad", null=True, blank=True)
    last_poll_error = models.TextField("senaste fel vid hämtning", blank=True)

    class Meta:
        verbose_name = "API-koppling"
        verbose_name_plural = "API-kopplingar"
        indexes = [models.Index(fields=["account_id"], name="platforms_conn_account_idx")]

    def __str__(self) -> str:
        return f"API-koppling för {self.channel}"

    def __repr__(self) -> str:  # never the token
        return f"<ChannelConnection channel={self.channel_id} account_id={self.account_id!r}>"
