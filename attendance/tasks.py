"""Certificate e-mails. Enqueued with `send_certificate_email.delay_on_commit(certificate_id)`
when a certificate is issued; the conditional update makes a second run send nothing."""

from celery import shared_task
from django.utils import timezone

from outbox.models import Delivery
from outbox.retry import MAIL_RETRY
from outbox.services import record_failure, record_sent
from trainingsite.mail import build_templated_email

from .models import Certificate


@shared_task(**MAIL_RETRY)
def send_certificate_email(certificate_id: int) -> bool:
    claimed = Certificate.objects.filter(
        pk=certificate_id, emailed_at=None, revoked_at=None
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    from .pdf import render_certificate_pdf

    certificate = Certificate.objects.select_related(
        "registration__officer", "registration__workshop"
    ).get(pk=certificate_id)
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
    try:
        message.send()
    except Exception as exc:
        # Release the claim so a retry (backoff, or the outbox sweep) can send it.
        Certificate.objects.filter(pk=certificate_id).update(emailed_at=None)
        record_failure(kind=Delivery.Kind.CERTIFICATE, object_id=certificate_id, error=exc)
        raise
    record_sent(kind=Delivery.Kind.CERTIFICATE, object_id=certificate_id)
    return True
