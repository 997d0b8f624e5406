import pytest
from django.urls import reverse

from attendance import services
from attendance.models import Certificate
from attendance.models.certificates import new_certificate_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(trainer, registration):
    for session in registration.workshop.sessions.all():
        services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    return Certificate.objects.get()


def test_anonymous_verifies_valid_certificate(client, certificate):
    response = client.get(reverse("attendance:verify_number", args=[certificate.number]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Valid certificate" in body
    assert "Officer Alice" in body
    assert "Tracing Bitcoin" in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_verification_shows_only_printed_facts(client, certificate, officer):
    body = client.get(reverse("attendance:verify_number", args=[certificate.number])).content
    assert officer.email.encode() not in body
    assert b"Inspector" not in body  # rank is not printed on the certificate


def test_query_form_accepts_typed_number(client, certificate):
    typed = certificate.number.lower().replace("-", "")
    response = client.get(reverse("attendance:verify") + f"?number={typed}")
    assert "Valid certificate" in response.content.decode()


def test_unknown_number_says_so(client, certificate):
    response = client.get(reverse("attendance:verify_number", args=[new_certificate_number()]))
    assert response.status_code == 404
    assert "No certificate has the number" in response.content.decode()
    assert "Officer Alice" not in response.content.decode()


def test_revoked_certificate_says_revoked(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=certificate.issued_at)
    response = client.get(reverse("attendance:verify_number", args=[certificate.number]))
    body = response.content.decode()
    assert "was revoked" in body
    assert "Valid certificate" not in body
    assert "Officer Alice" not in body


def test_verify_page_never_lists_certificates(client, certificate):
    body = client.get(reverse("attendance:verify")).content.decode()
    assert certificate.number not in body
    assert "Officer Alice" not in body


def test_lookups_are_rate_limited_per_ip(client, certificate, settings, locmem_cache):
    settings.CERTIFICATE_VERIFY_LIMIT = 3
    url = reverse("attendance:verify_number", args=[certificate.number])
    for _i in range(3):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert "Too many look-ups" in response.content.decode()
    assert "Officer Alice" not in response.content.decode()
    other_ip = client.get(url, REMOTE_ADDR="10.9.8.7")
    assert other_ip.status_code == 200
