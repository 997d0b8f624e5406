"""Async exports survive a lost Celery message: the recovery (beat) builds jobs left QUEUED, runs
again builds left RUNNING by a dead worker, the outbox retries links whose e-mail failed, and a
requester never gets two links."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from outbox.models import Mail
from outbox.tasks import sweep_outbox
from reports import tasks
from reports.exports import ExportFilter
from reports.models import ExportJob
from reports.tasks import queue_export, recover_exports
from tests.commit import after_commit
from trainingsite.celery import app

pytestmark = pytest.mark.django_db
Status = ExportJob.Status


def _use_broker(url):
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def _job(user, **fields) -> ExportJob:
    return ExportJob.objects.create(requested_by=user, kind="attendance", format="csv", **fields)


def _ago(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


def test_export_queued_with_broker_down_is_built_by_the_recovery_and_linked_once(
    coordinator, program, settings, django_capture_on_commit_callbacks
):
    app.conf.task_always_eager = False
    _use_broker("redis://127.0.0.1:1/0")  # nothing listens there: like a stopped Redis
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = queue_export(
                user=coordinator, kind="attendance", fmt="csv", flt=ExportFilter(), rows=10
            )
    finally:
        app.conf.task_always_eager = True
        _use_broker(settings.CELERY_BROKER_URL)
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    assert mail.outbox == []

    assert recover_exports() == 0  # within the grace period: its own task may yet run
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    ExportJob.objects.filter(pk=job.pk).update(created_at=_ago(10))
    with after_commit():
        assert recover_exports() == 1
        assert recover_exports() == 0
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert job.row_count == 10
    assert sweep_outbox() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [coordinator.email]
    assert "/reports/exports/download/" in mail.outbox[0].body


def test_fresh_queued_job_and_running_build_within_the_stale_limit_are_left_alone(
    coordinator, program, settings
):
    settings.REPORTS_EXPORT_STALE_MINUTES = 30
    queued = _job(coordinator)
    running = _job(coordinator, created_at=_ago(40), status=Status.RUNNING, started_at=_ago(20))
    assert recover_exports() == 0
    assert ExportJob.objects.get(pk=queued.pk).status == Status.QUEUED
    assert ExportJob.objects.get(pk=running.pk).started_at == running.started_at
    assert not Mail.objects.exists()


def test_stale_running_build_is_run_again_once(coordinator, program, settings):
    settings.REPORTS_EXPORT_STALE_MINUTES = 30
    job = _job(coordinator, created_at=_ago(40), status=Status.RUNNING, started_at=_ago(31))
    with after_commit():
        assert recover_exports() == 1
        assert recover_exports() == 0
    job.refresh_from_db()
    assert job.status == Status.DONE and job.row_count == 10
    assert len(mail.outbox) == 1


def test_old_run_finishing_after_the_recovery_reran_it_neither_overwrites_nor_sends_again(
    coordinator, program, settings, monkeypatch
):
    """The "dead" worker was only slow: it finishes after the recovery queued and built the job
    again. Its file is dropped and the requester gets the one link of the run that won."""
    settings.REPORTS_EXPORT_STALE_MINUTES = 30
    job = _job(coordinator, created_at=_ago(40))
    real = tasks.write_export_file
    files = []

    def slow_build(*, job):
        if not files:  # the first (old) run: meanwhile it is taken for dead and re-run
            files.append(None)
            ExportJob.objects.filter(pk=job.pk).update(started_at=_ago(31))
            assert recover_exports() == 1
        name, rows = real(job=job)
        files.append(name)
        return name, rows

    monkeypatch.setattr(tasks, "write_export_file", slow_build)
    with after_commit():
        assert tasks.build_export(str(job.pk)) is False
    _none, rerun_file, old_file = files
    job.refresh_from_db()
    assert job.status == Status.DONE and job.file_name == rerun_file
    assert default_storage.exists(rerun_file)
    assert not default_storage.exists(old_file)
    assert len(mail.outbox) == 1
    assert recover_exports() == 0
    assert sweep_outbox() == 0


class DownThenUp(LocmemBackend):
    """A mail server that refuses connections while `down`."""

    down = True

    def send_messages(self, messages):
        if type(self).down:
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(messages)


def test_link_whose_email_failed_is_sent_by_the_outbox_retry_exactly_once(
    coordinator, program, settings
):
    settings.OUTBOX_EMAIL_BACKEND = f"{__name__}.DownThenUp"
    DownThenUp.down = True
    job = _job(coordinator)
    with after_commit():
        assert tasks.build_export(str(job.pk)) is True
    job.refresh_from_db()
    assert job.status == Status.DONE
    link = Mail.objects.get(kind="export")
    assert (link.to, link.status, link.attempts) == (coordinator.email, Mail.Status.READY, 1)
    assert sweep_outbox() == 0  # not due yet: never retried at once
    assert recover_exports() == 0  # the build is done: only the mail is owed

    DownThenUp.down = False
    Mail.objects.update(next_attempt_at=timezone.now())
    assert sweep_outbox() == 1
    assert sweep_outbox() == 0
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert "/reports/exports/download/" in message.body


def test_failed_and_purged_jobs_are_not_recovered(coordinator, program):
    _job(coordinator, created_at=_ago(40), status=Status.FAILED, error="boom")
    _job(coordinator, created_at=_ago(40), status=Status.DONE, finished_at=_ago(30))  # purged
    too_old = _job(coordinator, created_at=_ago(73 * 60))
    assert recover_exports() == 0
    # Too old to be worth building: shown as failed, never left queued for good.
    assert ExportJob.objects.get(pk=too_old.pk).status == Status.FAILED


def test_slow_build_taken_for_dead_still_finishes_and_its_rerun_does_nothing(
    coordinator, program, settings, monkeypatch
):
    settings.REPORTS_EXPORT_STALE_MINUTES = 30
    job = _job(coordinator, created_at=_ago(40))
    real = tasks.write_export_file

    def slow_build(*, job):
        # Meanwhile the recovery takes it for dead, but its re-run's message is lost (broker down).
        ExportJob.objects.filter(pk=job.pk).update(started_at=_ago(31))
        monkeypatch.setattr(tasks.build_export, "delay", lambda job_id: None)
        assert recover_exports() == 1
        assert ExportJob.objects.get(pk=job.pk).status == Status.QUEUED
        return real(job=job)

    monkeypatch.setattr(tasks, "write_export_file", slow_build)
    with after_commit():
        assert tasks.build_export(str(job.pk)) is True
    monkeypatch.undo()
    job.refresh_from_db()
    assert job.status == Status.DONE and default_storage.exists(job.file_name)
    with after_commit():
        assert tasks.build_export(str(job.pk)) is False  # the re-run's message, delivered late
    assert recover_exports() == 0
    assert len(mail.outbox) == 1
