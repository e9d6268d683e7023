"""``uppsikt channel connect``: the token stored encrypted, never shown; bad input changes nothing."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from uppsikt.audit.models import AuditEvent
from uppsikt.cli import main
from uppsikt.core import crypto
from uppsikt.platforms import services
from uppsikt.platforms.models import ChannelConnection

TOKEN = "EAAGm0PX4ZCpsBAhemlig-sidtoken-42"


@pytest.fixture
def slug(db, capsys):
    assert main(["channel", "create", "--platform", "facebook", "--name", "Kulturhuset"]) == 0
    return capsys.readouterr().out.strip()


@pytest.fixture
def token_file(tmp_path):
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n", encoding="utf-8")
    return path


def test_GOV_5_connect_stores_token_encrypted(slug, token_file, capsys):
    assert main(["channel", "connect", slug, "--token-file", str(token_file), "--account-id", "104857600000001"]) == 0
    out = capsys.readouterr()
    assert TOKEN not in out.out + out.err
    stored = ChannelConnection.objects.get(channel__slug=slug)
    assert TOKEN not in stored.token_encrypted and stored.token_encrypted.startswith("gAAAA")
    with connection.cursor() as cursor:
        cursor.execute("SELECT token_encrypted FROM platforms_channelconnection")
        (column,) = cursor.fetchone()
    assert TOKEN not in column and TOKEN.encode() not in column.encode()
    assert crypto.decrypt(column) == TOKEN
    assert TOKEN not in repr(stored) and TOKEN not in str(stored)
    credentials = services.credentials_for(stored.channel)
    assert credentials.token == TOKEN and credentials.account_id == "104857600000001" and credentials.api_base is None
    event = AuditEvent.objects.get(name="channel_connected")
    assert TOKEN not in event.message and TOKEN not in str(event.data)


def test_GOV_5_reconnect_replaces_credentials(slug, token_file, tmp_path):
    assert main(["channel", "connect", slug, "--token-file", str(token_file)]) == 0
    other = tmp_path / "ny-token"
    other.write_text("EAAGny-token-2024", encoding="utf-8")
    assert main(["channel", "connect", slug, "--token-file", str(other), "--api-base", "http://127.0.0.1:9/v21.0/"]) == 0
    stored = ChannelConnection.objects.get(channel__slug=slug)
    assert crypto.decrypt(stored.token_encrypted) == "EAAGny-token-2024" and stored.api_base == "http://127.0.0.1:9/v21.0"
    assert AuditEvent.objects.filter(name="channel_connected").count() == 2


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda tmp: tmp / "saknas.txt", "tokenfilen finns inte"),
        (lambda tmp: _write(tmp / "tom.txt", b"  \n\n"), "tokenfilen är tom"),
        (lambda tmp: tmp, "tokenfilen är en mapp"),
        (lambda tmp: _write(tmp / "binar.bin", b"\xff\xfe\x00token"), "inte UTF-8"),
        (lambda tmp: _write(tmp / "tva.txt", b"EAAG1\nEAAG2\n"), "en enda rad"),
    ],
)
def test_GOV_5_bad_token_file_is_one_clear_line_and_stores_nothing(slug, tmp_path, capsys, setup, message):
    path = setup(tmp_path)
    assert main(["channel", "connect", slug, "--token-file", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("uppsikt: ") and message in err and len(err.strip().splitlines()) == 1
    assert not ChannelConnection.objects.exists()
    assert not AuditEvent.objects.filter(name="channel_connected").exists()


@pytest.mark.parametrize("bad", ["ftp://graph.example/v21.0", "inte en adress", "http:///v21.0", "https://graph.example/v21.0?x=1",
                                 "https://anna:hemligt@graph.example/v21.0", "http://127.0.0.1:port/v21.0"])
def test_GOV_5_invalid_api_base_is_refused(slug, token_file, capsys, bad):
    assert main(["channel", "connect", slug, "--token-file", str(token_file), "--api-base", bad]) == 1
    err = capsys.readouterr().err
    assert "ogiltig API-adress" in err and len(err.strip().splitlines()) == 1 and "hemligt" not in err
    assert not ChannelConnection.objects.exists()


def test_GOV_5_unknown_channel_is_refused(db, token_file, capsys):
    assert main(["channel", "connect", "finns-inte", "--token-file", str(token_file)]) == 1
    assert capsys.readouterr().err.strip() == "uppsikt: okänd kanal: finns-inte"
    assert not ChannelConnection.objects.exists()


def test_GOV_5_platform_specific_requirements(db, token_file, capsys):
    assert main(["channel", "create", "--platform", "linkedin", "--name", "Näringslivskontoret"]) == 0
    linkedin = capsys.readouterr().out.strip()
    assert main(["channel", "connect", linkedin, "--token-file", str(token_file)]) == 1
    assert "--account-id" in capsys.readouterr().err
    assert main(["channel", "create", "--platform", "mastodon", "--name", "Kommunen på Mastodon"]) == 0
    mastodon = capsys.readouterr().out.strip()
    assert main(["channel", "connect", mastodon, "--token-file", str(token_file)]) == 1
    assert "instansens adress" in capsys.readouterr().err
    assert not ChannelConnection.objects.exists()


def test_poll_unconnected_channel_is_a_clear_error(slug, capsys):
    assert main(["poll", slug]) == 1
    err = capsys.readouterr().err
    assert "inte kopplad" in err and "uppsikt channel connect" in err


def test_GOV_5_crypto_rotation(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old
    secret = crypto.encrypt("hemligt")
    settings.FIELD_ENCRYPTION_KEY = f"{new},{old}"
    assert crypto.decrypt(secret) == "hemligt"
    rotated = crypto.rotate(secret)
    settings.FIELD_ENCRYPTION_KEY = new
    assert crypto.decrypt(rotated) == "hemligt"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(secret)


def _write(path, content: bytes):
    path.write_bytes(content)
    return path
