"""Large exports. `build_export.delay_on_commit(job_id)` from services.queue_export; the claim
(QUEUED → RUNNING by a conditional update) makes a second run do nothing."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from trainingsite.mail import build_templated_email

from . import conf
from .models import ExportJob
from .services import purge_expired_exports, sign_download, write_export_file


@shared_task
def build_export(job_id: str) -> bool:
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return False
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        name, rows = write_export_file(job=job)
    except Exception as exc:
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE, file_name=name, row_count=rows, finished_at=timezone.now()
    )
    send_export_link(job_id)
    return True


def send_export_link(job_id: str) -> bool:
    claimed = ExportJob.objects.filter(
        pk=job_id, status=ExportJob.Status.DONE, emailed_at=None
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    user = job.requested_by
    path = reverse("reports:download", args=[sign_download(job)])
    message = build_templated_email(
        to=user.email,
        template="reports/email/export_ready",
        context={
            "job": job,
            "user": user,
            "path": path,
            "hours": conf.get("REPORTS_EXPORT_LINK_HOURS"),
        },
        language=user.language,
    )
    try:
        message.send()
    except Exception:
        ExportJob.objects.filter(pk=job_id).update(emailed_at=None)
        raise
    return True


@shared_task
def purge_exports() -> int:
    return purge_expired_exports()
