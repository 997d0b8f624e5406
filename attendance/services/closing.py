"""Closing a workshop: completion is computed, certificates issued or revoked.

Completion rule: an officer completed the workshop when the sessions they attended add up to at
least `completion_threshold` % (default 75) of the workshop's total session time. A session
counts in full when marked present or late; absent, excused and unmarked sessions count zero.
When the post-test sets a score to reach (`WorkshopTest.pass_percent`), the officer's best sent
post-test must reach it too; such a workshop closes only once its post-test has closed, so the
scores are final.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import scores
from assessments.services import send_overdue_attempts
from attendance.access import workshops_run_by
from attendance.models import AttendanceMark, ClosureEvent, Completion, WorkshopClosure
from attendance.models.marks import ATTENDED_STATUSES
from attendance.signals import workshop_closed
from attendees.models import User
from audit.services import record_audit
from registrations.models import Registration
from trainingsite.errors import ServiceError
from workshops.models import Workshop

from .certificates import issue_certificate, revoke_certificate
from .marking import lock_closure


class ClosingError(ServiceError):
    pass


def _session_minutes(session) -> int:
    return int((session.ends_at - session.starts_at).total_seconds() // 60)


def compute_completions(*, workshop: Workshop, threshold: int) -> dict[int, tuple[bool, int, int]]:
    """registration id → (completed, attended minutes, total minutes) for the confirmed roster."""
    sessions = {s.pk: _session_minutes(s) for s in workshop.sessions.all()}
    total = sum(sessions.values())
    registration_ids = Registration.objects.filter(
        workshop=workshop, state=Registration.State.CONFIRMED
    ).values_list("pk", flat=True)
    attended = dict.fromkeys(registration_ids, 0)
    marks = AttendanceMark.objects.filter(
        session__workshop=workshop, registration_id__in=list(attended), status__in=ATTENDED_STATUSES
    ).values_list("registration_id", "session_id")
    for registration_id, session_id in marks:
        attended[registration_id] += sessions.get(session_id, 0)
    return {
        rid: (total > 0 and minutes * 100 >= threshold * total, minutes, total)
        for rid, minutes in attended.items()
    }


@dataclass(frozen=True)
class PostTestScores:
    """The post-test's part in closing: the score required (None: attendance alone) and each
    registration's best sent percent (empty while the post-test is open: nothing is final)."""

    required: int | None
    percents: dict[int, Decimal]

    def passed(self, registration_id: int) -> bool:
        if self.required is None:
            return True
        percent = self.percents.get(registration_id)
        return percent is not None and percent >= self.required


def post_test_scores_at_closing(*, workshop: Workshop, now: dt.datetime) -> PostTestScores:
    """The scores closing records; refuses while a required post-test is still open or has
    no questions to ask."""
    required = scores.required_percent(workshop)
    window = scores.post_test_window(workshop)
    final = window is not None and window.has_closed(now)
    if required is not None:
        if not final:
            raise ClosingError(
                _(
                    "This workshop requires a post-test score: close it once the post-test "
                    "has closed and every score is final."
                )
            )
        if not scores.bank_size(workshop):
            raise ClosingError(
                _(
                    "This workshop requires a post-test score, but its modules have no "
                    "questions to test. Add questions or remove the requirement first."
                )
            )
    if not final:
        return PostTestScores(required=required, percents={})
    # An attempt still open when the test closed counts with the answers it saved.
    send_overdue_attempts(workshop_id=workshop.pk, at=now)
    return PostTestScores(required=required, percents=scores.best_post_test_percents(workshop))


def _lock_workshop(workshop_id: int, by: User) -> Workshop:
    workshop = workshops_run_by(by).select_for_update(of=("self",)).filter(pk=workshop_id).first()
    if workshop is None:
        raise ClosingError(_("You do not run this workshop."))
    return workshop


