"""Large exports. `build_export.delay_on_commit(job_id)` from services.queue_export; the claim
(QUEUED → RUNNING by a conditional update) makes a second run do nothing. Jobs whose message
was lost are queued again by the outbox sweep (reports/recovery.py)."""

from __future__ import annotations

from celery import shared_task
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from outbox.once import send_once
from trainingsite.mail import build_templated_email

from . import conf
from .models import ExportJob
from .services import purge_expired_exports, sign_download, write_export_file


@shared_task
def build_export(job_id: str) -> bool:
    started = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=started
    )
    if not claimed:
        return False
    # The first run to finish wins: a build taken for dead and queued again by the sweep
    # (reports/recovery.py) may still finish (a slow build is never starved by its re-runs);
    # the later one drops its file.
    ours = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    )
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        name, rows = write_export_file(job=job)
    except Exception as exc:
        ours.update(
            status=ExportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    if not ours.update(
        status=ExportJob.Status.DONE, file_name=name, row_count=rows, finished_at=timezone.now()
    ):
        default_storage.delete(name)
        return False
    send_export_link(job_id)
    return True


def send_export_link(job_id: str) -> bool:
    """E-mail the link once: the job is locked while the message goes out and marked in the
    same transaction (outbox/once.py), so concurrent or repeated runs send one link."""

    def send(job: ExportJob) -> None:
        user = job.requested_by
        path = reverse("reports:download", args=[sign_download(job)])
        build_templated_email(
            to=user.email,
            template="reports/email/export_ready",
            context={
                "job": job,
                "user": user,
                "path": path,
                "hours": conf.get("REPORTS_EXPORT_LINK_HOURS"),
            },
            language=user.language,
        ).send()

    sent = send_once(
        ExportJob,
        job_id,
        unsent={"status": ExportJob.Status.DONE, "emailed_at": None},
        mark_field="emailed_at",
        send=send,
        select_related=("requested_by",),
    )
    return sent is not None


@shared_task(name="reports.tasks.send_export_link")
def send_export_link_task(job_id: str) -> bool:
    """The outbox sweep's re-send of a link whose e-mail failed after the build."""
    return send_export_link(job_id)


@shared_task
def purge_exports() -> int:
    return purge_expired_exports()
