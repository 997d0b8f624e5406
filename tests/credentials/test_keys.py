"""The issuer's keys from settings, its did:web, the system check and the key command."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from credentials.checks import check_credential_keys
from credentials.keys import (
    b64url,
    can_sign,
    current_key,
    development_key,
    did_web,
    key_ring,
    new_key_line,
    parse_retired_key,
    parse_signing_key,
)
from credentials.models import Credential
from tests.credentials.issued import issue_workshop_certificate
from tests.test_settings import PROD_KEY, _run


@pytest.mark.parametrize(
    ("site_url", "did"),
    [
        ("https://training.example.org", "did:web:training.example.org"),
        ("https://Training.Example.org/", "did:web:training.example.org"),
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
        (
            "https://example.org:8443/programs/training",
            "did:web:example.org%3A8443:programs:training",
        ),
    ],
)
def test_did_web_from_the_site_address(site_url, did):
    assert did_web(site_url) == did


def test_a_site_address_without_host_is_refused():
    with pytest.raises(ImproperlyConfigured):
        did_web("/just/a/path")


def test_development_key_is_derived_from_the_secret_key_and_stable(settings):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_DEV_KEY = True
    key = current_key()
    assert key.key_id == "dev"
    assert key.public_bytes == development_key(settings.SECRET_KEY).public_bytes
    assert development_key("another secret").public_bytes != key.public_bytes


def test_signing_key_and_retired_keys_from_settings(settings):
    line, public = new_key_line("2026-12")
    _other, old = new_key_line("2026-06")
    settings.CREDENTIAL_SIGNING_KEY = line
    settings.CREDENTIAL_RETIRED_KEYS = [old]
    ring = key_ring()
    assert ring.current is not None and ring.current.key_id == "2026-12"
    assert ring.current.public_bytes == parse_retired_key(public).public_bytes
    assert [k.key_id for k in ring.retired] == ["2026-06"]
    assert ring.retired[0].private is None  # verify-only
    assert [k.key_id for k in ring.published] == ["2026-12", "2026-06"]


@pytest.mark.parametrize(
    "line",
    [
        "no-separator",
        "bad id!:" + b64url(b"\0" * 32),
        "short:" + b64url(b"\0" * 16),
        "notb64:***",
        ":" + b64url(b"\0" * 32),
    ],
)
def test_malformed_signing_keys_are_refused(line):
    with pytest.raises(ImproperlyConfigured):
        parse_signing_key(line)


def test_padded_base64_is_accepted():
    line, _public = new_key_line("k")
    assert parse_signing_key(line + "=").key_id == "k"


def test_system_check_without_a_key_is_an_error(settings):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_DEV_KEY = False
    assert not can_sign()
    assert [m.id for m in check_credential_keys(None)] == ["credentials.E001"]
    settings.CREDENTIAL_DEV_KEY = True
    assert check_credential_keys(None) == []


@pytest.mark.parametrize(
    ("signing", "retired"),
    [
        ("2026:tooshort", []),
        (None, ["old:" + b64url(b"\1" * 5)]),
        (None, ["dev:" + b64url(b"\1" * 32)]),  # the same id twice
    ],
)
def test_system_check_reports_malformed_keys(settings, signing, retired):
    settings.CREDENTIAL_DEV_KEY = True
    settings.CREDENTIAL_SIGNING_KEY = signing or ""
    settings.CREDENTIAL_RETIRED_KEYS = retired
    assert [m.id for m in check_credential_keys(None)] == ["credentials.E002"]
    assert not can_sign()


def test_small_status_list_is_a_warning(settings):
    settings.CREDENTIAL_STATUS_LIST_SIZE = 1024
    assert [m.id for m in check_credential_keys(None)] == ["credentials.W001"]


def test_production_without_a_signing_key_fails_the_system_check():
    result = _run(
        ["manage.py", "check"],
        DEBUG="0",
        SECRET_KEY=PROD_KEY,
        ALLOWED_HOSTS="training.example.org",
        SITE_URL="https://training.example.org",
    )
    assert result.returncode != 0
    assert "credentials.E001" in result.stdout + result.stderr


def test_credential_key_command_prints_a_key_line_and_the_rotation(settings):
    out = io.StringIO()
    call_command("credential_key", "2027-01", stdout=out)
    text = out.getvalue()
    line = text.splitlines()[0].removeprefix("CREDENTIAL_SIGNING_KEY=")
    key = parse_signing_key(line)
    assert key.key_id == "2027-01"
    assert f"2027-01:{b64url(key.public_bytes)}" in text
    dev = development_key(settings.SECRET_KEY)
    assert f"CREDENTIAL_RETIRED_KEYS=dev:{b64url(dev.public_bytes)}" in text
    # Two runs never print the same key.
    again = io.StringIO()
    call_command("credential_key", "2027-01", stdout=again)
    assert again.getvalue().splitlines()[0] != text.splitlines()[0]


def test_credential_key_command_refuses_a_used_or_bad_key_id():
    with pytest.raises(CommandError):
        call_command("credential_key", "dev", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("credential_key", "no spaces", stdout=io.StringIO())


@pytest.mark.django_db
def test_without_a_key_certificates_are_issued_unsigned_and_signed_later(
    settings, officer, client_for
):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_DEV_KEY = False
    certificate = issue_workshop_certificate(officer)
    assert not Credential.objects.filter(certificate=certificate).exists()
    url = reverse("credentials:credential_jwt", args=[certificate.pk])
    client = client_for(officer)
    assert client.get(url).status_code == 404
    # Once a key is set, the first download signs it.
    settings.CREDENTIAL_SIGNING_KEY, _public = new_key_line("2026-12")
    response = client.get(url)
    assert response.status_code == 200
    assert Credential.objects.get(certificate=certificate).key_id == "2026-12"
