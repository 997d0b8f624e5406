"""Officers' answers: the feedback form (the fixed ratings, then the questionnaire) and the
follow-up survey, each once per registration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import Completion, Feedback
from attendance.services import submit_feedback as submit_fixed_ratings
from attendees.models import User
from registrations.models import Registration
from trainingsite.errors import ServiceError

from ..access import version_for_workshop
from ..models import Questionnaire, QuestionnaireVersion, SurveyInvitation, SurveyResponse
from ..questions import RATING_SCALE

MAX_ANSWER_TEXT = 2000


class AnswerError(ServiceError):
    pass


def clean_answers(version: QuestionnaireVersion, raw: dict[str, Any]) -> dict[str, Any]:
    """The answers to `version`'s questions, checked: unknown keys dropped, an unanswered
    optional question left out."""
    answers: dict[str, Any] = {}
    for question in version.questions:
        key, kind = question["key"], question["kind"]
        value = raw.get(key)
        if value in (None, "", []):
            if question.get("required"):
                raise AnswerError(_("Answer every required question."))
            continue
        if kind == "rating":
            if not isinstance(value, int) or value not in RATING_SCALE:
                raise AnswerError(_("Ratings go from 1 to 5."))
        elif kind == "choice":
            if value not in question.get("choices", []):
                raise AnswerError(_("Choose one of the options given."))
        elif kind == "multiple":
            if not isinstance(value, list) or set(value) - set(question.get("choices", [])):
                raise AnswerError(_("Choose among the options given."))
            value = [c for c in question["choices"] if c in value]
        else:
            value = str(value).strip()[:MAX_ANSWER_TEXT]
            if not value:
                continue
        answers[key] = value
    return answers


def _answerable_version(kind: str, workshop_id: int, version_id: int | None):
    """The version answered: one of the questionnaire that applies to the workshop now (the
    page may show an earlier version than a coordinator just published: it still counts)."""
    current = version_for_workshop(kind, workshop_id)
    if current is None:
        return None
    if version_id is None or version_id == current.pk:
        return current
    version = QuestionnaireVersion.objects.filter(
        pk=version_id, questionnaire_id=current.questionnaire_id
    ).first()
    if version is None:
        raise AnswerError(_("This questionnaire has changed: please answer it again."))
    return version


def _save_response(registration: Registration, kind: str, version, answers: dict):
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                registration=registration, kind=kind, version=version, answers=answers
            )
    except IntegrityError as err:
        raise AnswerError(_("You have answered this already. Thank you!")) from err


@transaction.atomic
def submit_feedback(
    *,
    registration_id: int,
    officer: User,
    overall: int,
    trainer_rating: int,
    module_ratings: dict[int, int],
    comments: str = "",
    version_id: int | None = None,
    answers: dict[str, Any] | None = None,
) -> Feedback:
    """The fixed ratings (attendance's rules: once, attendees of a closed workshop), then the
    answers to the questionnaire's version, in one transaction."""
    feedback = submit_fixed_ratings(
        registration_id=registration_id,
        officer=officer,
        overall=overall,
        trainer_rating=trainer_rating,
        module_ratings=module_ratings,
        comments=comments,
    )
    registration = feedback.registration
    version = _answerable_version(Questionnaire.Kind.FEEDBACK, registration.workshop_id, version_id)
    if version is not None:
        cleaned = clean_answers(version, answers or {})
        _save_response(registration, Questionnaire.Kind.FEEDBACK, version, cleaned)
    return feedback


def follow_up_due_at(
    registration: Registration, version: QuestionnaireVersion
) -> dt.datetime | None:
    """The survey is due `follow_up_days` after the workshop's last session."""
    ends_at = registration.workshop.ends_at
    if ends_at is None:
        return None
    return ends_at + dt.timedelta(days=version.questionnaire.follow_up_days)


def follow_up_open(registration: Registration, version: QuestionnaireVersion | None) -> bool:
    """Officers who completed the workshop answer once the survey is due, or once it was sent
    to them (a coordinator moving the day later does not close it again)."""
    if version is None or registration.state != Registration.State.CONFIRMED:
        return False
    if not Completion.objects.filter(registration=registration, completed=True).exists():
        return False
    invited = SurveyInvitation.objects.filter(
        registration=registration, kind=Questionnaire.Kind.FOLLOW_UP
    ).exists()
    due_at = follow_up_due_at(registration, version)
    return invited or (due_at is not None and due_at <= timezone.now())


@transaction.atomic
def submit_follow_up(
    *,
    registration_id: int,
    officer: User,
    version_id: int | None,
    answers: dict[str, Any],
) -> SurveyResponse:
    registration = (
        Registration.objects.of_officer(officer)
        .select_for_update(of=("self",))
        .select_related("workshop")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        raise AnswerError(_("This workshop is not one of yours."))
    kind = Questionnaire.Kind.FOLLOW_UP
    if SurveyResponse.objects.filter(registration=registration, kind=kind).exists():
        raise AnswerError(_("You have answered this already. Thank you!"))
    version = _answerable_version(kind, registration.workshop_id, version_id)
    if not follow_up_open(registration, version):
        raise AnswerError(_("This survey is not open for you."))
    assert version is not None  # (follow_up_open says so)
    return _save_response(registration, kind, version, clean_answers(version, answers))
