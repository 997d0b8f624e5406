"""Setting up tests, and taking them: start, autosave, send once, scoring, deadlines."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, AttemptAnswer, WorkshopTest
from assessments.scoring import parse_number
from audit.models import AuditEntry
from registrations.models import Registration
from tests.factories import CoordinatorFactory, WorkshopFactory
from trainingsite.errors import ServiceError
from workshops.models import Question

from .factories import confirmed, make_test, running_workshop, upcoming_workshop

pytestmark = pytest.mark.django_db
POST = WorkshopTest.Kind.POST
PRE = WorkshopTest.Kind.PRE


# --- setting up ----------------------------------------------------------------------------


def test_coordinator_sets_up_a_post_test_and_changes_it_audited(coordinator, region):
    workshop = upcoming_workshop(region=region)
    test = services.configure_test(
        workshop_id=workshop.pk, kind=POST, by=coordinator, question_count=3, pass_percent=70
    )
    assert (test.question_count, test.pass_percent, test.max_attempts) == (3, 70, 1)
    services.configure_test(
        workshop_id=workshop.pk, kind=POST, by=coordinator, question_count=3, pass_percent=70
    )  # unchanged: nothing recorded
    services.configure_test(
        workshop_id=workshop.pk, kind=POST, by=coordinator, max_attempts=3, time_limit_minutes=20
    )
    test.refresh_from_db()
    assert (test.question_count, test.max_attempts, test.time_limit_minutes) == (None, 3, 20)
    entries = list(AuditEntry.objects.filter(action="assessment.configured").order_by("pk"))
    assert len(entries) == 2
    assert entries[1].data["fields"] == [
        "question_count",
        "max_attempts",
        "time_limit_minutes",
        "pass_percent",
    ]


def test_program_admin_sets_up_tests_anywhere(program_admin):
    workshop = upcoming_workshop()
    assert services.configure_test(workshop_id=workshop.pk, kind=PRE, by=program_admin).pk


@pytest.mark.parametrize("who", ["trainer", "other_coordinator", "officer"])
def test_only_the_regions_coordinators_set_up_tests(request, region, who):
    user = request.getfixturevalue(who)
    workshop = upcoming_workshop(region=region, trainers=[request.getfixturevalue("trainer")])
    with pytest.raises(ServiceError):
        services.configure_test(workshop_id=workshop.pk, kind=PRE, by=user)
    assert not WorkshopTest.objects.exists()


def test_a_workshop_without_frozen_questions_cannot_have_a_test(coordinator, region):
    workshop = WorkshopFactory(region=region)
    with pytest.raises(ServiceError, match="no published questions"):
        services.configure_test(workshop_id=workshop.pk, kind=PRE, by=coordinator)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"question_count": 5}, "between 1 and 4"),
        ({"max_attempts": 6}, "between 1 and 5"),
        ({"time_limit_minutes": 0}, "time limit"),
        ({"kind": PRE, "pass_percent": 50}, "Only the post-test"),
        ({"closes_after_days": 61}, "between 0 and 60"),
    ],
)
def test_settings_out_of_range_are_refused(coordinator, region, values, message):
    workshop = upcoming_workshop(region=region)
    kind = values.pop("kind", POST)
    with pytest.raises(ServiceError, match=message):
        services.configure_test(workshop_id=workshop.pk, kind=kind, by=coordinator, **values)


def test_a_test_already_taken_cannot_be_removed(coordinator, region, officer):
    workshop = upcoming_workshop(region=region)
    confirmed(workshop, officer)
    test = services.configure_test(workshop_id=workshop.pk, kind=PRE, by=coordinator)
    services.start_attempt(test_id=test.pk, officer=officer)
    with pytest.raises(ServiceError, match="already taken"):
        services.remove_test(test_id=test.pk, by=coordinator)
    assert WorkshopTest.objects.filter(pk=test.pk).exists()


def test_a_test_nobody_took_is_removed_audited(coordinator, region):
    workshop = upcoming_workshop(region=region)
    test = services.configure_test(workshop_id=workshop.pk, kind=PRE, by=coordinator)
    with pytest.raises(ServiceError):
        services.remove_test(test_id=test.pk, by=CoordinatorFactory())
    services.remove_test(test_id=test.pk, by=coordinator)
    assert not WorkshopTest.objects.exists()
    assert AuditEntry.objects.filter(action="assessment.removed").count() == 1


# --- starting -------------------------------------------------------------------------------


def test_start_draws_every_question_in_bank_order_with_frozen_option_order(officer):
    workshop = upcoming_workshop()
    confirmed(workshop, officer)
    test = make_test(workshop, shuffle_options=False, time_limit_minutes=None)
    attempt = services.start_attempt(test_id=test.pk, officer=officer)
    answers = list(attempt.answers.select_related("question"))
    assert [a.question.kind for a in answers] == ["single", "multiple", "true_false", "numeric"]
    assert [a.option_order for a in answers] == [[0, 1], [0, 1, 2], [], []]
    assert attempt.max_score == 4 and attempt.number == 1
    # The pre-test closes when the first session starts.
    assert attempt.deadline == workshop.sessions.first().starts_at


def test_start_draws_a_random_subset_and_shuffles_options(officer):
    workshop = upcoming_workshop()
    confirmed(workshop, officer)
    test = make_test(workshop, question_count=2, shuffle_options=True)
    attempt = services.start_attempt(test_id=test.pk, officer=officer)
    answers = list(attempt.answers.select_related("question"))
    assert len(answers) == 2 and attempt.max_score == 2
    for answer in answers:
        assert sorted(answer.option_order) == list(range(len(answer.question.choices)))


def test_time_limit_sets_the_deadline(officer):
    workshop = upcoming_workshop()
    confirmed(workshop, officer)
    test = make_test(workshop, time_limit_minutes=10)
    now = timezone.now()
    attempt = services.start_attempt(test_id=test.pk, officer=officer, at=now)
    assert attempt.deadline == now + dt.timedelta(minutes=10)


def test_a_second_start_returns_the_attempt_in_progress(officer):
    workshop = upcoming_workshop()
    confirmed(workshop, officer)
    test = make_test(workshop, max_attempts=3)
    first = services.start_attempt(test_id=test.pk, officer=officer)
    assert services.start_attempt(test_id=test.pk, officer=officer) == first
    assert Attempt.objects.count() == 1


@pytest.mark.parametrize(
    "state", [Registration.State.WAITLISTED, Registration.State.CANCELLED, None]
)
def test_only_a_confirmed_officer_starts(officer, state):
    workshop = upcoming_workshop()
    if state is not None:
        confirmed(workshop, officer, state=state, confirmed_at=None)
    test = make_test(workshop)
    with pytest.raises(ServiceError, match="confirmed"):
        services.start_attempt(test_id=test.pk, officer=officer)
    assert not Attempt.objects.exists()


def test_a_closed_or_unopened_test_cannot_be_started(officer):
    workshop = upcoming_workshop()
    confirmed(workshop, officer)
    pre, post = make_test(workshop), make_test(workshop, POST)
    with pytest.raises(ServiceError, match="not open yet"):
        services.start_attempt(test_id=post.pk, officer=officer)
    after_start = workshop.sessions.first().starts_at + dt.timedelta(minutes=1)
    with pytest.raises(ServiceError, match="closed"):
        services.start_attempt(test_id=pre.pk, officer=officer, at=after_start)
    assert not Attempt.objects.exists()


def test_attempts_run_out_and_the_best_is_kept(officer):
    workshop = running_workshop()
    confirmed(workshop, officer)
    test = make_test(workshop, POST, max_attempts=2)
    first = services.start_attempt(test_id=test.pk, officer=officer)
    ids = list(first.answers.values_list("pk", flat=True))
    services.save_answers(attempt_id=first.pk, officer=officer, responses={ids[0]: ["0"]})
    services.submit_attempt(attempt_id=first.pk, officer=officer)
    second = services.start_attempt(test_id=test.pk, officer=officer)
    assert second.number == 2
    services.submit_attempt(attempt_id=second.pk, officer=officer)
    with pytest.raises(ServiceError, match="every attempt"):
        services.start_attempt(test_id=test.pk, officer=officer)
    assert list(Attempt.objects.best()) == [first]


# --- answering and scoring ------------------------------------------------------------------


def _started(officer, **settings):
    workshop = upcoming_workshop()
    confirmed(workshop, officer)
    test = make_test(workshop, shuffle_options=True, **settings)
    attempt = services.start_attempt(test_id=test.pk, officer=officer)
    answers = {a.question.kind: a for a in attempt.answers.select_related("question")}
    return attempt, answers


def test_every_kind_scores_exactly(officer):
    attempt, a = _started(officer)
    responses = {
        a["single"].pk: ["0"],
        a["multiple"].pk: ["2", "0"],
        a["true_false"].pk: "true",
        a["numeric"].pk: "6,4",  # a comma for decimals, within 0.5 of 6
    }
    services.save_answers(attempt_id=attempt.pk, officer=officer, responses=responses)
    sent = services.submit_attempt(attempt_id=attempt.pk, officer=officer)
    assert (sent.score, sent.max_score, sent.percent) == (4, 4, Decimal("100.00"))
    assert set(AttemptAnswer.objects.values_list("correct", flat=True)) == {True}
    assert AttemptAnswer.objects.get(pk=a["multiple"].pk).response == [0, 2]


@pytest.mark.parametrize(
    "kind, raw",
    [
        ("single", ["1"]),
        ("multiple", ["0"]),  # one right option of two: not exactly the right set
        ("multiple", ["0", "1", "2"]),
        ("true_false", "false"),
        ("numeric", "6.6"),
        ("numeric", ""),
    ],
)
def test_wrong_or_missing_answers_score_nothing(officer, kind, raw):
    attempt, a = _started(officer)
    services.save_answer(attempt_id=attempt.pk, officer=officer, answer_id=a[kind].pk, raw=raw)
    sent = services.submit_attempt(attempt_id=attempt.pk, officer=officer)
    assert sent.score == 0 and sent.percent == Decimal("0.00")
    assert AttemptAnswer.objects.get(pk=a[kind].pk).correct is False


@pytest.mark.parametrize(
    "kind, raw",
    [
        ("single", ["0", "1"]),
        ("single", ["7"]),
        ("multiple", ["x"]),
        ("true_false", "maybe"),
        ("numeric", "six"),
        ("numeric", "1,2,3"),
    ],
)
def test_answers_of_the_wrong_shape_are_refused_and_nothing_saved(officer, kind, raw):
    attempt, a = _started(officer)
    with pytest.raises(ServiceError):
        services.save_answer(attempt_id=attempt.pk, officer=officer, answer_id=a[kind].pk, raw=raw)
    assert AttemptAnswer.objects.get(pk=a[kind].pk).response is None


def test_one_bad_answer_saves_none_of_the_form(officer):
    attempt, a = _started(officer)
    with pytest.raises(services.AnswerErrors) as caught:
        services.save_answers(
            attempt_id=attempt.pk,
            officer=officer,
            responses={a["single"].pk: ["0"], a["numeric"].pk: "lots"},
        )
    assert list(caught.value.errors) == [a["numeric"].pk]
    assert not AttemptAnswer.objects.filter(response__isnull=False).exists()


def test_double_submit_sends_once(officer):
    attempt, a = _started(officer)
    services.save_answer(attempt_id=attempt.pk, officer=officer, answer_id=a["single"].pk, raw="0")
    first = services.submit_attempt(attempt_id=attempt.pk, officer=officer)
    later = timezone.now() + dt.timedelta(minutes=1)
    second = services.submit_attempt(attempt_id=attempt.pk, officer=officer, at=later)
    assert second.pk == first.pk
    assert (second.submitted_at, second.score) == (first.submitted_at, 1)


def test_a_sent_attempt_accepts_no_answer(officer):
    attempt, a = _started(officer)
    services.submit_attempt(attempt_id=attempt.pk, officer=officer)
    with pytest.raises(ServiceError, match="was sent"):
        services.save_answer(
            attempt_id=attempt.pk, officer=officer, answer_id=a["single"].pk, raw="0"
        )
    assert AttemptAnswer.objects.get(pk=a["single"].pk).response is None


def test_past_the_deadline_no_answer_is_accepted(officer):
    attempt, a = _started(officer, time_limit_minutes=5)
    late = attempt.deadline + dt.timedelta(seconds=1)
    with pytest.raises(ServiceError, match="Time is up"):
        services.save_answer(
            attempt_id=attempt.pk, officer=officer, answer_id=a["single"].pk, raw="0", at=late
        )


def test_another_officers_attempt_is_out_of_reach(officer, other_agency_officer):
    attempt, a = _started(officer)
    with pytest.raises(ServiceError):
        services.save_answer(
            attempt_id=attempt.pk, officer=other_agency_officer, answer_id=a["single"].pk, raw="0"
        )
    with pytest.raises(ServiceError):
        services.submit_attempt(attempt_id=attempt.pk, officer=other_agency_officer)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_an_answer_from_another_attempt_is_refused(officer, other_agency_officer):
    attempt, _a = _started(officer)
    _other, theirs = _started(other_agency_officer)
    with pytest.raises(ServiceError, match="not part"):
        services.save_answer(
            attempt_id=attempt.pk, officer=officer, answer_id=theirs["single"].pk, raw="0"
        )


# --- overdue attempts -----------------------------------------------------------------------


def test_an_overdue_attempt_is_sent_once_with_the_answers_saved(officer):
    attempt, a = _started(officer, time_limit_minutes=5)
    services.save_answer(
        attempt_id=attempt.pk, officer=officer, answer_id=a["true_false"].pk, raw="true"
    )
    early = attempt.deadline - dt.timedelta(seconds=1)
    assert services.send_overdue_attempts(at=early) == 0
    late = attempt.deadline + dt.timedelta(minutes=3)
    assert services.send_overdue_attempts(at=late) == 1
    assert services.send_overdue_attempts(at=late) == 0
    assert services.send_overdue_attempt(attempt_id=attempt.pk, at=late) is None
    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score, attempt.submitted_at) == (1, 4, attempt.deadline)


def test_overdue_attempts_of_one_workshop_only(officer, other_agency_officer):
    mine, _a = _started(officer, time_limit_minutes=5)
    theirs, _b = _started(other_agency_officer, time_limit_minutes=5)
    late = max(mine.deadline, theirs.deadline) + dt.timedelta(minutes=1)
    assert services.send_overdue_attempts(workshop_id=mine.test.workshop_id, at=late) == 1
    assert Attempt.objects.submitted().get() == mine


def test_starting_again_after_the_deadline_sends_the_old_attempt_first(officer):
    attempt, _a = _started(officer, time_limit_minutes=5, max_attempts=2)
    late = attempt.deadline + dt.timedelta(minutes=1)
    second = services.start_attempt(test_id=attempt.test_id, officer=officer, at=late)
    attempt.refresh_from_db()
    assert attempt.is_submitted and second.number == 2


@pytest.mark.parametrize(
    "text, value",
    [
        ("3,5", Decimal("3.5")),
        ("3.5", Decimal("3.5")),
        (" 15 000 ", Decimal(15000)),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("-2", Decimal(-2)),
        ("−2,5", Decimal("-2.5")),
        (".5", Decimal("0.5")),
        ("six", None),
        ("1,2,3", None),
        ("", None),
        ("1e5", None),
    ],
)
def test_numbers_are_read_with_a_comma_or_a_dot(text, value):
    assert parse_number(text) == value


def test_a_numeric_answer_on_the_edge_of_the_tolerance_counts(officer):
    attempt, a = _started(officer)
    services.save_answer(
        attempt_id=attempt.pk, officer=officer, answer_id=a["numeric"].pk, raw="5.5"
    )
    assert services.submit_attempt(attempt_id=attempt.pk, officer=officer).score == 1
    assert Question.objects.get(pk=a["numeric"].question_id).numeric_tolerance == Decimal("0.5")
