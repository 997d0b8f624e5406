"""The public verification for machines: the same URL asked for JSON, and the .json alias."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Certificate
from attendance.models.certificates import new_certificate_number
from credentials.keys import issuer_did
from tests.credentials.verifiable import track_certificate, workshop_certificate

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def certificate(officer, trainer):
    return workshop_certificate(officer, trainer)


def _json(client, certificate_or_number, **headers):
    number = getattr(certificate_or_number, "number", certificate_or_number)
    return client.get(reverse("credentials:verify_number", args=[number]), **(headers or JSON))


def _day(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).date().isoformat()


def test_valid_certificate_as_json(client, certificate, settings):
    response = _json(client, certificate)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "number": certificate.number,
        "status": "valid",
        "issuer": {"id": issuer_did(), "name": settings.PROGRAM_NAME},
        "achievement": {"type": "workshop", "name": "Tracing Bitcoin", "hours": 8},
        "issued": _day(certificate.issued_at),
        "valid_until": None,
        "revoked": None,
        "holder": {"initials": "O. A.", "agency_country": "SG"},
    }


def test_json_headers_public_uncached_and_cookie_free(client, certificate):
    response = _json(client, certificate)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Accept" in response["Vary"]
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert not response.cookies


def test_json_never_names_the_holder_nor_their_agency(client, certificate, officer):
    text = _json(client, certificate).content.decode()
    assert "Officer Alice" not in text
    assert "Agency A" not in text
    assert officer.email not in text and "Inspector" not in text


def test_a_browser_gets_the_page_and_a_client_asking_for_json_gets_json(client, certificate):
    page = _json(client, certificate, **BROWSER)
    assert page["Content-Type"].startswith("text/html")
    assert "Access-Control-Allow-Origin" not in page
    assert "Accept" in page["Vary"]
    no_preference = client.get(reverse("credentials:verify_number", args=[certificate.number]))
    assert no_preference["Content-Type"].startswith("text/html")
    typed = client.get(reverse("credentials:verify"), {"number": certificate.number}, **JSON)
    assert typed.json()["status"] == "valid"


def test_the_json_alias_answers_json_whatever_is_accepted(client, certificate):
    url = reverse("credentials:verify_json", args=[certificate.number])
    assert url == f"/verify/{certificate.number}.json"
    response = client.get(url, **BROWSER)
    assert response["Content-Type"] == "application/json"
    assert response.json()["number"] == certificate.number
    typed = certificate.number.lower().replace("-", "")
    assert client.get(f"/verify/{typed}.json").json()["status"] == "valid"


def test_revoked_certificate_as_json(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=certificate.issued_at)
    data = _json(client, certificate).json()
    assert data["status"] == "revoked"
    assert data["revoked"] == _day(certificate.issued_at)


def test_expired_certificate_as_json(client, certificate):
    past = timezone.now() - dt.timedelta(days=3)
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=past)
    response = _json(client, certificate)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "expired"
    assert data["valid_until"] == _day(past)
    assert data["revoked"] is None


def test_revoked_wins_over_expired(client, certificate):
    past = timezone.now() - dt.timedelta(days=3)
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=past, revoked_at=past)
    assert _json(client, certificate).json()["status"] == "revoked"


def test_track_credential_as_json(client, officer):
    certificate = track_certificate(officer, name="Blockchain forensics", total_minutes=450)
    data = _json(client, certificate).json()
    assert data["achievement"] == {"type": "track", "name": "Blockchain forensics", "hours": 7.5}
    assert data["holder"] == {"initials": "O. A.", "agency_country": "SG"}


def test_unknown_number_is_a_json_404(client, certificate):
    response = _json(client, new_certificate_number())
    assert response.status_code == 404
    assert response.json() == {"status": "unknown"}
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("number", ["hello", "CERT-0000", "x" * 300, "ÄÖÜ"])
def test_malformed_numbers_are_json_404s(client, number):
    response = client.get(f"/verify/{number}.json")
    assert response.status_code == 404
    assert response.json() == {"status": "unknown"}


def test_no_number_is_a_json_400(client):
    response = client.get(reverse("credentials:verify"), **JSON)
    assert response.status_code == 400
    assert response.json() == {"error": "number_required"}


def test_json_lookups_are_rate_limited_with_the_pages(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_LIMIT = 2
    assert _json(client, certificate, **BROWSER).status_code == 200
    assert _json(client, certificate).status_code == 200
    response = _json(client, certificate)
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.CERTIFICATE_VERIFY_WINDOW_SECONDS)
    assert response.json() == {
        "error": "rate_limited",
        "retry_after": settings.CERTIFICATE_VERIFY_WINDOW_SECONDS,
    }
    alias = client.get(reverse("credentials:verify_json", args=[certificate.number]))
    assert alias.status_code == 429
    assert _json(client, certificate, REMOTE_ADDR="10.9.8.7", **JSON).status_code == 200
