"""Export jobs whose Celery message was lost (broker down at enqueue, Redis restarted empty,
worker killed mid-build): the outbox sweep finds them here and queues them again."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from outbox import conf as outbox_conf

from . import conf
from .models import ExportJob

logger = logging.getLogger(__name__)
Status = ExportJob.Status


def _stale_cutoff(now):
    return now - timedelta(minutes=conf.get("REPORTS_EXPORT_STALE_MINUTES"))


def overdue_export_ids(*, now=None) -> list:
    """Jobs queued longer than the outbox grace period, builds running past the stale limit,
    and built files whose link was not e-mailed; none older than the outbox maximum age, none
    whose file was already purged."""
    now = now or timezone.now()
    grace = now - timedelta(minutes=outbox_conf.grace_minutes())
    jobs = ExportJob.objects.filter(
        Q(status=Status.QUEUED, created_at__lt=grace)
        | Q(status=Status.RUNNING, started_at__lt=_stale_cutoff(now))
        | (Q(status=Status.DONE, emailed_at=None, finished_at__lt=grace) & ~Q(file_name="")),
        created_at__gte=now - timedelta(hours=outbox_conf.max_age_hours()),
    )
    return list(jobs.order_by("created_at").values_list("pk", flat=True)[:500])


def sweep_exports(*, now=None) -> int:
    """The outbox sweep's part for exports (outbox.services.SELF_TRACKED)."""
    return enqueue_exports(overdue_export_ids(now=now))


def enqueue_exports(ids: list) -> int:
    """Queue the build (a stale build is first put back to QUEUED) or the link e-mail of each
    job; returns the tasks enqueued. A broker still down is logged and left to the next sweep:
    the job stays QUEUED (or DONE without its link)."""
    from .tasks import build_export, send_export_link_task

    stale = _stale_cutoff(timezone.now())
    ExportJob.objects.filter(pk__in=ids, status=Status.RUNNING, started_at__lt=stale).update(
        status=Status.QUEUED, started_at=None
    )
    enqueued = 0
    for job_id, status in ExportJob.objects.filter(pk__in=ids).values_list("pk", "status"):
        task = {Status.QUEUED: build_export, Status.DONE: send_export_link_task}.get(status)
        if task is None:  # finished or failed meanwhile
            continue
        try:
            task.delay(str(job_id))
        except Exception as exc:  # broker down, or an eager run that failed (job row shows it)
            logger.warning("Could not enqueue %s(%s): %s", task.name, job_id, exc)
            continue
        enqueued += 1
    return enqueued
