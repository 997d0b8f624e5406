"""Two tabs starting a test at once make one attempt; two submits at once send it once. The
second waits for the first's row lock (PostgreSQL shows it waiting: no timing guess)."""

import pytest
from django.db import connection

from assessments import services
from assessments.models import Attempt, AttemptAnswer
from tests.locks import second_waits_for_first

from .factories import confirmed, make_test, upcoming_workshop

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_tabs_starting_at_once_make_one_attempt(officer):
    workshop = upcoming_workshop()
    confirmed(workshop, officer)
    test = make_test(workshop, max_attempts=3)

    def start():
        return services.start_attempt(test_id=test.pk, officer=officer)

    waited, one, two = second_waits_for_first(start, start)
    assert waited
    assert one["result"].pk == two["result"].pk
    assert Attempt.objects.count() == 1
    assert AttemptAnswer.objects.count() == 4


def test_two_submits_at_once_send_once(officer):
    workshop = upcoming_workshop()
    confirmed(workshop, officer)
    test = make_test(workshop)
    attempt = services.start_attempt(test_id=test.pk, officer=officer)
    single = attempt.answers.get(question__kind="single")
    services.save_answer(attempt_id=attempt.pk, officer=officer, answer_id=single.pk, raw="0")

    def submit():
        return services.submit_attempt(attempt_id=attempt.pk, officer=officer)

    waited, one, two = second_waits_for_first(submit, submit)
    assert waited
    assert one["result"].submitted_at == two["result"].submitted_at
    attempt.refresh_from_db()
    assert (attempt.score, attempt.submitted_at) == (1, one["result"].submitted_at)


def test_an_answer_saved_while_the_attempt_is_sent_is_refused(officer):
    workshop = upcoming_workshop()
    confirmed(workshop, officer)
    test = make_test(workshop)
    attempt = services.start_attempt(test_id=test.pk, officer=officer)
    single = attempt.answers.get(question__kind="single")
    waited, one, two = second_waits_for_first(
        lambda: services.submit_attempt(attempt_id=attempt.pk, officer=officer),
        lambda: services.save_answer(
            attempt_id=attempt.pk, officer=officer, answer_id=single.pk, raw="0"
        ),
    )
    assert waited
    assert "was sent" in two["error"]
    single.refresh_from_db()
    assert single.response is None and single.correct is False


def test_a_test_removed_while_an_officer_starts_it_stays_with_the_attempt(
    officer, coordinator, region
):
    """The officer's start holds the test row: the coordinator's removal waits, then sees the
    attempt and is refused (never a foreign-key error, never an attempt deleted)."""
    workshop = upcoming_workshop(region=region)
    confirmed(workshop, officer)
    test = make_test(workshop)

    def start():
        return services.start_attempt(test_id=test.pk, officer=officer)

    def remove():
        return services.remove_test(test_id=test.pk, by=coordinator)

    waited, one, two = second_waits_for_first(start, remove)

    assert waited
    assert "result" in one
    assert "already taken" in two["error"]
    assert Attempt.objects.filter(test=test).count() == 1


def test_an_officer_starting_a_test_being_removed_is_told_it_is_gone(officer, coordinator, region):
    workshop = upcoming_workshop(region=region)
    confirmed(workshop, officer)
    test = make_test(workshop)

    def remove():
        return services.remove_test(test_id=test.pk, by=coordinator)

    def start():
        return services.start_attempt(test_id=test.pk, officer=officer)

    waited, one, two = second_waits_for_first(remove, start)

    assert waited
    assert "error" not in one
    assert two["error"] == "This test is no longer offered."
    assert not Attempt.objects.exists()
