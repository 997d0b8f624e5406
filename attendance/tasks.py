"""Certificate e-mails. Enqueued with `send_certificate_email.delay_on_commit(certificate_id)`
when a certificate is issued; sent once under a row lock (outbox.once)."""

from celery import shared_task

from outbox.models import Delivery
from outbox.once import send_once
from outbox.retry import MAIL_RETRY
from trainingsite.mail import build_templated_email

from .models import Certificate


@shared_task(**MAIL_RETRY)
def send_certificate_email(certificate_id: int) -> bool:
    from .pdf import render_certificate_pdf

    def send(certificate):
        officer = certificate.registration.officer
        message = build_templated_email(
            to=officer.email,
            template="attendance/email/certificate",
            context={"certificate": certificate, "officer": officer},
            language=officer.language,
        )
        message.attach(
            f"certificate-{certificate.number}.pdf",
            render_certificate_pdf(certificate),
            "application/pdf",
        )
        message.send()

    sent = send_once(
        Certificate,
        certificate_id,
        unsent={"emailed_at": None, "revoked_at": None},
        mark_field="emailed_at",
        send=send,
        kind=Delivery.Kind.CERTIFICATE,
        select_related=("registration__officer", "registration__workshop"),
    )
    return sent is not None
