"""The revocation status list (W3C Bitstring Status List), decoded independently of the code
that builds it, and verified with jwcrypto against the published keys."""

from __future__ import annotations

import base64
import gzip
import json
import time

import pytest
from django.urls import reverse

from attendance.services.certificates import revoke_certificate
from credentials import services
from credentials.keys import issuer_did, new_key_line
from credentials.models import Credential
from credentials.statuslist import bitstring, encode_list, status_list_credential
from tests.credentials.issued import (
    header_of,
    issue_track,
    issue_workshop_certificate,
    jwcrypto_verify,
    published_key,
)
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def _fetch(client) -> tuple[str, dict]:
    response = client.get(reverse("credentials:status_list"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Cache-Control"] == "public, max-age=60"
    token = response.content.decode()
    payload = jwcrypto_verify(token, published_key(client, header_of(token)["kid"], source="jwks"))
    return token, payload


def _bit(payload: dict, index: int) -> int:
    """Bit `index` of the list, read as the specification says (not with the site's code)."""
    encoded = payload["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")  # multibase base64url, no padding
    body = encoded[1:]
    assert "=" not in body
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert len(bits) * 8 == 131_072
    return (bits[index // 8] >> (7 - index % 8)) & 1


def test_revoking_a_certificate_sets_its_bit(client, officer, django_capture_on_commit_callbacks):
    certificate = issue_workshop_certificate(officer)
    other = issue_track(OfficerFactory(agency=officer.agency))
    index = Credential.objects.get(certificate=certificate).status_index
    other_index = Credential.objects.get(certificate=other).status_index

    token, payload = _fetch(client)
    assert _bit(payload, index) == 0 and _bit(payload, other_index) == 0
    assert payload["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    url = "http://127.0.0.1:8000" + reverse("credentials:status_list")
    assert payload["id"] == payload["jti"] == url
    assert payload["issuer"] == payload["iss"] == issuer_did()
    assert payload["credentialSubject"]["id"] == f"{url}#list"
    assert payload["credentialSubject"]["type"] == "BitstringStatusList"
    assert payload["credentialSubject"]["statusPurpose"] == "revocation"
    assert payload["exp"] - payload["nbf"] == 24 * 3600
    # The credential's status entry points at this list and bit.
    status = json.loads(
        base64.urlsafe_b64decode(
            Credential.objects.get(certificate=certificate).jwt.split(".")[1] + "=="
        )
    )["credentialStatus"]
    assert status["statusListCredential"] == url
    assert status["statusListIndex"] == str(index)

    # Served from the cache until something is revoked.
    assert _fetch(client)[0] == token

    with django_capture_on_commit_callbacks(execute=True):
        revoke_certificate(certificate=certificate, reason="Issued in error")
    _token, payload = _fetch(client)
    assert _bit(payload, index) == 1
    assert _bit(payload, other_index) == 0


def test_status_list_is_public(client, client_for, officer):
    assert client.get(reverse("credentials:status_list")).status_code == 200
    assert client.post(reverse("credentials:status_list")).status_code == 405
    assert client_for(officer).get(reverse("credentials:status_list")).status_code == 200


def test_rotation_signs_the_list_with_the_new_key(client, settings):
    first, _p = _fetch(client)
    settings.CREDENTIAL_SIGNING_KEY, _public = new_key_line("2026-12")
    second, _p = _fetch(client)
    assert header_of(first)["kid"].endswith("#dev")
    assert header_of(second)["kid"] == f"{issuer_did()}#2026-12"


def test_bit_zero_is_the_most_significant_bit_of_the_first_byte():
    assert bitstring([0], 16) == bytes([0x80, 0])
    assert bitstring([7, 8, 15], 16) == bytes([0x01, 0x81])
    assert bitstring([16, -1], 16) == bytes(2)  # outside the list: ignored
    encoded = encode_list(bitstring([3], 131_072))
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert raw[0] == 0x10 and not any(raw[1:])


def test_building_the_list_is_one_query_whatever_the_revocations(
    officer, django_assert_num_queries
):
    for n in range(3):
        certificate = issue_workshop_certificate(officer, title=f"Workshop {n}")
        revoke_certificate(certificate=certificate, reason="test")
    with django_assert_num_queries(1):
        status_list_credential()


def test_status_indexes_are_drawn_at_random_and_never_shared(officer, monkeypatch):
    taken = Credential.objects.get(certificate=issue_workshop_certificate(officer)).status_index
    free = (taken + 1) % 131_072
    draws = iter([taken, taken, free])
    monkeypatch.setattr(services.secrets, "randbelow", lambda size: next(draws))
    second = issue_workshop_certificate(OfficerFactory(agency=officer.agency), title="Second")
    assert Credential.objects.get(certificate=second).status_index == free


def test_a_nearly_full_list_still_finds_the_free_bit(officer, settings, monkeypatch):
    settings.CREDENTIAL_STATUS_LIST_SIZE = 8
    certificates = [
        issue_workshop_certificate(OfficerFactory(agency=officer.agency), title=f"W{n}")
        for n in range(7)
    ]
    used = set(Credential.objects.values_list("status_index", flat=True))
    assert len(used) == 7 and used <= set(range(8))
    last = issue_workshop_certificate(officer, title="The last one")
    assert Credential.objects.get(certificate=last).status_index == (set(range(8)) - used).pop()
    assert len(certificates) == 7
    # Full: the certificate is still issued, its credential left unsigned (and logged).
    unsigned = issue_workshop_certificate(OfficerFactory(agency=officer.agency), title="Too many")
    assert not Credential.objects.filter(certificate=unsigned).exists()
    with pytest.raises(services.StatusListFull):
        services.sign_certificate(certificate=unsigned)


def test_building_a_large_list_is_quick():
    """The work per revoked credential, with a full list's worth of revocations."""
    started = time.perf_counter()
    encoded = encode_list(bitstring(range(0, 131_072, 2), 131_072))
    assert time.perf_counter() - started < 1.0
    assert encoded.startswith("u")
