"""The certificate e-mail, with its PDF, rendered when the certificate is issued."""

from __future__ import annotations

from django.core.mail import EmailMessage

from trainingsite.mail import build_templated_email

from .models import Certificate
from .pdf import render_certificate_pdf


def certificate_mail(certificate: Certificate) -> EmailMessage:
    officer = certificate.holder
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
    return message
