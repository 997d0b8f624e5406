import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import Certificate
from attendees.models import User
from credentials.models import CredentialShare
from tests.factories import OfficerFactory, RegistrationFactory, TrackFactory

pytestmark = pytest.mark.django_db


def _attend(trainer, registration, statuses):
    for session, status in zip(registration.workshop.sessions.all(), statuses, strict=True):
        services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: status})


def test_record_shows_modules_hours_by_track_and_certificate(client_for, trainer, registration):
    _attend(trainer, registration, ["present", "present"])
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    response = client_for(registration.officer).get(reverse("attendance:training_record"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "UTXO tracing" in body and "Wallets and keys" in body
    record = response.context["record"]
    assert record.hours_by_track == [("Blockchain forensics", "2"), ("Crypto fundamentals", "3")]
    assert record.total_hours == "5"
    certificate = registration.certificates.get()
    assert reverse("attendance:certificate_pdf", args=[certificate.pk]) in body


def test_record_does_not_count_workshops_not_completed(client_for, trainer, registration):
    _attend(trainer, registration, ["absent", "present"])
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    response = client_for(registration.officer).get(reverse("attendance:training_record"))
    assert response.context["record"].total_hours == "0"
    assert response.context["record"].certificates == []


def test_record_never_shows_another_officers_certificates(
    client_for, trainer, registration, agency
):
    colleague = RegistrationFactory(
        workshop=registration.workshop, officer=OfficerFactory(agency=agency, full_name="Col Lee")
    )
    _attend(trainer, colleague, ["present", "present"])
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    body = client_for(registration.officer).get(reverse("attendance:training_record")).content
    number = colleague.certificates.get().number
    assert number.encode() not in body


# --- the certificate card ------------------------------------------------------------------------


def _certified(trainer, registration):
    _attend(trainer, registration, ["present", "present"])
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    return registration.certificates.get()


def test_card_offers_the_pdf_in_every_language_and_the_credential(
    client_for, trainer, registration
):
    certificate = _certified(trainer, registration)
    User.objects.filter(pk=registration.officer_id).update(language="fr")
    body = client_for(registration.officer).get(reverse("attendance:training_record")).content
    body = body.decode()
    pdf = reverse("attendance:certificate_pdf", args=[certificate.pk])
    assert f'{pdf}?lang=fr"' in body  # the officer's own language first
    for code in ("en", "es", "pt-br", "zh-hans"):
        assert f"{pdf}?lang={code}" in body
    assert body.count(f"{pdf}?lang=fr") == 1
    assert reverse("credentials:credential_json", args=[certificate.pk]) in body
    assert reverse("credentials:credential_jwt", args=[certificate.pk]) in body
    assert reverse("credentials:verify_number", args=[certificate.number]) in body
    assert certificate.number in body


def test_card_says_valid_until_and_expired(client_for, trainer, registration):
    certificate = _certified(trainer, registration)
    record = reverse("attendance:training_record")
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() + dt.timedelta(days=90)
    )
    body = client_for(registration.officer).get(record).content.decode()
    assert "Valid" in body and "expires on" in body
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() - dt.timedelta(days=1)
    )
    body = client_for(registration.officer).get(record).content.decode()
    assert "Expired on" in body


def test_card_labels_track_credentials(client_for, officer):
    certificate = Certificate.objects.create(
        holder=officer,
        track=TrackFactory(name="Blockchain forensics"),
        printed={"kind": "track", "track_name": "Blockchain forensics", "total_minutes": 600},
    )
    body = client_for(officer).get(reverse("attendance:training_record")).content.decode()
    assert "Track credential" in body and "Blockchain forensics" in body
    assert certificate.number in body


def _certificates_with_shares(officer, count: int) -> None:
    for index in range(count):
        certificate = Certificate.objects.create(
            holder=officer,
            track=TrackFactory(name=f"Track {count}-{index}"),
            printed={"kind": "track", "track_name": f"Track {index}", "total_minutes": 60},
        )
        CredentialShare.objects.create(certificate=certificate, label=f"Verifier {index}")
        CredentialShare.objects.create(
            certificate=certificate, label="Old", revoked_at=timezone.now()
        )


def test_record_queries_do_not_grow_with_certificates_and_links(
    client_for, officer, django_assert_max_num_queries
):
    client = client_for(officer)
    url = reverse("attendance:training_record")
    _certificates_with_shares(officer, 1)
    client.get(url)  # the session and caches warm
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _certificates_with_shares(officer, 19)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="certificate-card') == 20
