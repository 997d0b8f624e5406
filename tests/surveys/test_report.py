"""The follow-up survey in the program report: the page and the XLSX agree; hidden under the
minimum; scoped to the coordinator's regions."""

import io

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.models import Questionnaire, SurveyInvitation, SurveyResponse

from .factories import QUESTIONS, make_questionnaire, publish

pytestmark = pytest.mark.django_db

REPORT = reverse("reports:program")
REPORT_XLSX = reverse("reports:program_xlsx")


def _answered(attendees, picks):
    questionnaire = make_questionnaire(Questionnaire.Kind.FOLLOW_UP)
    version = questionnaire.current_version
    for registration, (rating, choice) in zip(attendees, picks, strict=False):
        SurveyInvitation.objects.create(registration=registration, kind="follow_up")
        SurveyResponse.objects.create(
            registration=registration,
            kind="follow_up",
            version=version,
            answers={"q1": rating, "q2": choice, "q4": "private words"},
        )
    return version


def _period(workshop):
    year = workshop.starts_at.year
    return {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}


def _sheet(client, workshop):
    response = client.get(REPORT_XLSX, _period(workshop))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook["Follow-up survey"].iter_rows(min_row=2, values_only=True))


def test_page_and_xlsx_agree(client_for, coordinator, attendees, past_workshop, settings):
    settings.FEEDBACK_MIN_ANSWERS = 5
    picks = [(5, "Right"), (4, "Right"), (4, "Too fast"), (3, "Right"), (5, "Too slow")]
    _answered(attendees, picks)
    client = client_for(coordinator)
    response = client.get(REPORT, _period(past_workshop))
    figures = response.context["follow_up"]
    page = response.content.decode()
    (result,) = figures.versions
    rating, choice = result.questions[0], result.questions[1]
    assert (figures.sent, figures.answered) == (5, 5)
    assert rating.average == pytest.approx(21 / 5)
    assert "4.2 / 5" in page
    assert "private words" not in page
    rows = _sheet(client, past_workshop)
    assert rows[0][4] == 5 and rows[1][4] == 5 and rows[2][4] == pytest.approx(1.0)
    by_answer = {(r[2], r[3]): (r[4], r[5]) for r in rows[3:]}
    assert by_answer[("Were the exercises realistic?", "Average")] == (5, pytest.approx(4.2))
    for label, count in choice.counts:
        assert by_answer[("Was the pace right?", label)] == (count, None)
    assert dict(choice.counts) == {"Too slow": 1, "Right": 3, "Too fast": 1}
    assert not any("private words" in str(cell) for row in rows for cell in row)


def test_hidden_under_the_minimum_on_page_and_in_xlsx(
    client_for, coordinator, attendees, past_workshop, settings
):
    settings.FEEDBACK_MIN_ANSWERS = 5
    _answered(attendees[:4], [(5, "Right")] * 4)
    client = client_for(coordinator)
    page = client.get(REPORT, _period(past_workshop)).content.decode()
    assert "Shown once at least 5 officers have answered this version." in page
    assert "Was the pace right?" not in page
    rows = _sheet(client, past_workshop)
    assert [r[2] for r in rows[3:]] == [
        "Shown once at least 5 officers have answered this version."
    ]
    assert not any(r[5] for r in rows)


def test_other_regions_coordinator_sees_none(
    client_for, other_coordinator, attendees, past_workshop
):
    _answered(attendees, [(5, "Right")] * 5)
    figures = client_for(other_coordinator).get(REPORT, _period(past_workshop)).context["follow_up"]
    assert (figures.sent, figures.answered, figures.versions) == (0, 0, [])


def test_report_queries_do_not_grow_with_follow_up_answers_and_versions(
    client_for, coordinator, attendees, past_workshop, settings
):
    """The report runs 22 queries without follow-up answers (tests/reports); answers add one
    (their versions), however many answers and versions there are."""
    settings.FEEDBACK_MIN_ANSWERS = 2
    questionnaire = make_questionnaire(Questionnaire.Kind.FOLLOW_UP)
    client = client_for(coordinator)

    def answer(registrations, version):
        for registration in registrations:
            SurveyInvitation.objects.create(registration=registration, kind="follow_up")
            SurveyResponse.objects.create(
                registration=registration,
                kind="follow_up",
                version=version,
                answers={"q1": 4, "q2": "Right"},
            )

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(REPORT, _period(past_workshop))
        assert response.status_code == 200
        return len(queries)

    answer(attendees[:2], questionnaire.current_version)
    few = count()
    answer(attendees[2:], publish(questionnaire, QUESTIONS))
    many = count()
    assert len(attendees) > 3
    assert few == many <= 23
