import io
import re

import pytest
from attendance.tasks import send_certificate_email
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from attendance import services
from attendance.models import Certificate
from attendance.models.certificates import new_certificate_number, normalize_certificate_number
from attendance.pdf import render_certificate_pdf
from attendees.models import User
from tests.factories import OfficerFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _complete(trainer, registration):
    for session in registration.workshop.sessions.all():
        services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    return Certificate.objects.get(registration=registration)


@pytest.fixture
def certificate(trainer, registration):
    return _complete(trainer, registration)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_certificate_pdf_contains_name_number_and_hours(certificate, settings):
    text = _pdf_text(render_certificate_pdf(certificate))
    assert "Officer Alice" in text
    assert "Agency A" in text
    assert certificate.number in text
    assert "Tracing Bitcoin" in text
    assert "UTXO tracing" in text
    assert "Wallets and keys" in text
    assert re.search(r"Total hours\s*5\b", text)  # 2 h + 3 h of modules
    assert "Trainer Tom" in text
    assert settings.PROGRAM_NAME in text
    assert f"/verify/{certificate.number}/" in text


def test_printed_facts_are_frozen_at_issue(certificate, officer):
    officer.full_name = "Renamed Later"
    officer.save()
    certificate.refresh_from_db()
    assert "Officer Alice" in _pdf_text(render_certificate_pdf(certificate))


def test_numbers_are_long_random_and_prefixed():
    numbers = {new_certificate_number() for _i in range(200)}
    assert len(numbers) == 200
    for number in numbers:
        assert re.fullmatch(r"CERT(-[A-Z2-7]{4}){4}", number)


def test_number_normalisation_accepts_typing_variants():
    number = new_certificate_number()
    assert normalize_certificate_number(number.lower().replace("-", " ")) == number
    assert normalize_certificate_number(number[5:].replace("-", "")) == number
    assert normalize_certificate_number("CERT-1234") is None
    assert normalize_certificate_number("") is None


def test_officer_downloads_own_certificate(client_for, certificate, officer):
    response = client_for(officer).get(reverse("attendance:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert certificate.number in response["Content-Disposition"]
    assert "Officer Alice" in _pdf_text(response.content)


def test_other_officer_gets_404_on_certificate(client_for, certificate, agency, trainer):
    colleague = OfficerFactory(agency=agency)
    url = reverse("attendance:certificate_pdf", args=[certificate.pk])
    assert client_for(colleague).get(url).status_code == 404
    assert client_for(trainer).get(url).status_code == 404


def test_revoked_certificate_cannot_be_downloaded(client_for, certificate, officer):
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=certificate.issued_at)
    url = reverse("attendance:certificate_pdf", args=[certificate.pk])
    assert client_for(officer).get(url).status_code == 404


def test_email_task_sends_once(certificate):
    mail.outbox.clear()
    Certificate.objects.filter(pk=certificate.pk).update(emailed_at=None)
    assert send_certificate_email(certificate.pk) is True
    assert send_certificate_email(certificate.pk) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert certificate.number in message.body
    assert message.attachments[0][0] == f"certificate-{certificate.number}.pdf"


def test_email_task_skips_revoked_certificate(certificate):
    mail.outbox.clear()
    Certificate.objects.filter(pk=certificate.pk).update(
        emailed_at=None, revoked_at=certificate.issued_at
    )
    assert send_certificate_email(certificate.pk) is False
    assert mail.outbox == []


def test_email_failure_releases_the_claim(certificate, monkeypatch):
    Certificate.objects.filter(pk=certificate.pk).update(emailed_at=None)

    def boom(self, *args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", boom)
    with pytest.raises(ConnectionError):
        send_certificate_email(certificate.pk)
    assert Certificate.objects.get(pk=certificate.pk).emailed_at is None


def test_cjk_name_renders(trainer, past_workshop, agency):
    registration = RegistrationFactory(
        workshop=past_workshop, officer=OfficerFactory(agency=agency, full_name="李小龙")
    )
    certificate = _complete(trainer, registration)
    assert render_certificate_pdf(certificate).startswith(b"%PDF")


def test_certificate_prints_the_vetted_name_not_the_display_name(trainer, registration, officer):
    User.objects.filter(pk=officer.pk).update(full_name="Director General Alice")
    certificate = _complete(trainer, registration)
    assert certificate.printed["officer_name"] == "Officer Alice"
    text = _pdf_text(render_certificate_pdf(certificate))
    assert "Officer Alice" in text and "Director General" not in text


def test_certificate_of_an_account_no_vetting_named_prints_no_display_name(
    trainer, registration, officer
):
    User.objects.filter(pk=officer.pk).update(vetted_name="", full_name="Director General Alice")
    certificate = _complete(trainer, registration)
    assert certificate.printed["officer_name"] == officer.email
