"""Checking a credential file on /verify/: the holder's .jwt or .json download, or the JWT
pasted; genuine, revoked, expired, tampered, forged and plain garbage."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from jwcrypto import jwk, jws

from attendance.services.certificates import revoke_certificate
from credentials import filecheck
from credentials.keys import issuer_did, new_key_line
from credentials.models import Credential
from credentials.statuslist import signed_status_list
from tests.credentials.issued import header_of, issue_track, issue_workshop_certificate

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="
URL = "/verify/file/"


def _jwt(certificate) -> str:
    return Credential.objects.get(certificate=certificate).jwt


def _envelope(token: str) -> bytes:
    return json.dumps(
        {
            "@context": "https://www.w3.org/ns/credentials/v2",
            "id": f"data:application/vc+jwt,{token}",
            "type": "EnvelopedVerifiableCredential",
        },
        indent=2,
    ).encode()


def _upload(client, body: bytes, name: str = "credential.jwt", **headers):
    return client.post(URL, {"credential": SimpleUploadedFile(name, body)}, **headers)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict) -> str:
    return _b64(json.dumps(value).encode())


def _payload(token: str) -> dict:
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _tampered(token: str, **changes) -> str:
    header, _payload_segment, signature = token.split(".")
    return ".".join([header, _segment({**_payload(token), **changes}), signature])


def _signed_by(key: jwk.JWK, payload: dict, header: dict) -> str:
    signed = jws.JWS(json.dumps(payload).encode())
    signed.add_signature(key, None, protected=json.dumps(header))
    return signed.serialize(compact=True)


@pytest.fixture
def certificate(officer):
    return issue_workshop_certificate(officer)


@pytest.fixture
def token(certificate) -> str:
    return _jwt(certificate)


def test_url_is_a_sub_url_of_verify():
    assert reverse("credentials:verify_file") == URL


def test_the_verify_page_offers_the_file_form(client):
    body = client.get(reverse("credentials:verify")).content.decode()
    assert "Check a credential file" in body
    assert f'action="{URL}"' in body and 'enctype="multipart/form-data"' in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_a_genuine_jwt_file_is_valid_and_names_the_holder(client, certificate, token):
    response = _upload(client, token.encode())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Valid credential" in body
    assert "Officer Alice" in body  # the holder gave the verifier the file
    assert "Tracing Bitcoin" in body
    assert f"{issuer_did()}#dev" in body and "current key" in body
    assert f'href="/verify/{certificate.number}/"' in body
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_json_download_as_json_for_machines(client, settings, certificate, token):
    response = _upload(client, _envelope(token), name="credential.json", **JSON)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    day = certificate.issued_at.astimezone(dt.UTC).date().isoformat()
    data = response.json()
    assert data.pop("activity")["end"] == day
    assert data == {
        "status": "valid",
        "signature": {"valid": True, "key": f"{issuer_did()}#dev", "key_state": "current"},
        "issuer": {"id": issuer_did(), "name": settings.PROGRAM_NAME},
        "achievement": {"type": "workshop", "name": "Tracing Bitcoin"},
        "issued": day,
        "valid_until": None,
        "holder": {"name": "Officer Alice"},
        "certificate": {
            "number": certificate.number,
            "url": f"{settings.SITE_URL}/verify/{certificate.number}/",
        },
    }


def test_a_pasted_jwt_is_checked_too(client, token):
    response = client.post(URL, {"jwt": f"\n  {token}  \n"}, **JSON)
    assert response.json()["status"] == "valid"


def test_a_revoked_certificate_reads_revoked_from_the_status_list(client, certificate, token):
    revoke_certificate(certificate=certificate, reason="Issued in error")
    data = _upload(client, token.encode(), **JSON).json()
    assert data["status"] == "revoked"
    assert data["signature"]["valid"] is True
    body = _upload(client, token.encode()).content.decode()
    assert "Revoked credential" in body and "no longer valid" in body


def test_a_track_credential_past_its_validity_is_expired(officer):
    track = issue_track(officer, validity_months=36)
    token = _jwt(track)
    assert filecheck.check(token).status == "valid"
    later = track.expires_at + dt.timedelta(days=1)
    checked = filecheck.check(token, now=later)
    assert checked.status == "expired" and checked.kind == "track"
    assert checked.as_json()["valid_until"] == track.expires_at.date().isoformat()


def test_a_credential_signed_with_a_retired_key_still_verifies(client, officer, settings):
    line_a, public_a = new_key_line("2026-06")
    settings.CREDENTIAL_SIGNING_KEY = line_a
    token = _jwt(issue_workshop_certificate(officer))
    settings.CREDENTIAL_SIGNING_KEY = new_key_line("2026-12")[0]
    settings.CREDENTIAL_RETIRED_KEYS = [public_a]
    data = _upload(client, token.encode(), **JSON).json()
    assert data["signature"] == {
        "valid": True,
        "key": f"{issuer_did()}#2026-06",
        "key_state": "retired",
    }
    assert data["status"] == "valid"
    assert "retired key" in _upload(client, token.encode()).content.decode()


def test_a_tampered_payload_is_invalid_and_nothing_of_it_is_shown(client, certificate, token):
    forged = _tampered(token, name="Forged Title", validUntil=None)
    payload = _payload(forged)
    payload["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory Impostor"
    header, _p, signature = forged.split(".")
    forged = ".".join([header, _segment(payload), signature])
    data = _upload(client, forged.encode(), **JSON).json()
    assert data == {
        "status": "invalid",
        "signature": {"valid": False, "error": "This credential's signature does not verify."},
    }
    response = _upload(client, forged.encode())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Not a valid credential" in body and "does not verify" in body
    assert "Mallory" not in body and "Officer Alice" not in body
    assert certificate.number not in body


def test_a_forged_status_index_reveals_no_certificate(client, officer, certificate, token):
    other = issue_track(officer)
    index = Credential.objects.get(certificate=other).status_index
    payload = _payload(token)
    payload["credentialStatus"]["statusListIndex"] = str(index)
    header, _p, signature = token.split(".")
    body = _upload(client, ".".join([header, _segment(payload), signature]).encode()).content
    assert other.number.encode() not in body and certificate.number.encode() not in body


def test_a_foreign_key_with_our_kid_is_refused(client, token):
    foreign = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    forged = _signed_by(foreign, _payload(token), header_of(token))
    data = _upload(client, forged.encode(), **JSON).json()
    assert data["status"] == "invalid"
    assert data["signature"]["error"] == "This credential's signature does not verify."


def test_a_foreign_issuer_is_refused(client, token):
    foreign = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    header = {"alg": "EdDSA", "typ": "JWT", "kid": "did:web:evil.example#dev"}
    data = _upload(client, _signed_by(foreign, _payload(token), header).encode(), **JSON).json()
    assert data["signature"] == {
        "valid": False,
        "error": "This credential was not signed by this program's keys.",
    }


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_other_algorithms_are_refused(client, token, alg):
    kid = header_of(token)["kid"]
    header = _segment({"alg": alg, "typ": "JWT", "kid": kid})
    body = token.split(".")[1]
    if alg == "none":
        forged = f"{header}.{body}."
    else:
        secret = jwk.JWK(kty="oct", k=_b64(b"x" * 32))
        forged = _signed_by(secret, _payload(token), {"alg": "HS256", "typ": "JWT", "kid": kid})
    data = _upload(client, forged.encode(), **JSON).json()
    assert data["status"] == "invalid" and data["signature"]["valid"] is False


def test_the_status_list_is_ours_but_not_a_certificate(client):
    data = _upload(client, signed_status_list().encode(), **JSON).json()
    assert data["status"] == "invalid"
    assert data["signature"]["valid"] is True
    assert "not a certificate" in data["error"]


GARBAGE = {
    "empty": b"",
    "whitespace": b"  \n\t ",
    "binary": bytes(range(256)) * 4,
    "gzip": b"\x1f\x8b\x08\x00" + b"\x00" * 40,
    "json without id": b'{"type": "EnvelopedVerifiableCredential"}',
    "json id not a string": b'{"id": 42}',
    "wrong data prefix": b'{"id": "data:application/json,eyJhbGciOiJFZERTQSJ9.e30.AA"}',
    "broken json": b'{"id": "data:application/vc+jwt,',
    "deep json": b"{" + b'"a":[' * 10000 + b"]" * 10000 + b"}",
    "huge number": b'{"id": ' + b"9" * 5000 + b"}",
    "unsigned credential": b'{"id": "urn:uuid:1", "type": ["VerifiableCredential"]}',
    "three dots": b"a.b.c",
    "dots only": b"..",
    "empty envelope": b'{"id": "data:application/vc+jwt,"}',
    "header not an object": f"{_b64(b'[1,2]')}.{_b64(b'{}')}.AA".encode(),
    "header not json": f"{_b64(b'nope')}.{_b64(b'{}')}.AA".encode(),
    "payload not json": f"{_segment({'alg': 'EdDSA', 'kid': 'x'})}.{_b64(b'x')}.AA".encode(),
    "non-ascii": "é.ü.ß".encode(),
    "latin-1": "caf\xe9".encode("latin-1"),
    "nul bytes": b"\x00" * 100,
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
@pytest.mark.parametrize("as_json", [False, True])
def test_garbage_never_breaks_the_page(client, name, as_json):
    headers = JSON if as_json else {}
    response = _upload(client, GARBAGE[name], **headers)
    assert response.status_code in (200, 400), response.status_code
    if as_json:
        data = response.json()
        assert data["status"] in ("invalid", "unreadable")
    else:
        assert "Check a credential file" in response.content.decode()


def test_unreadable_inputs_say_why(client):
    def error(body: bytes) -> dict:
        response = _upload(client, body, **JSON)
        assert response.status_code == 400
        return response.json()

    assert error(b"")["error"] == "empty"
    assert error(b"\xff\xfe\x00")["message"] == "This file is not a credential: it is not text."
    missing = error(b'{"type": "EnvelopedVerifiableCredential"}')
    assert "data:application/vc+jwt," in missing["message"]
    page = _upload(client, b'{"id": "data:text/plain,hello"}').content.decode()
    assert "holds no signed credential" in page


def test_nothing_given_is_a_clear_400(client):
    response = client.post(URL, {}, **JSON)
    assert response.status_code == 400
    assert response.json()["error"] == "required"
    page = client.post(URL, {})
    assert page.status_code == 400
    assert "Choose a credential file" in page.content.decode()


def test_a_file_over_64_kb_is_refused_with_a_clear_message(client, token):
    big = token.encode() + b" " * (filecheck.MAX_BYTES + 1)
    response = _upload(client, big, **JSON)
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    page = _upload(client, big)
    assert page.status_code == 413
    assert "larger than 64 KB" in page.content.decode()
    pasted = client.post(URL, {"jwt": "a" * (filecheck.MAX_BYTES + 1)}, **JSON)
    assert pasted.status_code == 413


def test_a_body_past_the_upload_limit_is_a_4xx(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = client.post(URL, {"jwt": "a" * 200_000})
    assert 400 <= response.status_code < 500


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


def test_csrf_is_required(officer, token):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(URL, {"jwt": token})
    assert response.status_code == 403
    page = strict.get(reverse("credentials:verify"))
    csrf = page.cookies["csrftoken"].value
    response = strict.post(URL, {"jwt": token, "csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    assert "Valid credential" in response.content.decode()


def test_file_checks_count_with_number_lookups(client, settings, certificate, token):
    settings.CERTIFICATE_VERIFY_LIMIT = 2
    page = reverse("credentials:verify_number", args=[certificate.number])
    assert client.get(page).status_code == 200
    assert _upload(client, token.encode()).status_code == 200
    limited = _upload(client, token.encode(), **JSON)
    assert limited.status_code == 429
    assert limited.json()["error"] == "rate_limited"
    assert client.get(page).status_code == 429
    assert _upload(client, token.encode(), REMOTE_ADDR="10.9.8.7").status_code == 200


def test_signed_in_users_check_files_too(client, officer, token):
    client.force_login(officer)
    assert "Valid credential" in _upload(client, token.encode()).content.decode()


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.lists(st.text(alphabet=ALPHABET, max_size=60), min_size=3, max_size=3).map(
            lambda parts: ".".join(parts).encode()
        ),
    )
)
def test_fuzzed_input_is_refused_with_a_reason(data):
    try:
        token = filecheck.token_from(data)
    except filecheck.UnreadableCredential as err:
        assert err.message and err.code
        return
    checked = filecheck.check(token)
    assert checked.status == "invalid" and checked.reason


def test_a_site_that_stopped_signing_still_checks_a_file_signed_by_its_retired_key(
    client, officer, settings
):
    line, public = new_key_line("2026-06")
    settings.CREDENTIAL_SIGNING_KEY = line
    token = Credential.objects.get(certificate=issue_workshop_certificate(officer)).jwt
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_DEV_KEY = False
    settings.CREDENTIAL_RETIRED_KEYS = [public]
    response = client.post(
        "/verify/file/",
        {"credential": SimpleUploadedFile("c.jwt", token.encode())},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "valid"