@transaction.atomic
def close_workshop(*, workshop_id: int, by: User) -> dict[str, int]:
    """Close attendance after the last session: completions computed, certificates issued to
    officers who now qualify and revoked from those who no longer do, status COMPLETED."""
    workshop = _lock_workshop(workshop_id, by)
    closure = lock_closure(workshop.pk)
    if closure.is_closed:
        raise ClosingError(_("This workshop is already closed."))
    if workshop.status in (Workshop.Status.CANCELLED, Workshop.Status.DRAFT):
        raise ClosingError(_("Only a published workshop that took place can be closed."))
    last_end = workshop.sessions.aggregate(last=Max("ends_at"))["last"]
    now = timezone.now()
    if last_end is None or last_end > now:
        raise ClosingError(_("A workshop can be closed only after its last session has ended."))

    tests = post_test_scores_at_closing(workshop=workshop, now=now)
    results = {
        rid: (attended and tests.passed(rid), minutes, total)
        for rid, (attended, minutes, total) in compute_completions(
            workshop=workshop, threshold=closure.completion_threshold
        ).items()
    }
    existing = {
        c.registration_id: c for c in Completion.objects.filter(registration_id__in=results)
    }
    to_create: list[Completion] = []
    to_update: list[Completion] = []
    for registration_id, (completed, minutes, total) in results.items():
        row = existing.get(registration_id) or Completion(registration_id=registration_id)
        row.completed, row.attended_minutes, row.total_minutes = completed, minutes, total
        row.threshold, row.computed_at = closure.completion_threshold, now
        row.test_percent = tests.percents.get(registration_id)
        row.test_required = tests.required
        (to_update if row.pk else to_create).append(row)
    Completion.objects.bulk_create(to_create)
    Completion.objects.bulk_update(
        to_update,
        [
            "completed",
            "attended_minutes",
            "total_minutes",
            "threshold",
            "test_percent",
            "test_required",
            "computed_at",
        ],
    )
    # Registrations that left the roster while the workshop was open keep no completion.
    Completion.objects.filter(registration__workshop=workshop).exclude(
        registration_id__in=list(results)
    ).delete()

    issued = revoked = 0
    registrations = (
        Registration.objects.filter(workshop=workshop)
        .select_related("officer", "officer__agency")
        .prefetch_related("certificates")
    )
    for registration in registrations:
        active = next((c for c in registration.certificates.all() if c.revoked_at is None), None)
        qualifies = results.get(registration.pk, (False, 0, 0))[0]
        if qualifies and active is None:
            issue_certificate(registration=registration, workshop=workshop)
            issued += 1
        elif not qualifies and active is not None:
            revoke_certificate(
                certificate=active,
                reason=_("Attendance was corrected: the completion rule is no longer met."),
            )
            revoked += 1

    closure.closed_at, closure.closed_by = now, by
    if workshop.status != Workshop.Status.COMPLETED:
        closure.status_before_close = workshop.status
        workshop.status = Workshop.Status.COMPLETED
        workshop.save(update_fields=["status", "updated_at"])
    closure.save(update_fields=["closed_at", "closed_by", "status_before_close"])
    completed_count = sum(1 for done, _m, _t in results.values() if done)
    summary = {
        "completed": completed_count,
        "total": len(results),
        "issued": issued,
        "revoked": revoked,
    }
    ClosureEvent.objects.create(
        workshop=workshop,
        action=ClosureEvent.Action.CLOSED,
        actor=by,
        summary=_(
            "%(completed)s of %(total)s completed; %(issued)s certificates issued, "
            "%(revoked)s revoked"
        )
        % summary,
    )
    rule = f" (post-test {tests.required}% required)" if tests.required is not None else ""
    record_audit(
        actor=by,
        action="attendance.closed",
        summary=(
            f"Workshop #{workshop.pk} closed{rule}: {completed_count} of {len(results)} "
            f"completed, {issued} certificates issued, {revoked} revoked"
        ),
        target=workshop,
        completion_threshold=closure.completion_threshold,
        post_test_required=tests.required,
        **summary,
    )
    workshop_closed.send(sender=Workshop, workshop=workshop)
    return summary


@transaction.atomic
def reopen_workshop(*, workshop_id: int, by: User, reason: str) -> WorkshopClosure:
    """Re-open attendance for corrections; certificates stay as they are until closed again."""
    if not reason.strip():
        raise ClosingError(_("Say why the workshop is re-opened: it is kept in the history."))
    workshop = _lock_workshop(workshop_id, by)
    closure = lock_closure(workshop.pk)
    if not closure.is_closed:
        raise ClosingError(_("This workshop is not closed."))
    closure.closed_at = closure.closed_by = None
    closure.save(update_fields=["closed_at", "closed_by"])
    if workshop.status == Workshop.Status.COMPLETED:
        workshop.status = closure.status_before_close or Workshop.Status.PUBLISHED
        workshop.save(update_fields=["status", "updated_at"])
    ClosureEvent.objects.create(
        workshop=workshop, action=ClosureEvent.Action.REOPENED, actor=by, reason=reason.strip()
    )
    record_audit(
        actor=by,
        action="attendance.reopened",
        summary=f"Workshop #{workshop.pk} re-opened for attendance corrections",
        target=workshop,
        reason=reason.strip()[:500],
    )
    return closure


@transaction.atomic
def update_attendance_settings(
    *, workshop_id: int, by: User, completion_threshold: int, checkin_opens_minutes: int
) -> WorkshopClosure:
    workshop = _lock_workshop(workshop_id, by)
    closure = lock_closure(workshop.pk)
    if closure.is_closed:
        raise ClosingError(_("Re-open the workshop to change its completion rule."))
    if not 1 <= completion_threshold <= 100:
        raise ClosingError(_("The completion threshold must be between 1 and 100%."))
    if not 0 <= checkin_opens_minutes <= 240:
        raise ClosingError(_("Check-in can open at most 240 minutes before a session."))
    before = (closure.completion_threshold, closure.checkin_opens_minutes)
    if before == (completion_threshold, checkin_opens_minutes):
        return closure
    closure.completion_threshold = completion_threshold
    closure.checkin_opens_minutes = checkin_opens_minutes
    closure.save(update_fields=["completion_threshold", "checkin_opens_minutes"])
    record_audit(
        actor=by,
        action="attendance.settings",
        summary=(
            f"Workshop #{workshop.pk}: completion at {completion_threshold}%, check-in opens "
            f"{checkin_opens_minutes} minutes before"
        ),
        target=workshop,
        completion_threshold=[before[0], completion_threshold],
        checkin_opens_minutes=[before[1], checkin_opens_minutes],
    )
    return closure
