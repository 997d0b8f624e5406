"""The public verification page, for people: what it shows, and what it never shows."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Certificate
from attendance.models.certificates import initials, new_certificate_number
from attendees.models import User
from privacy.services import erase_officer
from tests.credentials.verifiable import track_certificate, workshop_certificate
from trainingsite import when

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(officer, trainer):
    return workshop_certificate(officer, trainer)


def _page(client, number: str, **headers):
    return client.get(reverse("credentials:verify_number", args=[number]), **headers)


def test_anonymous_verifies_a_valid_certificate(client, certificate, settings):
    response = _page(client, certificate.number)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Valid certificate" in body
    assert "Status" not in body  # the heading says it
    assert "Tracing Bitcoin" in body
    assert settings.PROGRAM_NAME in body
    assert certificate.total_hours == "8" and ">8<" in body
    assert "O. A." in body and "Singapore" in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "no-store"
    assert "Accept" in response["Vary"]


def test_the_page_never_names_the_holder_nor_their_agency(client, certificate, officer):
    body = _page(client, certificate.number).content.decode()
    assert "Officer Alice" not in body
    assert "Agency A" not in body
    assert officer.email not in body
    assert "Inspector" not in body  # rank is not printed on the certificate
    assert "full name is not shown" in body


def test_initials_are_of_the_vetted_name_never_the_display_name(client, officer, trainer):
    User.objects.filter(pk=officer.pk).update(
        vetted_name="Ana Bela Costa", full_name="Director General Zed"
    )
    officer.refresh_from_db()
    body = _page(client, workshop_certificate(officer, trainer).number).content.decode()
    assert "A. B. C." in body
    assert "Ana Bela Costa" not in body
    assert "Director General" not in body and "D. G. Z." not in body


def test_the_workshop_dates_are_shown_in_the_readers_language(client, certificate):
    client.cookies["django_language"] = "es"
    body = _page(client, certificate.number).content.decode()
    assert "Singapur" in body  # the agency's country, localised
    starts = certificate.registration.workshop.starts_at
    assert str(starts.year) in body


def test_query_form_accepts_a_typed_number(client, certificate):
    typed = certificate.number.lower().replace("-", " ")
    response = client.get(reverse("credentials:verify"), {"number": typed})
    assert response.status_code == 200
    assert "Valid certificate" in response.content.decode()


def test_unknown_number_is_a_404_that_says_so(client, certificate):
    response = _page(client, new_certificate_number())
    assert response.status_code == 404
    assert "No certificate has the number" in response.content.decode()
    assert "Officer Alice" not in response.content.decode()
    assert "O. A." not in response.content.decode()


@pytest.mark.parametrize(
    "number", ["hello", "CERT-0000", "x" * 300, "CERT-ÄÖÜ-ß", "%00", "1' OR '1'='1", "shared"]
)
def test_malformed_numbers_are_404_never_500(client, certificate, number):
    response = client.get(reverse("credentials:verify"), {"number": number})
    assert response.status_code == 404
    assert "No certificate has the number" in response.content.decode()
    if len(number) > 40:
        assert f"“{number[:40]}”" in response.content.decode()  # the echo is cut short


def test_malformed_numbers_in_the_path_are_404(client, certificate):
    assert client.get("/verify/not-a-number/").status_code == 404
    assert client.get("/verify/shared/").status_code == 404
    assert client.get("/verify/%00/").status_code == 404
    assert client.get("/verify/%00.json").status_code == 404
    assert client.get(reverse("credentials:verify"), {"number": "\x00"}).status_code == 404


def test_revoked_certificate_says_revoked_and_when(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=certificate.issued_at)
    response = _page(client, certificate.number)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Revoked certificate" in body and "was revoked on" in body
    assert "Valid certificate" not in body
    # The day is said once, in the sentence under the heading.
    assert body.count(when.date(certificate.issued_at, "UTC", long=True)) == 2  # + "Issued"
    assert "Revoked on" not in body
    assert "Officer Alice" not in body


def test_expired_certificate_says_expired_and_when(client, certificate):
    past = timezone.now() - dt.timedelta(days=3)
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=past)
    body = _page(client, certificate.number).content.decode()
    assert "Expired certificate" in body and "expired on" in body
    assert "Valid certificate" not in body
    assert "Valid until" not in body
    assert body.count(when.date(past, "UTC", long=True)) == 1
    assert "Expired on" not in body


def test_valid_certificate_with_a_validity_shows_until_when(client, certificate):
    until = timezone.now() + dt.timedelta(days=400)
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=until)
    body = _page(client, certificate.number).content.decode()
    assert "Valid certificate" in body and "Valid until" in body
    assert str(until.year) in body


def test_track_credential_names_its_track(client, officer):
    certificate = track_certificate(officer, name="Blockchain forensics")
    body = _page(client, certificate.number).content.decode()
    assert "Blockchain forensics" in body
    assert "Track credential" in body
    assert "O. A." in body and "Singapore" in body
    assert "Officer Alice" not in body


def test_track_credential_lists_its_printed_modules_not_in_the_json(client, officer):
    modules = [
        {"title": "UTXO tracing", "minutes": 300, "workshop_title": "Tracing"},
        {"title": "Mixers & <b>bridges</b>", "minutes": 90, "workshop_title": "Mixing"},
        "not a module",
    ]
    certificate = track_certificate(officer, modules=modules, total_minutes=390)
    body = _page(client, certificate.number).content.decode()
    assert "Modules" in body
    assert "UTXO tracing" in body and ">5 h<" in body
    assert "Mixers &amp; &lt;b&gt;bridges&lt;/b&gt;" in body and ">1.5 h<" in body
    assert "not a module" not in body
    data = _page(client, certificate.number, HTTP_ACCEPT="application/json").json()
    assert "modules" not in str(data) and "UTXO" not in str(data)


def test_workshop_certificate_lists_no_modules_row(client, certificate):
    assert ">Modules<" not in _page(client, certificate.number).content.decode()


def test_printed_agency_country_wins_over_the_agency_today(client, officer):
    certificate = track_certificate(officer, agency_country="PT")
    body = _page(client, certificate.number).content.decode()
    assert "Portugal" in body and "Singapore" not in body


def test_old_certificates_fall_back_to_the_holders_agency_country(client, certificate):
    facts = {k: v for k, v in certificate.printed.items() if k != "agency_country"}
    Certificate.objects.filter(pk=certificate.pk).update(printed=facts)
    assert "Singapore" in _page(client, certificate.number).content.decode()


def test_erased_holder_shows_neither_initials_nor_country(client, certificate):
    holder_facts = {"officer_name", "agency", "agency_country"}
    facts = {k: v for k, v in certificate.printed.items() if k not in holder_facts}
    Certificate.objects.filter(pk=certificate.pk).update(printed=facts)
    body = _page(client, certificate.number).content.decode()
    assert "O. A." not in body and "Singapore" not in body
    assert "Tracing Bitcoin" in body


def test_an_erased_officers_certificate_names_nobody(client, certificate, officer):
    erase_officer(user_id=officer.pk, by=officer, reason="self-service")
    body = _page(client, certificate.number).content.decode()
    assert "Revoked certificate" in body and "Tracing Bitcoin" in body
    assert "O. A." not in body and "Singapore" not in body and "Officer Alice" not in body


def test_verify_page_never_lists_certificates(client, certificate):
    response = client.get(reverse("credentials:verify"))
    body = response.content.decode()
    assert response.status_code == 200
    assert certificate.number not in body
    assert "Officer Alice" not in body and "O. A." not in body


def test_lookups_are_rate_limited_per_client(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_LIMIT = 3
    for _i in range(3):
        assert _page(client, certificate.number).status_code == 200
    response = _page(client, certificate.number)
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.CERTIFICATE_VERIFY_WINDOW_SECONDS)
    assert "Too many look-ups" in response.content.decode()
    assert "O. A." not in response.content.decode()
    assert _page(client, certificate.number, REMOTE_ADDR="10.9.8.7").status_code == 200


def test_the_blank_form_is_not_counted(client, settings):
    settings.CERTIFICATE_VERIFY_LIMIT = 1
    for _i in range(3):
        assert client.get(reverse("credentials:verify")).status_code == 200


def test_the_page_answers_get_only(client, certificate):
    url = reverse("credentials:verify_number", args=[certificate.number])
    assert client.post(url).status_code == 405


def test_initials():
    assert initials("Ana Bela Costa") == "A. B. C."
    assert initials("  jean-pierre  dupont ") == "J. P. D."
    assert initials("李小龙") == "李."
    assert initials("") == ""


def test_every_reader_sees_the_days_printed_on_the_certificate(client_for, client, certificate):
    # Issued late in the UTC day: already the next day in Tokyo. The certificate's days are
    # its UTC days (as printed on the PDF), on the page whoever reads it.
    issued = timezone.now().replace(hour=22, minute=30) - dt.timedelta(days=3)
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=issued)
    reader = certificate.holder
    User.objects.filter(pk=reader.pk).update(time_zone="Asia/Tokyo")
    reader.refresh_from_db()
    printed_day = f"{issued.day} {issued:%B} {issued.year}"
    for who in (client, client_for(reader)):
        body = _page(who, certificate.number).content.decode()
        assert printed_day in body
