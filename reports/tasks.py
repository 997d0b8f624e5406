"""Large exports. `build_export.delay_on_commit(job_id)` from `queue_export` below; the claim
(QUEUED → RUNNING by a conditional update) makes a second run do nothing, and the link e-mail is
queued in the transaction that marks the job done. Builds whose task was lost are queued again
by `recover_exports`."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .exports import ExportFilter
from .mails import export_ready_mail
from .models import ExportJob
from .services import purge_expired_exports, record_export, write_export_file

logger = logging.getLogger(__name__)
Status = ExportJob.Status
# Older jobs are left alone: their link would have expired by now.
RECOVERY_MAX_AGE = timedelta(hours=24)


@shared_task
def build_export(job_id: str) -> bool:
    started = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=started
    )
    if not claimed:
        return False
    # The first run to finish wins: a build taken for dead and queued again (recovery.py) may
    # still finish (a slow build is never starved by its re-runs); the later one drops its file.
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
    with transaction.atomic():
        done = ours.update(
            status=ExportJob.Status.DONE, file_name=name, row_count=rows, finished_at=timezone.now()
        )
        if done:
            job.refresh_from_db()
            export_ready_mail(job)
    if not done:
        default_storage.delete(name)
    return bool(done)


@shared_task
def recover_exports() -> int:
    """Beat: queue again the build of every job whose task was lost (broker down at enqueue,
    Redis restarted empty, worker killed mid-build): queued past the grace period, or running
    past the stale limit (put back to QUEUED first). Returns the builds enqueued; a broker
    still down is logged and left to the next run."""
    now = timezone.now()
    stale = now - timedelta(minutes=settings.REPORTS_EXPORT_STALE_MINUTES)
    recent = Q(created_at__gte=now - RECOVERY_MAX_AGE)
    ExportJob.objects.filter(recent, status=Status.RUNNING, started_at__lt=stale).update(
        status=Status.QUEUED, started_at=None
    )
    # Older than a link would live: given up, so it shows as failed rather than queued for good.
    ExportJob.objects.filter(~recent, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.FAILED, error="The build was lost and is too old to run again."
    )
    overdue = ExportJob.objects.filter(
        # A queued build's own task runs within seconds: one still queued a sweep later was lost.
        recent,
        status=Status.QUEUED,
        created_at__lt=now - timedelta(seconds=settings.RECOVERY_SWEEP_SECONDS),
    )
    enqueued = 0
    for job_id in overdue.order_by("created_at").values_list("pk", flat=True)[:500]:
        try:
            build_export.delay(str(job_id))
        except Exception as exc:  # broker down, or an eager run that failed (the job shows it)
            logger.warning("Could not enqueue the build of export %s: %s", job_id, exc)
            continue
        enqueued += 1
    return enqueued


@shared_task
def purge_exports() -> int:
    return purge_expired_exports()


@transaction.atomic
def queue_export(*, user, kind: str, fmt: str, flt: ExportFilter, rows: int) -> ExportJob:
    """Create the job and enqueue its task after commit."""
    job = ExportJob.objects.create(requested_by=user, kind=kind, format=fmt, filters=flt.to_dict())
    record_export(user=user, kind=kind, fmt=fmt, flt=flt, rows=rows, queued=True)
    build_export.delay_on_commit(str(job.pk))
    return job
