"""Export actions: audit every export, queue the large ones, build and sign their files."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from attendees.models import Agency
from audit.services import record_audit
from workshops.models import Workshop

from .exports import Dataset, ExportFilter, attendance_dataset, registrations_dataset
from .models import ExportJob
from .tabular import iter_csv, write_xlsx

LINK_SALT = "reports.export-download"


def build_dataset(*, user, kind: str, flt: ExportFilter) -> Dataset:
    workshop = None
    if flt.workshop_id:
        workshop = Workshop.objects.editable_by(user).filter(pk=flt.workshop_id).first()
    if kind == ExportJob.Kind.ATTENDANCE:
        return attendance_dataset(user, flt, workshop=workshop)
    return registrations_dataset(user, flt)


def is_large(dataset: Dataset) -> bool:
    return dataset.count > settings.REPORTS_ASYNC_EXPORT_ROWS


@transaction.atomic
def record_export(*, user, kind: str, fmt: str, flt: ExportFilter, rows: int, queued: bool):
    """Audit row for an export: who, which data and filter, how many rows, when."""
    target: Model | None = None
    if flt.workshop_id:
        target = Workshop.objects.filter(pk=flt.workshop_id).first()
    elif flt.agency_id:
        target = Agency.objects.filter(pk=flt.agency_id).first()
    return record_audit(
        actor=user,
        action=f"export.{kind}.{fmt}",
        summary=f"{kind} export ({fmt}), {rows} rows" + (", queued" if queued else ""),
        target=target,
        filters=flt.to_dict(),
        rows=rows,
        queued=queued,
    )


def write_export_file(*, job: ExportJob) -> tuple[str, int]:
    """Build the job's file in a local temporary file, then store it through the default storage
    (file system or object storage: no app server keeps it) under exports/ with a random name;
    returns (stored name, rows)."""
    dataset = build_dataset(
        user=job.requested_by, kind=job.kind, flt=ExportFilter.from_dict(job.filters)
    )
    name = f"exports/{secrets.token_urlsafe(24)}.{job.format}"
    fd, tmp = tempfile.mkstemp(suffix=f".{job.format}")
    os.close(fd)
    try:
        if job.format == ExportJob.Format.XLSX:
            rows = write_xlsx(tmp, dataset.columns, dataset.rows, sheet=dataset.name)
        else:
            rows = 0

            def counted():
                nonlocal rows
                for row in dataset.rows:
                    rows += 1
                    yield row

            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                for line in iter_csv(dataset.columns, counted()):
                    fh.write(line)
        with open(tmp, "rb") as built:
            name = default_storage.save(name, File(built))
    finally:
        os.unlink(tmp)
    return name, rows


def sign_download(job: ExportJob) -> str:
    return signing.TimestampSigner(salt=LINK_SALT).sign(str(job.pk))


def unsign_download(token: str) -> str:
    """The job id; raises signing.SignatureExpired or signing.BadSignature."""
    max_age = settings.REPORTS_EXPORT_LINK_HOURS * 3600
    return signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=max_age)


def purge_expired_exports(*, now=None) -> int:
    """Delete files of jobs whose link has expired; returns how many were removed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.REPORTS_EXPORT_LINK_HOURS)
    removed = 0
    for job in ExportJob.objects.filter(finished_at__lt=cutoff).exclude(file_name=""):
        default_storage.delete(job.file_name)
        ExportJob.objects.filter(pk=job.pk).update(file_name="")
        removed += 1
    return removed


def exports_that_may_list(*, workshop_ids) -> QuerySet[ExportJob]:
    """Jobs whose file may list an officer registered for these workshops: all of them but the
    exports of one other workshop (a registration never changes workshop, while any other
    filter, a region or a date, may have matched the officer when the file was built)."""
    workshop_ids = list(workshop_ids)
    if not workshop_ids:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(
        Q(filters__workshop_id__isnull=True) | Q(filters__workshop_id__in=workshop_ids)
    )


def drop_export_files(*, jobs: QuerySet[ExportJob]) -> int:
    """Delete the stored files of these jobs now; the jobs stay, and their links answer as
    expired. Returns the files deleted."""
    removed = 0
    for job in jobs.exclude(file_name=""):
        default_storage.delete(job.file_name)
        ExportJob.objects.filter(pk=job.pk).update(file_name="")
        removed += 1
    return removed
