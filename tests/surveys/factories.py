"""Questionnaires for tests: published directly (the editor's service has its own tests)."""

from __future__ import annotations

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
