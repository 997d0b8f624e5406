"""Officers taking a test: starting an attempt, saving answers, sending it (once), and the
sending of attempts whose deadline passed.

Concurrency: starting locks the officer's registration row, so two tabs starting at once make
one attempt (the second finds the first in progress); saving and sending lock the attempt row,
so an answer saved while the attempt is sent is either in the score or refused, and a double
submit sends once.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Attempt, AttemptAnswer, WorkshopTest
from assessments.scoring import is_correct, parse_number
from assessments.windows import attempt_deadline, test_window
from registrations.models import Registration
from trainingsite.errors import ServiceError
from workshops.models import Question, WorkshopModule

from .setup import bank_questions

Kind = Question.Kind


class TakingError(ServiceError):
    pass


class AnswerErrors(TakingError):
    """Answers that could not be read, by AttemptAnswer id; nothing was saved."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(_("Some answers could not be read: see the questions marked."))
        self.errors = errors


def _registration_for(test: WorkshopTest, officer, *, lock: bool) -> Registration:
    rows = Registration.objects.of_officer(officer).filter(workshop_id=test.workshop_id)
    if lock:
        rows = rows.select_for_update()
    registration = rows.first()
    if registration is None or registration.state != Registration.State.CONFIRMED:
        raise TakingError(_("Only officers confirmed for the workshop take its tests."))
    return registration


def _draw(test: WorkshopTest) -> list[Question]:
    """The test's questions for one attempt, in the order the workshop teaches its modules."""
    order = dict(
        WorkshopModule.objects.filter(workshop_id=test.workshop_id).values_list(
            "revision_id", "position"
        )
    )
    questions = sorted(
        bank_questions(test.workshop),
        key=lambda q: (order.get(q.revision_id, 0), q.position, q.pk),
    )
    if test.question_count and test.question_count < len(questions):
        picked = set(random.sample(range(len(questions)), test.question_count))
        questions = [q for i, q in enumerate(questions) if i in picked]
    return questions


def _option_order(question: Question, shuffle: bool) -> list[int]:
    if not question.has_options:
        return []
    order = list(range(len(question.choices or ())))
    if shuffle:
        random.shuffle(order)
    return order


@transaction.atomic
def start_attempt(*, test_id: int, officer, at: dt.datetime | None = None) -> Attempt:
    """Start the officer's next attempt, or return the one in progress (a second tab, a
    double click). Draws the questions and freezes their options' order."""
    now = at or timezone.now()
    # Locked against its removal by a coordinator at the same instant: one of the two waits,
    # then either finds no test or sees this attempt.
    test = (
        WorkshopTest.objects.select_related("workshop")
        .select_for_update(no_key=True, of=("self",))
        .filter(pk=test_id)
        .first()
    )
    if test is None:
        raise TakingError(_("This test is no longer offered."))
    registration = _registration_for(test, officer, lock=True)
    attempts = list(Attempt.objects.filter(test=test, registration=registration))
    for attempt in attempts:
        if attempt.submitted_at is None:
            if attempt.deadline is None or attempt.deadline > now:
                return attempt
            _send(attempt, sent_at=attempt.deadline)
    window = test_window(test, registration)
    if not window.is_open(now):
        if window.has_closed(now):
            raise TakingError(_("This test has closed: it accepts no more answers."))
        raise TakingError(_("This test is not open yet."))
    if len(attempts) >= test.max_attempts:
        raise TakingError(_("You have used every attempt this test allows."))
    questions = _draw(test)
    if not questions:
        raise TakingError(_("This test has no questions yet. Please try again later."))
    attempt = Attempt.objects.create(
        test=test,
        registration=registration,
        number=max((a.number for a in attempts), default=0) + 1,
        started_at=now,
        deadline=attempt_deadline(test, window, now),
        max_score=len(questions),
    )
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(
            attempt=attempt,
            question=question,
            position=position,
            option_order=_option_order(question, test.shuffle_options),
        )
        for position, question in enumerate(questions, start=1)
    )
    return attempt


def read_response(question: Question, raw) -> object:
    """The answer to store from what was posted (a list of strings, or one string): option
    indices, True/False, or the number as typed; None for no answer. Raises ValueError with
    a message for the officer when it cannot be read."""
    values = [raw] if isinstance(raw, str) else list(raw or [])
    values = [str(v).strip() for v in values if str(v).strip()]
    if not values:
        return None
    if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
        try:
            indices = sorted({int(v) for v in values})
        except ValueError as err:
            raise ValueError(_("Choose among the options shown.")) from err
        if any(not 0 <= i < len(question.choices or ()) for i in indices):
            raise ValueError(_("Choose among the options shown."))
        if question.kind == Kind.SINGLE and len(indices) != 1:
            raise ValueError(_("Choose one option."))
        return indices
    if question.kind == Kind.TRUE_FALSE:
        if values != ["true"] and values != ["false"]:
            raise ValueError(_("Choose true or false."))
        return values[0] == "true"
    text = values[0][:40]
    if parse_number(text) is None:
        raise ValueError(_("Enter a number, such as 12 or 3,5."))
    return text


