"""Mails asking officers to answer: the feedback reminder once the workshop is over and
closed, and the follow-up survey `follow_up_days` after it. Each goes out once per
registration (a SurveyInvitation row records it, in the transaction that queues the mail),
however often and in however many workers the jobs run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from attendees.models import User
from outbox.services import queue_mails
from registrations.models import Registration
from trainingsite import when
from trainingsite.mail import build_templated_email

from ..access import applicable_version, workshop_track_id
from ..models import Questionnaire, QuestionnaireVersion, SurveyInvitation, SurveyResponse

# Past this, an invitation would arrive too late to be useful (or after the site first ran).
STALE_AFTER = dt.timedelta(days=30)
REMINDER_KIND = "feedback_reminder"
FOLLOW_UP_KIND = "follow_up_survey"


def _not_invited(kind: str):
    return ~Exists(SurveyInvitation.objects.filter(registration=OuterRef("pk"), kind=kind))


def _not_answered(kind: str):
    return ~Exists(SurveyResponse.objects.filter(registration=OuterRef("pk"), kind=kind))


def _reachable(user: User) -> bool:
    return user.is_active and user.status == User.Status.VERIFIED


def reminder_candidates(now: dt.datetime):
    """Confirmed attendees (at least one session attended) of workshops closed and over for
    less than STALE_AFTER, without feedback or a reminder."""
    return Registration.objects.filter(
        state=Registration.State.CONFIRMED,
        completion__attended_minutes__gt=0,
        workshop__attendance_closure__closed_at__isnull=False,
        workshop__ends_at__lte=now,
        workshop__ends_at__gt=now - STALE_AFTER,
        feedback__isnull=True,
    ).filter(_not_invited(Questionnaire.Kind.FEEDBACK))


def follow_up_candidates(now: dt.datetime):
    """Officers who completed a workshop, without a follow-up invitation or answer; whose
    survey is due is decided per workshop (its questionnaire's days)."""
    return Registration.objects.filter(
        state=Registration.State.CONFIRMED,
        completion__completed=True,
        workshop__ends_at__lte=now,
    ).filter(
        _not_invited(Questionnaire.Kind.FOLLOW_UP), _not_answered(Questionnaire.Kind.FOLLOW_UP)
    )


def _batches(ids: list[int]):
    size = settings.OUTBOX_BATCH_SIZE
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def send_feedback_reminders(now: dt.datetime | None = None) -> int:
    """Queue the reminders due at `now`. Returns how many registrations were reminded."""
    now = now or timezone.now()
    ids = list(reminder_candidates(now).order_by("pk").values_list("pk", flat=True))
    return sum(
        _invite(
            batch,
            kind=Questionnaire.Kind.FEEDBACK,
            still_owed=reminder_candidates(now),
            mail=_reminder_mail,
            mail_kind=REMINDER_KIND,
        )
        for batch in _batches(ids)
    )


def due_follow_ups(now: dt.datetime) -> dict[int, QuestionnaireVersion]:
    """Registration id → the follow-up version to send, for surveys due at `now` and not
    overdue by more than STALE_AFTER."""
    rows = follow_up_candidates(now).values_list("pk", "workshop_id", "workshop__ends_at")
    versions: dict[int, QuestionnaireVersion | None] = {}
    due: dict[int, QuestionnaireVersion] = {}
    for pk, workshop_id, ends_at in rows.order_by("pk"):
        if workshop_id not in versions:
            versions[workshop_id] = applicable_version(
                Questionnaire.Kind.FOLLOW_UP, workshop_track_id(workshop_id)
            )
        version = versions[workshop_id]
        if version is None:
            continue
        due_at = ends_at + dt.timedelta(days=version.questionnaire.follow_up_days)
        if due_at <= now < due_at + STALE_AFTER:
            due[pk] = version
    return due


def send_follow_up_surveys(now: dt.datetime | None = None) -> int:
    """Queue the follow-up surveys due at `now`. Returns how many registrations were asked."""
    now = now or timezone.now()
    due = due_follow_ups(now)
    return sum(
        _invite(
            batch,
            kind=Questionnaire.Kind.FOLLOW_UP,
            still_owed=follow_up_candidates(now),
            mail=_follow_up_mail,
            mail_kind=FOLLOW_UP_KIND,
        )
        for batch in _batches(sorted(due))
    )


@transaction.atomic
def _invite(
    ids: list[int],
    *,
    kind: str,
    still_owed,
    mail: Callable[[Registration], EmailMessage],
    mail_kind: str,
) -> int:
    """Record and queue the invitations of registrations `ids` not locked by another run and
    still owed one once locked (another run may have sent it since the list was made)."""
    registrations = list(
        still_owed.filter(pk__in=ids)
        .select_related("officer", "workshop")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
    )
    if not registrations:
        return 0
    SurveyInvitation.objects.bulk_create(
        SurveyInvitation(registration=r, kind=kind) for r in registrations
    )
    # Someone whose account was closed or suspended since hears nothing (the invitation is
    # still recorded: it is not sent later either).
    queue_mails(
        [
            (
                mail(r),
                {
                    "kind": mail_kind,
                    "recipient": r.officer,
                    "workshop": r.workshop,
                    "topic": f"survey:{kind}:{r.pk}",
                },
            )
            for r in registrations
            if _reachable(r.officer)
        ]
    )
    return len(registrations)


def _mail_to(registration: Registration, template: str, url: str) -> EmailMessage:
    officer, workshop = registration.officer, registration.workshop
    language = officer.language or settings.LANGUAGE_CODE
    return build_templated_email(
        to=officer.email,
        template=template,
        context={
            "recipient": officer,
            "title": workshop.title,
            "ended_on": when.date(
                workshop.ends_at, workshop.time_zone, long=True, language=language
            ),
            "url": f"{settings.SITE_URL}{url}",
        },
        language=language,
        time_zone=officer.time_zone,
    )


def _reminder_mail(registration: Registration) -> EmailMessage:
    return _mail_to(
        registration,
        "surveys/email/feedback_reminder",
        reverse("surveys:feedback", args=[registration.pk]),
    )


def _follow_up_mail(registration: Registration) -> EmailMessage:
    return _mail_to(
        registration,
        "surveys/email/follow_up",
        reverse("surveys:follow_up", args=[registration.pk]),
    )
