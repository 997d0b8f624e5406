"""Setting up a workshop's pre- or post-test: the region's coordinators (and program
administrators) configure it; the workshop's trainers only see it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import MAX_ATTEMPTS, Attempt, WorkshopTest
from audit.services import record_audit
from trainingsite.errors import ServiceError
from workshops.models import Question, Workshop, WorkshopModule

SETTINGS = (
    "question_count",
    "shuffle_options",
    "max_attempts",
    "time_limit_minutes",
    "closes_after_days",
    "pass_percent",
)


class TestSetupError(ServiceError):
    pass


def bank_questions(workshop: Workshop):
    """The frozen questions of the revisions the workshop teaches, in teaching order."""
    revisions = WorkshopModule.objects.filter(workshop=workshop).values("revision_id")
    return Question.objects.of_revisions(revisions)


def _locked_workshop(workshop_id: int, by) -> Workshop:
    workshop = (
        Workshop.objects.editable_by(by).select_for_update(of=("self",)).filter(pk=workshop_id)
    ).first()
    if workshop is None:
        raise TestSetupError(_("Only the coordinators of the workshop's region set up its tests."))
    return workshop


def _check(kind: str, values: dict, available: int) -> None:
    if kind not in WorkshopTest.Kind.values:
        raise TestSetupError(_("Choose the pre-test or the post-test."))
    if not available:
        raise TestSetupError(
            _(
                "The modules this workshop teaches have no published questions: a test needs "
                "a module revision published with its question bank."
            )
        )
    count = values["question_count"]
    if count is not None and not 1 <= count <= available:
        raise TestSetupError(
            _("Ask between 1 and %(available)s questions, or leave the number empty for all.")
            % {"available": available}
        )
    if not 1 <= values["max_attempts"] <= MAX_ATTEMPTS:
        raise TestSetupError(_("Allow between 1 and %(max)s attempts.") % {"max": MAX_ATTEMPTS})
    limit = values["time_limit_minutes"]
    if limit is not None and not 1 <= limit <= 240:
        raise TestSetupError(_("A time limit is between 1 and 240 minutes."))
    if not 0 <= values["closes_after_days"] <= 60:
        raise TestSetupError(_("A post-test stays open between 0 and 60 days."))
    passing = values["pass_percent"]
    if passing is not None:
        if kind != WorkshopTest.Kind.POST:
            raise TestSetupError(_("Only the post-test can be required to complete."))
        if not 1 <= passing <= 100:
            raise TestSetupError(_("The score required is between 1 and 100 %."))


@transaction.atomic
def configure_test(
    *,
    workshop_id: int,
    kind: str,
    by,
    question_count: int | None = None,
    shuffle_options: bool = True,
    max_attempts: int = 1,
    time_limit_minutes: int | None = None,
    closes_after_days: int = 7,
    pass_percent: int | None = None,
) -> WorkshopTest:
    """Create or change the workshop's test of `kind`. Attempts already started keep their
    own draw and deadline: a change applies to attempts started after it."""
    workshop = _locked_workshop(workshop_id, by)
    values = {
        "question_count": question_count,
        "shuffle_options": shuffle_options,
        "max_attempts": max_attempts,
        "time_limit_minutes": time_limit_minutes,
        "closes_after_days": closes_after_days if kind == WorkshopTest.Kind.POST else 7,
        "pass_percent": pass_percent,
    }
    _check(kind, values, bank_questions(workshop).count())
    test = WorkshopTest.objects.filter(workshop=workshop, kind=kind).first()
    created = test is None
    if test is None:
        test = WorkshopTest(workshop=workshop, kind=kind, created_by=by)
    changed = [name for name in SETTINGS if getattr(test, name) != values[name]]
    if not created and not changed:
        return test
    for name, value in values.items():
        setattr(test, name, value)
    test.save()
    record_audit(
        actor=by,
        action="assessment.configured",
        summary=f"{test.get_kind_display()} of “{workshop.title}” "
        + ("set up" if created else "changed"),
        target=workshop,
        kind=kind,
        fields=[] if created else changed,
    )
    return test


@transaction.atomic
def remove_test(*, test_id: int, by) -> None:
    """Remove a test nobody has started: an attempt (and its answers and score) is never
    deleted with it."""
    test = (
        WorkshopTest.objects.select_related("workshop")
        .filter(pk=test_id, workshop__in=Workshop.objects.editable_by(by))
        .first()
    )
    if test is None:
        raise TestSetupError(_("Only the coordinators of the workshop's region set up its tests."))
    _locked_workshop(test.workshop_id, by)
    # An attempt being started holds a lock on the test row: this waits for it, then sees it.
    WorkshopTest.objects.select_for_update().filter(pk=test.pk).first()
    if Attempt.objects.filter(test=test).exists():
        raise TestSetupError(
            _("Officers have already taken this test: it stays, with their answers and scores.")
        )
    record_audit(
        actor=by,
        action="assessment.removed",
        summary=f"{test.get_kind_display()} of “{test.workshop.title}” removed",
        target=test.workshop,
        kind=test.kind,
    )
    test.delete()
