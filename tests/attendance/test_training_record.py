import pytest
from django.urls import reverse

from attendance import services
from tests.factories import OfficerFactory, RegistrationFactory

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
