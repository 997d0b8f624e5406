"""Feedback results for the workshop's trainers and coordinators: the fixed ratings and each
questionnaire version's questions, in aggregate only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from attendance.access import workshops_run_by
from attendance.reports import feedback_summary
from trainingsite.roles import role_required

from ..models import Questionnaire, SurveyResponse
from ..results import results_by_version

STAFF = ("trainer", "coordinator")


@role_required(*STAFF)
def feedback_results(request, pk: int):
    workshop = get_object_or_404(workshops_run_by(request.user), pk=pk)
    summary = feedback_summary(workshop)
    # Under the threshold nothing shows, not even per version: a version's answers could
    # otherwise be told apart by difference.
    versions = (
        results_by_version(
            SurveyResponse.objects.filter(
                registration__workshop=workshop, kind=Questionnaire.Kind.FEEDBACK
            ),
            with_text=True,
        )
        if summary.shown
        else []
    )
    return render(
        request,
        "surveys/feedback_results.html",
        {"workshop": workshop, "summary": summary, "versions": versions},
    )