def _open_attempt(attempt_id: int, officer, now: dt.datetime) -> Attempt:
    attempt = Attempt.objects.of_officer(officer).select_for_update().filter(pk=attempt_id).first()
    if attempt is None:
        raise TakingError(_("This attempt is not yours."))
    if attempt.submitted_at is not None:
        raise TakingError(_("This attempt was sent: its answers can no longer change."))
    if attempt.deadline is not None and attempt.deadline <= now:
        raise TakingError(
            _("Time is up: your attempt is sent with the answers saved before the end.")
        )
    return attempt


@transaction.atomic
def save_answers(
    *, attempt_id: int, officer, responses: Mapping[int, object], at: dt.datetime | None = None
) -> list[AttemptAnswer]:
    """Save answers (AttemptAnswer id → what was posted) of an attempt in progress, all or
    none: AnswerErrors says which could not be read."""
    now = at or timezone.now()
    attempt = _open_attempt(attempt_id, officer, now)
    answers = {
        a.pk: a
        for a in AttemptAnswer.objects.filter(
            attempt=attempt, pk__in=list(responses)
        ).select_related("question")
    }
    errors: dict[int, str] = {}
    changed = []
    for answer_id, raw in responses.items():
        answer = answers.get(answer_id)
        if answer is None:
            raise TakingError(_("This question is not part of your attempt."))
        try:
            value = read_response(answer.question, raw)
        except ValueError as err:
            errors[answer_id] = str(err)
            continue
        if value != answer.response or type(value) is not type(answer.response):
            answer.response, answer.answered_at = value, now
            changed.append(answer)
    if errors:
        raise AnswerErrors(errors)
    AttemptAnswer.objects.bulk_update(changed, ["response", "answered_at"])
    return list(answers.values())


def save_answer(
    *, attempt_id: int, officer, answer_id: int, raw, at: dt.datetime | None = None
) -> AttemptAnswer:
    """Autosave of one answer (see `save_answers`)."""
    try:
        (saved,) = save_answers(
            attempt_id=attempt_id, officer=officer, responses={answer_id: raw}, at=at
        )
    except AnswerErrors as err:
        raise TakingError(err.errors[answer_id]) from err
    return saved


def _send(attempt: Attempt, *, sent_at: dt.datetime) -> Attempt:
    """Score and send a locked, unsent attempt with the answers it holds."""
    answers = list(AttemptAnswer.objects.filter(attempt=attempt).select_related("question"))
    for answer in answers:
        answer.correct = is_correct(answer.question, answer.response)
    AttemptAnswer.objects.bulk_update(answers, ["correct"])
    attempt.score = sum(1 for a in answers if a.correct)
    attempt.max_score = len(answers)
    attempt.percent = Attempt.percent_of(attempt.score, attempt.max_score)
    attempt.submitted_at = sent_at
    attempt.save(update_fields=["score", "max_score", "percent", "submitted_at"])
    return attempt


@transaction.atomic
def submit_attempt(*, attempt_id: int, officer, at: dt.datetime | None = None) -> Attempt:
    """Send the attempt, once: a second submit (double click, another tab) returns the
    attempt as sent the first time. Past its deadline it is sent as at the deadline."""
    now = at or timezone.now()
    attempt = Attempt.objects.of_officer(officer).select_for_update().filter(pk=attempt_id).first()
    if attempt is None:
        raise TakingError(_("This attempt is not yours."))
    if attempt.submitted_at is not None:
        return attempt
    sent_at = min(now, attempt.deadline) if attempt.deadline is not None else now
    return _send(attempt, sent_at=sent_at)


@transaction.atomic
def send_overdue_attempt(*, attempt_id: int, at: dt.datetime | None = None) -> Attempt | None:
    """Send an attempt whose deadline passed with the answers saved so far; None when there
    is nothing to do (sent already, or still running). Safe to run twice."""
    now = at or timezone.now()
    attempt = (
        Attempt.objects.select_for_update()
        .filter(pk=attempt_id, submitted_at=None, deadline__lte=now)
        .first()
    )
    if attempt is None:
        return None
    return _send(attempt, sent_at=attempt.deadline or now)


def overdue_attempt_ids(*, workshop_id: int | None = None, at: dt.datetime | None = None):
    rows = Attempt.objects.filter(submitted_at=None, deadline__lte=at or timezone.now())
    if workshop_id is not None:
        rows = rows.filter(test__workshop_id=workshop_id)
    return list(rows.order_by("pk").values_list("pk", flat=True))


def send_overdue_attempts(*, workshop_id: int | None = None, at: dt.datetime | None = None) -> int:
    """Send every attempt (of one workshop, or all) whose deadline passed, each in its own
    transaction; the number sent. Closing a workshop calls it with the workshop's id."""
    sent = 0
    for attempt_id in overdue_attempt_ids(workshop_id=workshop_id, at=at):
        if send_overdue_attempt(attempt_id=attempt_id, at=at) is not None:
            sent += 1
    return sent


def attempts_left(test: WorkshopTest, used: int) -> int:
    return max(test.max_attempts - used, 0)
