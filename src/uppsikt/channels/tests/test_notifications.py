"""GOV-8 / LE §9: the communications unit is told, by real e-mail over SMTP, when a channel opens or closes."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from uppsikt.channels import services

from . import factories as f


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, str(message["subject"]), message.get_content()))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    yield inbox
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_GOV_8_communications_unit_told_when_channel_opens_and_closes(roles, smtp):
    u = f.unit()
    lead = f.person("lead", roles=["social_media_lead"], unit_=u)
    lead.email = "kommunikation@testby.se"
    lead.save()
    chef = f.person("chef", roles=["verksamhetschef"], unit_=u)
    c = services.approve(f.checklist_done(f.proposed(unit_=u, name="Simhallen")), actor=chef)
    for name in ("a", "b"):
        services.add_member(c, f.person(name, roles=["redaktor"], unit_=u, trained=True), actor=None)
    services.activate(c, actor=None)
    assert len(smtp.messages) == 1
    rcpt, subject, body = smtp.messages[0]
    assert rcpt == ["kommunikation@testby.se"] and subject == "Ny kanal i sociala medier: Simhallen" and "förteckning" in body
    services.start_closing(c, actor=None)
    services.close(c, actor=None, content_preserved=True, comms_informed=True)
    assert len(smtp.messages) == 2 and smtp.messages[1][1] == "Kanal i sociala medier stängd: Simhallen"
