import io
import re

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from attendance import services
from attendance.models import Certificate
from attendance.models.certificates import new_certificate_number, normalize_certificate_number
from attendance.pdf import render_certificate_pdf
from attendance.services.certificates import revoke_certificate
from attendees.models import User
from outbox.models import Mail
from outbox.tasks import send_mails, sweep_outbox
from tests.commit import after_commit
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


def test_certificate_is_mailed_once_with_its_pdf(trainer, registration, officer):
    with after_commit():
        certificate = _complete(trainer, registration)
    (row,) = Mail.objects.filter(kind="certificate")
    assert (row.recipient, row.workshop_id) == (officer, registration.workshop_id)
    # A duplicate send task and the sweep find it sent.
    assert send_mails([row.pk]) == 0
    assert sweep_outbox() == 0
    (message,) = mail.outbox
    assert message.to == [officer.email]
    assert certificate.number in message.body
    name, content, mimetype = message.attachments[0]
    assert name == f"certificate-{certificate.number}.pdf"
    assert mimetype == "application/pdf"
    assert "Officer Alice" in _pdf_text(content)


class DownThenUp(LocmemBackend):
    """A mail server that refuses connections while `down`."""

    down = True

    def send_messages(self, messages):
        if type(self).down:
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(messages)


@pytest.fixture
def mail_server_down(settings):
    settings.OUTBOX_EMAIL_BACKEND = f"{__name__}.DownThenUp"
    DownThenUp.down = True
    return DownThenUp


def _mail_server_back(server):
    server.down = False
    Mail.objects.filter(status=Mail.Status.READY).update(next_attempt_at=timezone.now())


def test_certificate_mail_failure_is_retried_and_sent_once(mail_server_down, trainer, registration):
    with after_commit():
        certificate = _complete(trainer, registration)
    row = Mail.objects.get(kind="certificate")
    assert (row.status, row.attempts) == (Mail.Status.READY, 1)
    assert mail.outbox == []

    _mail_server_back(mail_server_down)
    assert sweep_outbox() == 1
    assert sweep_outbox() == 0
    (message,) = mail.outbox
    assert message.attachments[0][0] == f"certificate-{certificate.number}.pdf"


def test_a_certificate_revoked_before_its_mail_went_out_is_not_mailed(
    mail_server_down, trainer, registration
):
    with after_commit():
        certificate = _complete(trainer, registration)
        revoke_certificate(certificate=certificate, reason="Attendance corrected")
    _mail_server_back(mail_server_down)
    sweep_outbox()
    assert mail.outbox == []


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


def test_certificate_of_an_account_no_vetting_named_prints_no_display_name_nor_address(
    trainer, registration, officer
):
    User.objects.filter(pk=officer.pk).update(vetted_name="", full_name="Director General Alice")
    certificate = _complete(trainer, registration)
    assert certificate.printed["officer_name"] == "Name not vetted"
    text = _pdf_text(render_certificate_pdf(certificate))
    assert "Name not vetted" in text
    assert officer.email not in text and "Director General" not in text
