"""The e-mail with an export's download link, queued when the export is done."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from outbox.services import queue_mail
from trainingsite.mail import build_templated_email

from .models import ExportJob
from .services import sign_download


def export_ready_mail(job: ExportJob) -> None:
    user = job.requested_by
    path = reverse("reports:download", args=[sign_download(job)])
    message = build_templated_email(
        to=user.email,
        template="reports/email/export_ready",
        context={
            "job": job,
            "user": user,
            "path": path,
            "hours": settings.REPORTS_EXPORT_LINK_HOURS,
        },
        language=user.language,
    )
    queue_mail(message, kind="export", recipient=user)
