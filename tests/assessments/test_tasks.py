"""The sweep sends attempts whose deadline passed, once, whatever runs it."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments import services, tasks
from assessments.models import Attempt
from trainingsite.celery import app

from .factories import confirmed, make_test, upcoming_workshop

pytestmark = pytest.mark.django_db


def _overdue(officer) -> Attempt:
    workshop = upcoming_workshop()
    confirmed(workshop, officer, confirmed_at=timezone.now() - dt.timedelta(days=1))
    test = make_test(workshop, time_limit_minutes=5)
    started = timezone.now() - dt.timedelta(minutes=10)
    return services.start_attempt(test_id=test.pk, officer=officer, at=started)


def test_sweep_sends_overdue_attempts_once(officer, other_agency_officer):
    overdue = _overdue(officer)
    workshop = upcoming_workshop()
    confirmed(workshop, other_agency_officer)
    running = services.start_attempt(
        test_id=make_test(workshop, time_limit_minutes=30).pk, officer=other_agency_officer
    )
    assert tasks.send_overdue_attempts.delay().get() == 1
    assert tasks.send_overdue_attempts.delay().get() == 0
    overdue.refresh_from_db()
    running.refresh_from_db()
    assert overdue.submitted_at == overdue.deadline and overdue.score == 0
    assert running.submitted_at is None


def test_the_one_attempt_task_is_idempotent(officer):
    attempt = _overdue(officer)
    assert tasks.send_overdue_attempt.delay(attempt.pk).get() is True
    first = Attempt.objects.get(pk=attempt.pk).submitted_at
    assert tasks.send_overdue_attempt.delay(attempt.pk).get() is False
    assert Attempt.objects.get(pk=attempt.pk).submitted_at == first


def test_beat_runs_the_sweep_every_five_minutes():
    entry = app.conf.beat_schedule["assessments-send-overdue-attempts"]
    assert entry["task"] == "assessments.tasks.send_overdue_attempts"
    assert sorted(entry["schedule"].minute) == list(range(0, 60, 5))
