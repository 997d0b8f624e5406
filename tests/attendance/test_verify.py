import pytest
from django.urls import reverse

from attendance import services
from attendance.models import Certificate
from attendance.models.certificates import initials, new_certificate_number
from attendees.models import User
from audit.models import AuditEntry
from tests.factories import OfficerFactory

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
    assert "O. A." in body
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


# --- what a verifier sees of the holder -------------------------------------------------------


def _verify(client, certificate) -> str:
    url = reverse("attendance:verify_number", args=[certificate.number])
    return client.get(url).content.decode()


@pytest.fixture
def vetted_and_renamed(officer):
    """Vetted as "Ana Bela Costa", since renamed "Director General Zed" on the profile."""
    User.objects.filter(pk=officer.pk).update(
        vetted_name="Ana Bela Costa", full_name="Director General Zed"
    )
    officer.refresh_from_db()
    return officer


def test_opted_out_certificate_shows_initials_of_the_vetted_name(
    client, vetted_and_renamed, certificate
):
    body = _verify(client, certificate)
    assert "A. B. C." in body
    assert "Ana Bela Costa" not in body
    assert "Director General" not in body and "D. G. Z." not in body
    assert "Agency A" not in body
    assert "full name is not shown; ask the holder for the certificate to compare" in body


def test_opted_in_certificate_shows_the_full_vetted_name_never_the_display_name(
    client, vetted_and_renamed, certificate
):
    Certificate.objects.filter(pk=certificate.pk).update(show_holder_name=True)
    body = _verify(client, certificate)
    assert "Ana Bela Costa" in body
    assert "Director General" not in body
    assert "Agency A" not in body  # the agency is never shown, even opted in


def test_profile_default_applies_unless_the_certificate_says_otherwise(
    client, officer, certificate
):
    User.objects.filter(pk=officer.pk).update(show_name_on_verify=True)
    assert "Officer Alice" in _verify(client, certificate)
    Certificate.objects.filter(pk=certificate.pk).update(show_holder_name=False)
    body = _verify(client, certificate)
    assert "Officer Alice" not in body and "O. A." in body


def test_revoked_certificate_names_no_holder_even_opted_in(client, officer, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=certificate.issued_at, show_holder_name=True
    )
    body = _verify(client, certificate)
    assert "Revoked on" in body
    assert "Officer Alice" not in body and "O. A." not in body


def test_initials():
    assert initials("Ana Bela Costa") == "A. B. C."
    assert initials("  jean-pierre  dupont ") == "J. P. D."
    assert initials("李小龙") == "李."
    assert initials("") == ""


# --- the holder's choice ---------------------------------------------------------------------


def _choose(client, certificate, show):
    url = reverse("attendance:certificate_holder_name", args=[certificate.pk])
    return client.post(url, {"show": show})


def test_holder_chooses_to_show_their_full_name(client_for, client, officer, certificate):
    response = _choose(client_for(officer), certificate, "full")
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.show_holder_name is True
    entry = AuditEntry.objects.get(action="certificate.holder_name")
    assert entry.actor == officer and entry.target_id == str(certificate.pk)
    client.logout()
    assert "Officer Alice" in _verify(client, certificate)
    _choose(client_for(officer), certificate, "profile")
    certificate.refresh_from_db()
    assert certificate.show_holder_name is None


def test_another_officer_cannot_change_someones_choice(client_for, certificate, agency):
    colleague = OfficerFactory(agency=agency)
    response = _choose(client_for(colleague), certificate, "full")
    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.show_holder_name is None
    assert not AuditEntry.objects.filter(action="certificate.holder_name").exists()


def test_staff_cannot_change_the_holders_choice(client_for, certificate, coordinator, trainer):
    for user in (coordinator, trainer):
        assert _choose(client_for(user), certificate, "full").status_code == 404
    certificate.refresh_from_db()
    assert certificate.show_holder_name is None


def test_bad_choice_is_a_400_changing_nothing(client_for, officer, certificate):
    response = _choose(client_for(officer), certificate, "everything")
    assert response.status_code == 400
    certificate.refresh_from_db()
    assert certificate.show_holder_name is None


def test_choice_needs_a_post(client_for, officer, certificate):
    url = reverse("attendance:certificate_holder_name", args=[certificate.pk])
    assert client_for(officer).get(url + "?show=full").status_code == 405


def test_profile_default_is_the_officers_and_audited(client_for, officer, certificate, client):
    response = client_for(officer).post(
        reverse("profile"),
        {
            "full_name": "Officer Alice",
            "rank": "",
            "unit": "",
            "time_zone": "UTC",
            "language": "en",
            "show_name_on_verify": "on",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.show_name_on_verify is True
    assert AuditEntry.objects.filter(action="profile.verify_name", actor=officer).exists()
    client.logout()
    assert "Officer Alice" in _verify(client, certificate)


def test_training_record_offers_the_choice_for_own_certificates(client_for, officer, certificate):
    body = client_for(officer).get(reverse("attendance:training_record")).content.decode()
    assert reverse("attendance:certificate_holder_name", args=[certificate.pk]) in body
    assert "O. A." in body


def test_a_holder_without_a_vetted_name_is_never_shown_by_address(
    client, officer, registration, trainer
):
    User.objects.filter(pk=officer.pk).update(vetted_name="", show_name_on_verify=True)
    for session in registration.workshop.sessions.all():
        services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    body = _verify(client, Certificate.objects.get())
    assert "Name not vetted" in body
    assert officer.email not in body and officer.email.split("@")[0] not in body
