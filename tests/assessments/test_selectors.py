"""Who sees which attempts, and the officer's list of tests."""

import pytest

from assessments import services
from assessments.models import WorkshopTest
from assessments.selectors import (
    attempts_visible_to,
    officer_tests_sections,
    workshop_tests_visible_to,
)
from tests.factories import CoordinatorFactory, TrainerFactory

from .factories import confirmed, make_test, running_workshop, upcoming_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(officer, region, trainer):
    workshop = upcoming_workshop(region=region, trainers=[trainer])
    confirmed(workshop, officer)
    return services.start_attempt(test_id=make_test(workshop).pk, officer=officer)


@pytest.mark.parametrize(
    "who, sees",
    [
        ("officer", True),
        ("other_agency_officer", False),
        ("focal_point", False),
        ("trainer", True),
        ("coordinator", True),
        ("other_coordinator", False),
        ("program_admin", True),
    ],
)
def test_attempts_are_seen_by_their_officer_the_trainers_and_the_region(
    request, attempt, who, sees
):
    user = request.getfixturevalue(who)
    assert list(attempts_visible_to(user)) == ([attempt] if sees else [])
    if who not in ("officer", "other_agency_officer", "focal_point"):
        assert workshop_tests_visible_to(user).exists() is sees


def test_a_trainer_of_another_workshop_sees_nothing(attempt):
    other = TrainerFactory()
    assert not attempts_visible_to(other).exists()
    assert not workshop_tests_visible_to(other).exists()
    assert not attempts_visible_to(CoordinatorFactory()).exists()


def test_my_training_sections(officer):
    upcoming = upcoming_workshop()
    confirmed(upcoming, officer)
    pre, later = make_test(upcoming), make_test(upcoming, WorkshopTest.Kind.POST)
    running = running_workshop()
    confirmed(running, officer)
    post = make_test(running, WorkshopTest.Kind.POST)
    sent = services.start_attempt(test_id=post.pk, officer=officer)
    services.submit_attempt(attempt_id=sent.pk, officer=officer)
    sections = officer_tests_sections(officer)
    assert [r.test for r in sections["to_take"]] == [pre]
    assert [r.test for r in sections["sent"]] == [post]
    assert [r.test for r in sections["later"]] == [later]
    assert sections["sent"][0].best == sent and not sections["sent"][0].results_shown
