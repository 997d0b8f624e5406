"""A certificate whose completion rule required a post-test score: its Open Badges credential
records the requirement and the holder's score; /verify/ says the rule was met, never the
score."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client
from django.urls import reverse

from attendance import services
from attendance.models import Certificate
from credentials.models import Credential
from credentials.openbadges import credential_for
from tests.attendance.posttest import attended, sent, workshop_with_post_test
from tests.credentials.issued import header_of, jwcrypto_verify, published_key, schema_errors

pytestmark = pytest.mark.django_db


def _certificate(region, trainer, officer, *, pass_percent: int | None = 70) -> Certificate:
    workshop = workshop_with_post_test(region=region, trainer=trainer, pass_percent=pass_percent)
    registration = attended(workshop, trainer, officer)
    sent(registration, "85")
    services.close_workshop(workshop_id=workshop.pk, by=trainer)
    return Certificate.objects.get(registration=registration)


@pytest.fixture
def certificate(region, trainer, officer):
    return _certificate(region, trainer, officer)


def test_the_credential_describes_the_required_score_and_records_the_holder_s(certificate):
    credential = credential_for(certificate)
    achievement = credential["credentialSubject"]["achievement"]

    assert schema_errors(credential) == []
    [description] = achievement["resultDescription"]
    assert description["type"] == ["ResultDescription"]
    assert description["resultType"] == "Percent"
    assert description["requiredValue"] == "70"
    assert (description["valueMin"], description["valueMax"]) == ("0", "100")
    assert description["id"].startswith("urn:uuid:")
    assert credential["credentialSubject"]["result"] == [
        {
            "type": ["Result"],
            "resultDescription": description["id"],
            "value": "85",
            "status": "Completed",
        }
    ]
    assert "at least 70 % in the post-test" in achievement["criteria"]["narrative"]


def test_the_signed_credential_carries_the_score_and_its_signature_verifies(certificate, client):
    token = Credential.objects.get(certificate=certificate).jwt
    key = published_key(client, header_of(token)["kid"], source="jwks")

    payload = jwcrypto_verify(token, key)

    assert payload["credentialSubject"]["result"][0]["value"] == "85"
    assert payload["credentialSubject"]["achievement"]["resultDescription"][0]["requiredValue"] == (
        "70"
    )


def test_a_credential_without_a_requirement_has_no_result(region, trainer, officer):
    credential = credential_for(_certificate(region, trainer, officer, pass_percent=None))

    assert schema_errors(credential) == []
    assert "resultDescription" not in credential["credentialSubject"]["achievement"]
    assert "result" not in credential["credentialSubject"]


def test_the_holder_downloads_the_credential_with_their_score(client_for, certificate, officer):
    response = client_for(officer).get(
        reverse("credentials:credential_json", args=[certificate.pk])
    )
    token = response.json()["id"].removeprefix("data:application/vc+jwt,")
    segment = token.split(".")[1]
    payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    assert payload["credentialSubject"]["result"][0]["value"] == "85"


def test_the_verification_page_says_the_rule_was_met_without_the_score(certificate):
    client = Client()
    page = client.get(reverse("credentials:verify_number", args=[certificate.number]))
    body = page.content.decode()

    assert page.status_code == 200
    assert "Post-test passed (≥ 70 % required)" in body
    assert "85" not in body


def test_the_verification_json_gives_the_requirement_never_the_score(certificate):
    data = Client().get(reverse("credentials:verify_json", args=[certificate.number])).json()

    assert data["achievement"]["post_test_required_percent"] == 70
    assert "85" not in str(data)


def test_a_certificate_without_a_requirement_verifies_as_before(region, trainer, officer):
    certificate = _certificate(region, trainer, officer, pass_percent=None)
    data = Client().get(reverse("credentials:verify_json", args=[certificate.number])).json()
    page = Client().get(reverse("credentials:verify_number", args=[certificate.number]))

    assert "post_test_required_percent" not in data["achievement"]
    assert "Post-test" not in page.content.decode()
