"""The Open Badges 3.0 credential of a certificate: its content, its VC-JWT proof, checked with
an independent JOSE library (jwcrypto) against the keys the site publishes."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from django.urls import reverse
from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from attendance.models import Certificate
from attendance.services.certificates import issue_certificate, revoke_certificate
from credentials.keys import issuer_did, new_key_line
from credentials.models import Credential
from credentials.openbadges import credential_for, duration_text, language_tag
from credentials.signing import InvalidCredential, sign, verify
from tests.credentials.issued import (
    NEW_WORKSHOP_FACTS,
    header_of,
    issue_track,
    issue_workshop_certificate,
    jwcrypto_verify,
    published_key,
    schema_errors,
)
from tests.factories import OfficerFactory, RegistrationFactory
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


def _jwt(certificate: Certificate) -> str:
    return Credential.objects.get(certificate=certificate).jwt


def _payload(token: str) -> dict:
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


# --- the credential --------------------------------------------------------------------------


def test_workshop_credential_validates_against_the_open_badges_schema(officer):
    certificate = issue_workshop_certificate(officer)
    certificate.printed = {**certificate.printed, **NEW_WORKSHOP_FACTS}
    credential = credential_for(certificate)

    assert schema_errors(credential) == []
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == issuer_did() == "did:web:127.0.0.1%3A8000"
    subject = credential["credentialSubject"]
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": "Officer Alice",
        }
    ]
    assert subject["activityStartDate"] == "2026-11-02T01:00:00Z"
    assert subject["activityEndDate"] == "2026-11-03T09:30:00Z"
    achievement = subject["achievement"]
    assert achievement["achievementType"] == "Course"
    assert achievement["name"] == credential["name"] == "Tracing Bitcoin"
    assert achievement["inLanguage"] == "pt-BR"
    assert achievement["tag"] == ["Blockchain forensics", "Crypto fundamentals"]
    assert achievement["description"] == (
        "Modules: UTXO tracing (2 h); Wallets and keys (10 h 30). Total: 12 h 30."
    )
    assert achievement["criteria"]["narrative"] == (
        "Attended at least 75 % of the workshop's session time (12 h 30 of training)."
    )
    status = credential["credentialStatus"]
    index = Credential.objects.get(certificate=certificate).status_index
    url = "http://127.0.0.1:8000" + reverse("credentials:status_list")
    assert status == {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }
    assert credential["validFrom"] == certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "validUntil" not in credential  # no track of it sets a validity


def test_certificate_printed_before_the_new_facts_still_makes_a_valid_credential(officer):
    certificate = issue_workshop_certificate(officer)
    old_keys = {"program", "officer_name", "agency", "workshop_title", "dates", "place"}
    old_keys |= {"modules", "total_minutes", "trainers"}
    # Printed the way certificates were before the richer facts.
    certificate.printed = {k: v for k, v in certificate.printed.items() if k in old_keys}
    credential = credential_for(certificate)
    assert schema_errors(credential) == []
    subject = credential["credentialSubject"]
    assert "activityStartDate" not in subject and "inLanguage" not in subject["achievement"]
    assert subject["achievement"]["criteria"]["narrative"] == (
        "Completed the workshop (12 h 30 of training)."
    )


def test_track_credential_validates_against_the_open_badges_schema(officer):
    certificate = issue_track(officer, validity_months=36)
    credential = credential_for(certificate)

    assert schema_errors(credential) == []
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert achievement["name"] == "Blockchain forensics"
    assert achievement["tag"] == ["Blockchain forensics"]
    assert achievement["criteria"]["narrative"] == (
        "Completed every module of the track Blockchain forensics (2 modules, 3 h 30 of training)."
    )
    assert (
        "Mixers and bridges (1 h 30, completed on 2026-11-12 in Following the money)"
        in (achievement["description"])
    )
    assert credential["validUntil"] == certificate.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    # The track credential is signed on issue too, its expiry as the JWT's exp.
    payload = _payload(_jwt(certificate))
    assert payload["exp"] == int(certificate.expires_at.replace(microsecond=0).timestamp())


def test_ids_are_stable_and_achievements_shared_by_their_recipients(officer):
    first = issue_workshop_certificate(officer)
    again = Certificate.objects.get(pk=first.pk)
    assert credential_for(first)["id"] == credential_for(again)["id"]
    assert credential_for(first)["id"] == (
        f"urn:uuid:{uuid.uuid5(uuid.UUID('5b0f3c52-8d4e-4f55-a1c1-0d6f2f4e9a37'), first.number)}"
    )
    # A colleague at the same workshop earns the same achievement, in another credential.
    colleague = OfficerFactory(agency=officer.agency)
    registration = RegistrationFactory(workshop=first.registration.workshop, officer=colleague)
    second = issue_certificate(registration=registration, workshop=registration.workshop)
    ours, theirs = credential_for(first), credential_for(second)
    assert ours["id"] != theirs["id"]
    assert (
        ours["credentialSubject"]["achievement"]["id"]
        == theirs["credentialSubject"]["achievement"]["id"]
    )


def test_duration_and_language_helpers():
    assert [duration_text(m) for m in (750, 300, 45, 0)] == ["12 h 30", "5 h", "45 min", "0 min"]
    assert [language_tag(c) for c in ("pt-br", "zh-hans", "en", "", None, "x_y_z!")] == [
        "pt-BR",
        "zh-Hans",
        "en",
        None,
        None,
        None,
    ]


# --- the signed credential (VC-JWT) ----------------------------------------------------------


def test_issuing_signs_the_credential_as_a_vc_jwt(officer):
    certificate = issue_workshop_certificate(officer)
    held = Credential.objects.get(certificate=certificate)
    assert held.key_id == "dev"
    header = header_of(held.jwt)
    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": f"{issuer_did()}#dev"}
    payload = _payload(held.jwt)
    credential = credential_for(certificate)
    # The payload is the credential, with the registered claims derived from it.
    assert {k: payload[k] for k in credential} == credential
    assert payload["iss"] == credential["issuer"]["id"]
    assert payload["jti"] == credential["id"]
    assert payload["nbf"] == int(certificate.issued_at.replace(microsecond=0).timestamp())
    assert "exp" not in payload and "sub" not in payload
    assert schema_errors(payload) == []


@pytest.mark.parametrize("source", ["jwks", "did"])
def test_credential_verifies_with_jwcrypto_and_the_published_key(client, officer, source):
    certificate = issue_workshop_certificate(officer)
    token = _jwt(certificate)
    key = published_key(client, header_of(token)["kid"], source=source)
    payload = jwcrypto_verify(token, key)
    assert payload["credentialSubject"]["identifier"][0]["identityHash"] == "Officer Alice"
    assert verify(token) == payload


def test_names_in_any_script_survive_signing(client, agency):
    holder = OfficerFactory(agency=agency, full_name="Maria da Conceição 张伟")
    certificate = issue_workshop_certificate(holder, title="Rastreamento de criptoativos")
    token = _jwt(certificate)
    payload = jwcrypto_verify(token, published_key(client, header_of(token)["kid"], source="jwks"))
    assert payload["credentialSubject"]["identifier"][0]["identityHash"] == holder.name_of_record
    assert "张伟" in holder.name_of_record
    assert payload["name"] == "Rastreamento de criptoativos"


def test_a_tampered_credential_fails(client, officer):
    certificate = issue_workshop_certificate(officer)
    token = _jwt(certificate)
    head, body, signature = token.split(".")
    forged = json.dumps(_payload(token)).replace("Officer Alice", "Officer Alicf")
    forged_body = base64.urlsafe_b64encode(forged.encode()).rstrip(b"=").decode()
    tampered = f"{head}.{forged_body}.{signature}"
    key = published_key(client, header_of(token)["kid"], source="jwks")
    with pytest.raises(JWException):
        jwcrypto_verify(tampered, key)
    with pytest.raises(InvalidCredential):
        verify(tampered)
    # One character of the signature changed fails too.
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    with pytest.raises(JWException):
        jwcrypto_verify(f"{head}.{body}.{flipped}", key)
    with pytest.raises(InvalidCredential):
        verify(f"{head}.{body}.{flipped}")


def test_a_credential_signed_by_another_key_fails(client, officer):
    certificate = issue_workshop_certificate(officer)
    genuine = _jwt(certificate)
    kid = header_of(genuine)["kid"]
    impostor = jwk.JWK.from_pyca(Ed25519PrivateKey.generate())
    forged = jws.JWS(json.dumps(_payload(genuine)).encode())
    forged.add_signature(
        impostor, alg="EdDSA", protected={"alg": "EdDSA", "typ": "JWT", "kid": kid}
    )
    token = forged.serialize(compact=True)
    with pytest.raises(JWException):
        jwcrypto_verify(token, published_key(client, kid, source="did"))
    with pytest.raises(InvalidCredential):
        verify(token)


def test_verify_refuses_other_algorithms_unknown_keys_and_garbage(officer):
    certificate = issue_workshop_certificate(officer)
    genuine = _jwt(certificate)
    kid = header_of(genuine)["kid"]
    payload = json.dumps(_payload(genuine)).encode()
    secret = jwk.JWK(kty="oct", k=base64.urlsafe_b64encode(b"s" * 32).decode().rstrip("="))
    hmac = jws.JWS(payload)
    hmac.add_signature(
        secret,
        alg="HS256",
        protected={"alg": "HS256", "kid": kid},
    )
    unsigned = (
        base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": kid}).encode())
        .rstrip(b"=")
        .decode()
        + "."
        + genuine.split(".")[1]
        + "."
    )
    other_kid = jws.JWS(payload)
    other_kid.add_signature(
        jwk.JWK.from_pyca(Ed25519PrivateKey.generate()),
        alg="EdDSA",
        protected={"alg": "EdDSA", "kid": "did:web:elsewhere.example#dev"},
    )
    for token in [
        hmac.serialize(compact=True),
        unsigned,
        other_kid.serialize(compact=True),
        "",
        "not a jwt",
        "a.b.c",
    ]:
        with pytest.raises(InvalidCredential):
            verify(token)


def test_rotation_keeps_old_credentials_verifying(client, officer, settings):
    line_a, public_a = new_key_line("2026-06")
    line_b, _public_b = new_key_line("2026-12")
    settings.CREDENTIAL_SIGNING_KEY = line_a
    before = issue_workshop_certificate(officer, title="Before the rotation")
    old_token = _jwt(before)
    assert header_of(old_token)["kid"] == f"{issuer_did()}#2026-06"

    settings.CREDENTIAL_SIGNING_KEY = line_b
    settings.CREDENTIAL_RETIRED_KEYS = [public_a]
    for source in ("jwks", "did"):
        key = published_key(client, f"{issuer_did()}#2026-06", source=source)
        assert jwcrypto_verify(old_token, key)["id"] == credential_for(before)["id"]
    assert verify(old_token)["id"] == credential_for(before)["id"]

    after = issue_workshop_certificate(officer, title="After the rotation")
    new_token = _jwt(after)
    assert Credential.objects.get(certificate=after).key_id == "2026-12"
    assert header_of(new_token)["kid"] == f"{issuer_did()}#2026-12"
    assert jwcrypto_verify(
        new_token, published_key(client, header_of(new_token)["kid"], source="did")
    )
    # The retired key signs nothing: the old one cannot verify the new credential.
    with pytest.raises(JWException):
        jwcrypto_verify(
            new_token, published_key(client, header_of(old_token)["kid"], source="jwks")
        )

    # Dropping the retired key would orphan what it signed: keep it published.
    settings.CREDENTIAL_RETIRED_KEYS = []
    with pytest.raises(InvalidCredential):
        verify(old_token)


def test_sign_puts_registered_claims_from_the_credential():
    credential = {
        "id": "urn:uuid:0",
        "issuer": "did:web:example.org",
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2027-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder"},
    }
    token, key_id = sign(credential)
    payload = _payload(token)
    assert key_id == "dev"
    assert (payload["iss"], payload["jti"], payload["sub"]) == (
        "did:web:example.org",
        "urn:uuid:0",
        "did:example:holder",
    )
    assert payload["nbf"] == int(dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp())
    assert payload["exp"] == int(dt.datetime(2027, 1, 1, tzinfo=dt.UTC).timestamp())


# --- the issuer's public documents -----------------------------------------------------------


def test_issuer_documents_are_public_json_cached_briefly(client):
    for name, content_type in [
        ("credentials:did_document", "application/did+json"),
        ("credentials:did_document_at_path", "application/did+json"),
        ("credentials:jwks", "application/jwk-set+json"),
        ("credentials:issuer", "application/json"),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert response["Content-Type"] == content_type
        assert response["Cache-Control"] == "public, max-age=300"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert not response.cookies, name
        json.loads(response.content)
        assert client.post(reverse(name)).status_code == 405


def test_did_document_lists_current_and_retired_keys(client, settings):
    line, _public = new_key_line("2026-12")
    _old_line, old_public = new_key_line("2026-06")
    settings.CREDENTIAL_SIGNING_KEY = line
    settings.CREDENTIAL_RETIRED_KEYS = [old_public]
    document = json.loads(client.get(reverse("credentials:did_document")).content)
    did = "did:web:127.0.0.1%3A8000"
    assert document["id"] == did
    assert [m["id"] for m in document["verificationMethod"]] == [
        f"{did}#2026-12",
        f"{did}#2026-06",
    ]
    assert document["assertionMethod"] == [f"{did}#2026-12", f"{did}#2026-06"]
    for method in document["verificationMethod"]:
        assert method["type"] == "JsonWebKey" and method["controller"] == did
        assert set(method["publicKeyJwk"]) == {"kty", "crv", "x"}  # never the private part
        assert method["publicKeyJwk"]["kty"] == "OKP" and method["publicKeyJwk"]["crv"] == "Ed25519"
    assert document["verificationMethod"][1]["publicKeyJwk"]["x"] == old_public.split(":")[1]
    keys = client.get(reverse("credentials:jwks")).json()["keys"]
    assert [k["kid"] for k in keys] == [f"{did}#2026-12", f"{did}#2026-06"]
    assert all("d" not in k and k["alg"] == "EdDSA" for k in keys)


def test_issuer_profile(client, settings):
    settings.SITE_URL = "https://training.example.org"
    profile = client.get(reverse("credentials:issuer")).json()
    assert profile["id"] == "did:web:training.example.org"
    assert profile["type"] == ["Profile"]
    assert profile["name"] == settings.PROGRAM_NAME
    assert profile["url"] == "https://training.example.org"


# --- the holder's downloads ------------------------------------------------------------------


def test_holder_downloads_the_jwt_and_the_enveloped_json(client_for, officer):
    certificate = issue_workshop_certificate(officer)
    client = client_for(officer)
    response = client.get(reverse("credentials:credential_jwt", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Content-Disposition"] == (
        f'attachment; filename="credential-{certificate.number}.jwt"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.decode() == _jwt(certificate)

    response = client.get(reverse("credentials:credential_json", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.json() == {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": f"data:application/vc+jwt,{_jwt(certificate)}",
        "type": "EnvelopedVerifiableCredential",
    }


def test_nobody_else_downloads_a_holders_credential(officer, coordinator):
    certificate = issue_workshop_certificate(officer)
    colleague = OfficerFactory(agency=officer.agency)
    for name in ("credentials:credential_jwt", "credentials:credential_json"):
        url = reverse(name, args=[certificate.pk])
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        for user in (colleague, coordinator):
            client = Client()
            sign_in(client, user)
            assert client.get(url).status_code == 404
        client = Client()
        sign_in(client, officer)
        assert client.get(reverse(name, args=[999_999])).status_code == 404


def test_a_revoked_credential_is_not_downloaded(client_for, officer):
    certificate = issue_workshop_certificate(officer)
    revoke_certificate(certificate=certificate, reason="Issued in error")
    client = client_for(officer)
    for name in ("credentials:credential_jwt", "credentials:credential_json"):
        assert client.get(reverse(name, args=[certificate.pk])).status_code == 404


def test_a_certificate_issued_before_credentials_is_signed_on_first_download(client_for, officer):
    certificate = issue_workshop_certificate(officer)
    Credential.objects.filter(certificate=certificate).delete()
    client = client_for(officer)
    first = client.get(reverse("credentials:credential_jwt", args=[certificate.pk]))
    assert first.status_code == 200
    held = Credential.objects.get(certificate=certificate)
    assert first.content.decode() == held.jwt
    again = client.get(reverse("credentials:credential_json", args=[certificate.pk]))
    assert again.json()["id"] == f"data:application/vc+jwt,{held.jwt}"
    assert Credential.objects.filter(certificate=certificate).count() == 1
    assert verify(held.jwt)["credentialStatus"]["statusListIndex"] == str(held.status_index)
