"""An officer's answers in their data export, and what erasure leaves of them."""

from __future__ import annotations

from django.db import transaction

from ..models import SurveyResponse


def _texts(response: SurveyResponse) -> set[str]:
    return {q["key"] for q in response.version.questions if q.get("kind") == "text"}


def answers_of(officer) -> list[dict]:
    """Each response of theirs with the questions it answered, as they were asked."""
    rows = []
    responses = SurveyResponse.objects.filter(registration__officer=officer).select_related(
        "registration__workshop", "version__questionnaire__track"
    )
    for response in responses.order_by("submitted_at", "pk"):
        questions = {q["key"]: q["text"] for q in response.version.questions}
        rows.append(
            {
                "workshop": response.registration.workshop.title,
                "questionnaire": str(response.version.questionnaire),
                "version": response.version.number,
                "submitted_at": response.submitted_at.isoformat(),
                "answers": [
                    {"question": questions.get(key, key), "answer": value}
                    for key, value in response.answers.items()
                ],
            }
        )
    return rows


@transaction.atomic
def forget_free_text(*, officer_id: int) -> int:
    """Their own words go; ratings and choices stay as anonymous statistics (as the fixed
    ratings do). Returns how many responses changed."""
    changed = []
    responses = SurveyResponse.objects.filter(registration__officer_id=officer_id).select_related(
        "version"
    )
    for response in responses.select_for_update(of=("self",)):
        texts = _texts(response)
        if texts & response.answers.keys():
            response.answers = {k: v for k, v in response.answers.items() if k not in texts}
            changed.append(response)
    SurveyResponse.objects.bulk_update(changed, ["answers"])
    return len(changed)
