"""Questionnaires for tests: published directly (the editor's service has its own tests)."""

from __future__ import annotations

from attendance import services as attendance_services
from surveys.models import Questionnaire, QuestionnaireVersion

QUESTIONS = [
    {"key": "q1", "kind": "rating", "text": "Were the exercises realistic?", "required": True},
    {
        "key": "q2",
        "kind": "choice",
        "text": "Was the pace right?",
        "choices": ["Too slow", "Right", "Too fast"],
        "required": False,
    },
    {
        "key": "q3",
        "kind": "multiple",
        "text": "Which tools will you use?",
        "choices": ["Explorer", "Clustering", "OSINT"],
        "required": False,
    },
    {"key": "q4", "kind": "text", "text": "What was missing?", "required": False},
]


def make_questionnaire(
    kind=Questionnaire.Kind.FEEDBACK, *, track=None, questions=None, days=90, by=None
) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(kind=kind, track=track, follow_up_days=days)
    publish(questionnaire, questions if questions is not None else QUESTIONS, by=by)
    return questionnaire


def publish(questionnaire: Questionnaire, questions: list[dict], *, by=None):
    number = questionnaire.versions.count() + 1
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=number, questions=questions, published_by=by
    )
    questionnaire.current_version = version
    questionnaire.save(update_fields=["current_version"])
    return version


def close_with(trainer, workshop, present, absent=()):
    """Mark `present` at every session (`absent` absent) and close the workshop."""
    for session in workshop.sessions.all():
        marks = dict.fromkeys([r.pk for r in present], "present")
        marks.update(dict.fromkeys([r.pk for r in absent], "absent"))
        attendance_services.record_marks(session_id=session.pk, by=trainer, marks=marks)
    attendance_services.close_workshop(workshop_id=workshop.pk, by=trainer)
