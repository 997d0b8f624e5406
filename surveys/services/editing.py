"""Coordinators' writes: a questionnaire is created with its first version; every edit
publishes a further version (the published ones never change)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from attendees.models import User
from audit.services import record_audit
from trainingsite.errors import ServiceError

from ..access import editable_questionnaires, editable_tracks, may_edit_program_wide
from ..models import Questionnaire, QuestionnaireVersion
from ..questions import validate_questions

MAX_FOLLOW_UP_DAYS = 730


class QuestionnaireError(ServiceError):
    pass


def _check(questions: list[dict], follow_up_days: int | None) -> None:
    problems = validate_questions(questions)
    if problems:
        raise QuestionnaireError(problems[0])
    if follow_up_days is not None and not 1 <= follow_up_days <= MAX_FOLLOW_UP_DAYS:
        raise QuestionnaireError(
            _("The survey is sent between 1 and %(max)d days after completion.")
            % {"max": MAX_FOLLOW_UP_DAYS}
        )


def _publish(
    questionnaire: Questionnaire, *, by: User, questions: list[dict]
) -> QuestionnaireVersion:
    last = questionnaire.versions.aggregate(n=Max("number"))["n"] or 0
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=last + 1, questions=questions, published_by=by
    )
    questionnaire.current_version = version
    questionnaire.save(update_fields=["current_version", "follow_up_days", "updated_at"])
    record_audit(
        actor=by,
        action="questionnaire.published",
        summary=f"{questionnaire} version {version.number} published",
        target=questionnaire,
        version=version.number,
        questions=len(questions),
    )
    return version


@transaction.atomic
def create_questionnaire(
    *,
    by: User,
    kind: str,
    track_id: int | None,
    questions: list[dict],
    follow_up_days: int | None = None,
) -> Questionnaire:
    """A questionnaire of `kind` for the track (or the whole program), published as version 1."""
    if kind not in Questionnaire.Kind.values:
        raise QuestionnaireError(_("Choose what the questionnaire is for."))
    if track_id is None and not may_edit_program_wide(by):
        raise QuestionnaireError(
            _("Only program administrators edit the program-wide questionnaires.")
        )
    if track_id is not None and not editable_tracks(by).filter(pk=track_id).exists():
        raise QuestionnaireError(_("You cannot edit this track's questionnaires."))
    _check(questions, follow_up_days)
    questionnaire = Questionnaire(kind=kind, track_id=track_id)
    if kind == Questionnaire.Kind.FOLLOW_UP and follow_up_days is not None:
        questionnaire.follow_up_days = follow_up_days
    try:
        with transaction.atomic():
            questionnaire.save()
    except IntegrityError as err:
        raise QuestionnaireError(_("This questionnaire exists already: edit it instead.")) from err
    _publish(questionnaire, by=by, questions=questions)
    return questionnaire


@transaction.atomic
def publish_version(
    *,
    questionnaire_id: int,
    by: User,
    questions: list[dict],
    follow_up_days: int | None = None,
) -> QuestionnaireVersion:
    """The questionnaire's next version; answers given so far keep pointing at theirs."""
    questionnaire = (
        editable_questionnaires(by)
        .select_for_update(of=("self",))
        .filter(pk=questionnaire_id)
        .first()
    )
    if questionnaire is None:
        raise QuestionnaireError(_("You cannot edit this questionnaire."))
    _check(questions, follow_up_days)
    if questionnaire.kind == Questionnaire.Kind.FOLLOW_UP and follow_up_days is not None:
        questionnaire.follow_up_days = follow_up_days
    return _publish(questionnaire, by=by, questions=questions)
