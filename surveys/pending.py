"""What an officer has yet to answer, for their dashboard."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from registrations.models import Registration

from .models import Questionnaire, SurveyInvitation, SurveyResponse


def pending_surveys(user) -> dict[str, list[Registration]]:
    """The feedback forms they were reminded of and the follow-up surveys they were sent,
    not answered yet (two queries)."""
    mine = (
        Registration.objects.of_officer(user)
        .filter(state=Registration.State.CONFIRMED)
        .select_related("workshop")
        .order_by("-workshop__ends_at", "pk")
    )

    def invited(kind: str):
        return Exists(SurveyInvitation.objects.filter(registration=OuterRef("pk"), kind=kind))

    def answered(kind: str):
        return Exists(SurveyResponse.objects.filter(registration=OuterRef("pk"), kind=kind))

    feedback, follow_up = Questionnaire.Kind.FEEDBACK, Questionnaire.Kind.FOLLOW_UP
    return {
        "pending_feedback": list(mine.filter(invited(feedback), feedback__isnull=True)[:5]),
        "pending_follow_ups": list(
            mine.filter(invited(follow_up)).exclude(answered(follow_up))[:5]
        ),
    }
