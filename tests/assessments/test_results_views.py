"""The per-workshop test results page and its scores CSV: who may open them, what they show."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from assessments.results import workshop_results
from tests.factories import (
    ModuleRevisionFactory,
    OfficerFactory,
    RegistrationFactory,
    TrainerFactory,
    WorkshopFactory,
)
from workshops.models import Question

from .conftest import POST, PRE
from .factories import scored, sent_attempt, workshop_test

pytestmark = pytest.mark.django_db


def results_url(workshop):
    return reverse("assessment_results:results", args=[workshop.pk])


def csv_url(workshop):
    return reverse("assessment_results:scores_csv", args=[workshop.pk])


def test_item_statistics_of_a_workshop(item_world):
    """Q1 right 2 of 3 (difficulty 0.667), Q2 right 1 of 3 (0.333). Totals 100, 50, 0: s =
    √((50² + 0 + 50²)/3) = 40.825. Q1: M1 = 75, M0 = 0, √(2/3·1/3) = 0.4714: r = 75/40.825 ·
    0.4714 = 0.8660. Q2: M1 = 100, M0 = 25: r = 75/40.825 · 0.4714 = 0.8660. Objectives:
    Trace 2/3 (not weak), Seize 1/3 (weak). Mean 50, median 50; bins 0, 50, 100."""
    results = workshop_results(item_world.workshop)
    [post] = results.tests
    assert [(i.text, i.n, i.right) for i in post.items] == [
        ("First question", 3, 2),
        ("Second question", 3, 1),
    ]
    assert [i.discrimination for i in post.items] == [pytest.approx(0.8660, abs=1e-4)] * 2
    assert [(o.objective, o.weak) for o in post.objectives] == [("Trace", False), ("Seize", True)]
    assert (post.distribution.mean, post.distribution.median) == (50, 50)
    assert post.distribution.bins == [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]


def test_a_corrected_question_keeps_one_line_across_revisions(item_world):
    """A later revision's copy of Q1 (same key, new wording) answered by a fourth officer:
    still one line, worded as in the latest revision, 3 right of 4."""
    q1 = item_world.q1
    later = ModuleRevisionFactory(module=q1.module, number=2)
    corrected = Question.objects.create(
        module=q1.module,
        revision=later,
        key=q1.key,
        text="First question, corrected",
        objective="Trace",
        kind=Question.Kind.TRUE_FALSE,
        true_answer=True,
    )
    reg = RegistrationFactory(workshop=item_world.workshop, officer=OfficerFactory())
    sent_attempt(workshop_test(item_world.workshop, POST), reg, [(corrected, True)])
    [post] = workshop_results(item_world.workshop).tests
    first = post.items[0]
    assert (first.text, first.n, first.right) == ("First question, corrected", 4, 3)


def test_staff_of_the_workshop_see_results(gain_world, client_for, coordinator, program_admin):
    for user in (gain_world.trainer, coordinator, program_admin):
        response = client_for(user).get(results_url(gain_world.w1))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Test results" in body
        assert gain_world.w1_regs[0].officer.email in body
        # The first officer: pre 20, best post 60 → gain +40.0.
        scores = {s.registration.pk: s for s in response.context["results"].officers}
        first = scores[gain_world.w1_regs[0].pk]
        assert (first.pre, first.post, first.gain) == (20, 60, 40)


@pytest.mark.parametrize("who", ["officer", "focal_point", "other_trainer", "other_coordinator"])
def test_everyone_else_gets_404(gain_world, client_for, who, focal_point, other_coordinator):
    users = {
        "officer": gain_world.w1_regs[0].officer,
        "focal_point": focal_point,
        "other_trainer": TrainerFactory(),
        "other_coordinator": other_coordinator,
    }
    client = client_for(users[who])
    assert client.get(results_url(gain_world.w1)).status_code == 404
    assert client.get(csv_url(gain_world.w1)).status_code == 404


def test_a_coordinator_of_the_region_but_not_of_another(gain_world, client_for, coordinator):
    client = client_for(coordinator)
    assert client.get(results_url(gain_world.w1)).status_code == 200
    assert client.get(results_url(gain_world.w2)).status_code == 404


def test_scores_csv(gain_world, client_for, agency):
    evil = RegistrationFactory(
        workshop=gain_world.w1,
        officer=OfficerFactory(agency=agency, full_name="=cmd|' /C calc'!A0"),
    )
    scored(workshop_test(gain_world.w1, PRE), evil, 50)
    response = client_for(gain_world.trainer).get(csv_url(gain_world.w1))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Officer",
        "E-mail",
        "Agency",
        "Pre-test (%)",
        "Post-test (%)",
        "Gain (points)",
    ]
    by_email = {row[1]: row for row in rows[1:]}
    first = by_email[gain_world.w1_regs[0].officer.email]
    assert first[2:] == ["Agency A", "20.00", "60.00", "40.00"]
    evil_row = by_email[evil.officer.email]
    assert evil_row[0].startswith("'=") and evil_row[3:] == ["50.00", "", ""]
    # Only this workshop's officers.
    assert not any(r.officer.email in by_email for r in gain_world.w2_regs)


def test_the_roster_links_to_the_results(gain_world, client_for):
    response = client_for(gain_world.trainer).get(
        reverse("attendance:roster", args=[gain_world.w1.pk])
    )
    assert results_url(gain_world.w1) in response.content.decode()


def test_a_workshop_without_tests_says_so(client_for, coordinator, region):
    workshop = WorkshopFactory(region=region)
    response = client_for(coordinator).get(results_url(workshop))
    assert response.status_code == 200
    assert "no pre-test or post-test" in response.content.decode()


def test_results_page_query_count_does_not_grow(
    item_world, client_for, agency, django_assert_max_num_queries
):
    client = client_for(item_world.trainer)
    client.get(results_url(item_world.workshop))
    with django_assert_max_num_queries(14) as small:
        assert client.get(results_url(item_world.workshop)).status_code == 200
    test = workshop_test(item_world.workshop, POST)
    pre = workshop_test(item_world.workshop, PRE)
    for n in range(20):
        reg = RegistrationFactory(
            workshop=item_world.workshop,
            officer=OfficerFactory(agency=agency, full_name=f"More {n}"),
        )
        sent_attempt(test, reg, [(item_world.q1, n % 2 == 0), (item_world.q2, n % 3 == 0)])
        sent_attempt(pre, reg, [(item_world.q1, False), (item_world.q2, n % 2 == 0)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(results_url(item_world.workshop))
    assert len(response.context["results"].officers) == 23
