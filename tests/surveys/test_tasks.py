"""The feedback reminder and the follow-up survey: once each, through the outbox."""

import datetime as dt

import pytest
from django.utils import timezone

from attendance.models import Feedback
from outbox.models import Mail
from surveys import tasks
from surveys.models import Questionnaire, SurveyInvitation
from surveys.services import invitations
from tests.factories import RegistrationFactory
from trainingsite.celery import app

from .factories import close_with, make_questionnaire

pytestmark = pytest.mark.django_db


def _ended(workshop, days):
    type(workshop).objects.filter(pk=workshop.pk).update(
        ends_at=timezone.now() - dt.timedelta(days=days)
    )


def test_reminder_goes_once_to_attendees_without_feedback(
    attendees, django_capture_on_commit_callbacks
):
    Feedback.objects.create(registration=attendees[1], overall=4, trainer_rating=4)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert tasks.send_feedback_reminders.delay().get() == 4
    assert callbacks, "the send task is enqueued after commit"
    mails = Mail.objects.filter(kind=invitations.REMINDER_KIND)
    assert sorted(mails.values_list("to", flat=True)) == sorted(
        r.officer.email for r in attendees if r != attendees[1]
    )
    assert "Tracing Bitcoin" in mails.first().subject
    # Again: nobody is reminded twice.
    assert tasks.send_feedback_reminders() == 0
    assert mails.count() == 4
    assert SurveyInvitation.objects.filter(kind="feedback").count() == 4


def test_no_reminder_before_closing_or_for_the_absent(trainer, past_workshop, officer):
    present = RegistrationFactory(workshop=past_workshop)
    absent = RegistrationFactory(workshop=past_workshop, officer=officer)
    assert invitations.send_feedback_reminders() == 0  # not closed yet
    close_with(trainer, past_workshop, [present], absent=[absent])
    assert invitations.send_feedback_reminders() == 1
    reminded = Mail.objects.filter(kind=invitations.REMINDER_KIND)
    assert list(reminded.values_list("to", flat=True)) == [present.officer.email]


def test_no_reminder_for_workshops_over_for_more_than_30_days(attendees, past_workshop):
    _ended(past_workshop, 31)
    assert invitations.send_feedback_reminders() == 0
    assert not Mail.objects.filter(kind=invitations.REMINDER_KIND).exists()


def test_reminder_skips_a_registration_another_run_just_reminded(attendees):
    """Two workers: what one sent while the other listed is not sent again."""
    now = timezone.now()
    ids = list(invitations.reminder_candidates(now).values_list("pk", flat=True))
    SurveyInvitation.objects.create(registration=attendees[0], kind="feedback")
    sent = invitations._invite(
        ids,
        kind="feedback",
        still_owed=invitations.reminder_candidates(now),
        mail=invitations._reminder_mail,
        mail_kind=invitations.REMINDER_KIND,
    )
    assert sent == 4
    assert not Mail.objects.filter(
        kind=invitations.REMINDER_KIND, to=attendees[0].officer.email
    ).exists()


def test_follow_up_goes_once_its_days_after_the_workshop(attendees, past_workshop):
    make_questionnaire(Questionnaire.Kind.FOLLOW_UP, days=90)
    _ended(past_workshop, 89)
    assert tasks.send_follow_up_surveys() == 0
    _ended(past_workshop, 90)
    assert tasks.send_follow_up_surveys() == 5
    assert tasks.send_follow_up_surveys() == 0
    mails = Mail.objects.filter(kind=invitations.FOLLOW_UP_KIND)
    assert mails.count() == 5
    mine = mails.get(to=attendees[0].officer.email)
    assert f"/my-training/follow-up/{attendees[0].pk}/" in str(mine.content)


def test_follow_up_uses_the_tracks_own_days(attendees, past_workshop, forensics):
    make_questionnaire(Questionnaire.Kind.FOLLOW_UP, days=90)
    make_questionnaire(Questionnaire.Kind.FOLLOW_UP, track=forensics, days=30)
    _ended(past_workshop, 31)
    assert invitations.send_follow_up_surveys() == 5


def test_no_follow_up_without_a_questionnaire_or_when_long_overdue(attendees, past_workshop):
    _ended(past_workshop, 100)
    assert invitations.send_follow_up_surveys() == 0
    make_questionnaire(Questionnaire.Kind.FOLLOW_UP, days=60)
    assert invitations.send_follow_up_surveys() == 0  # due 40 days ago: too late to ask
    assert not Mail.objects.filter(kind=invitations.FOLLOW_UP_KIND).exists()


def test_beat_runs_both_jobs():
    tasks_scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "surveys.tasks.send_feedback_reminders",
        "surveys.tasks.send_follow_up_surveys",
    } <= tasks_scheduled
