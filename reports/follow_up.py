"""The follow-up survey in the program report: how many were sent and answered, and each
version's answers in aggregate (nothing under FEEDBACK_MIN_ANSWERS answers; free text never:
the report travels further than the workshop's own staff).

Scope as the report's: workshops in the viewer's regions starting in the period (region and
track filters too); a survey counts with its workshop."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from surveys.models import Questionnaire, SurveyInvitation, SurveyResponse
from surveys.results import VersionResult, results_by_version

from .exports import ExportFilter, scoped_workshops
from .figures import share
from .tabular import Cell, Column


@dataclass
class FollowUpFigures:
    sent: int = 0
    answered: int = 0
    min_answers: int = 5
    versions: list[VersionResult] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        return share(self.answered, self.sent)


def follow_up_figures(
    user,
    *,
    start: dt.date,
    end: dt.date,
    region_id: int | None = None,
    track_id: int | None = None,
) -> FollowUpFigures:
    """Four queries, whatever the number of answers' workshops."""
    flt = ExportFilter(
        region_ids=[region_id] if region_id else [],
        date_from=start.isoformat(),
        date_to=end.isoformat(),
        track_id=track_id,
    )
    workshops = scoped_workshops(user, flt).values("pk")
    kind = Questionnaire.Kind.FOLLOW_UP
    responses = SurveyResponse.objects.filter(kind=kind, registration__workshop__in=workshops)
    versions = results_by_version(responses, with_text=False)
    return FollowUpFigures(
        sent=SurveyInvitation.objects.filter(
            kind=kind, registration__workshop__in=workshops
        ).count(),
        answered=sum(v.answers for v in versions),
        min_answers=settings.FEEDBACK_MIN_ANSWERS,
        versions=versions,
    )


def follow_up_sheet(f: FollowUpFigures) -> tuple[str, list[Column], list[list]]:
    """The report's follow-up section as one sheet: the page's figures, row for row."""
    columns = [
        Column(_("Questionnaire"), width=28),
        Column(_("Version"), "int", 8),
        Column(_("Question"), width=40),
        Column(_("Answer"), width=24),
        Column(_("Officers"), "int", 10),
        Column(_("Average rating"), "rating", 10),
    ]
    rows: list[list] = [
        [_("Surveys sent"), None, None, None, f.sent, None],
        [_("Surveys answered"), None, None, None, f.answered, None],
        [_("Response rate"), None, None, None, Cell(f.response_rate, "percent"), None],
    ]
    for result in f.versions:
        name, number = str(result.version.questionnaire), result.version.number
        if not result.shown:
            hidden = _("Shown once at least %(min)d officers have answered this version.") % {
                "min": f.min_answers
            }
            rows.append([name, number, hidden, None, result.answers, None])
            continue
        for q in result.questions:
            text = q.question["text"]
            if q.kind == "rating":
                rows.append([name, number, text, _("Average"), q.answers, q.average])
            for label, count in q.counts:
                rows.append([name, number, text, label, count, None])
            if q.kind == "text":
                rows.append(
                    [name, number, text, _("Free text (not in the report)"), q.answers, None]
                )
    return (_("Follow-up survey"), columns, rows)
