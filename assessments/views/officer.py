"""Officer pages: a test's introduction, the attempt (autosaved), and the result."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.models import Attempt, AttemptAnswer
from assessments.selectors import OfficerTest, officer_tests
from assessments.services import AnswerErrors
from assessments.windows import test_window
from trainingsite.errors import ServiceError
from trainingsite.ids import out_of_range
from trainingsite.roles import role_required


def _officer_test(user, pk: int) -> OfficerTest:
    if out_of_range(pk):
        raise Http404
    rows = officer_tests(user, test_ids=[pk])
    if not rows:
        raise Http404
    return rows[0]


@role_required("officer")
def test_detail(request, pk: int):
    row = _officer_test(request.user, pk)
    return render(
        request,
        "assessments/test_detail.html",
        {"row": row, "test": row.test, "workshop": row.test.workshop},
    )


@require_POST
@role_required("officer")
def start(request, pk: int):
    row = _officer_test(request.user, pk)
    try:
        attempt = services.start_attempt(test_id=row.test.pk, officer=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("assessments:test", pk=row.test.pk)
    return redirect("assessments:attempt", pk=attempt.pk)


def _own_attempt(user, pk: int) -> Attempt:
    return get_object_or_404(
        Attempt.objects.of_officer(user).select_related("test__workshop", "registration"), pk=pk
    )


def _items(attempt: Attempt, posted=None, errors=None) -> list[dict]:
    """Each question as shown: its options in the attempt's order, the answer to show (what
    was posted, kept when it could not be read, else what is saved) and its error."""
    answers = AttemptAnswer.objects.filter(attempt=attempt).select_related("question")
    items = []
    for answer in answers:
        question = answer.question
        if posted is not None:
            values = posted.getlist(f"a-{answer.pk}")
        elif answer.response is None:
            values = []
        elif isinstance(answer.response, bool):
            values = ["true" if answer.response else "false"]
        elif isinstance(answer.response, list):
            values = [str(i) for i in answer.response]
        else:
            values = [str(answer.response)]
        options = [
            {"index": i, "text": question.choices[i]["text"], "checked": str(i) in values}
            for i in answer.option_order
            if i < len(question.choices or ())
        ]
        items.append(
            {
                "answer": answer,
                "question": question,
                "options": options,
                "values": values,
                "text": values[0] if values else "",
                "error": (errors or {}).get(answer.pk, ""),
            }
        )
    return items


def _send_if_overdue(request, attempt: Attempt) -> bool:
    if services.send_overdue_attempt(attempt_id=attempt.pk) is not None:
        messages.info(request, _("Time is up: your attempt was sent with the answers saved."))
        return True
    return False


@role_required("officer")
def attempt_page(request, pk: int):
    """The whole test on one page. With JavaScript each answer saves as it is given; without
    it, the buttons save the form (and send it)."""
    attempt = _own_attempt(request.user, pk)
    if attempt.is_submitted or _send_if_overdue(request, attempt):
        return redirect("assessments:result", pk=attempt.pk)
    status, errors, posted = 200, None, None
    if request.method == "POST":
        answer_ids = AttemptAnswer.objects.filter(attempt=attempt).values_list("pk", flat=True)
        responses = {i: request.POST.getlist(f"a-{i}") for i in answer_ids}
        sending = request.POST.get("action") == "send"
        try:
            services.save_answers(attempt_id=attempt.pk, officer=request.user, responses=responses)
            if sending:
                services.submit_attempt(attempt_id=attempt.pk, officer=request.user)
        except AnswerErrors as err:
            status, errors, posted = 400, err.errors, request.POST
            messages.error(request, err.message)
        except ServiceError as err:
            messages.error(request, err.message)
            if services.send_overdue_attempt(attempt_id=attempt.pk) is not None:
                return redirect("assessments:result", pk=attempt.pk)
            return redirect("assessments:test", pk=attempt.test_id)
        else:
            if sending:
                messages.success(request, _("Your answers were sent."))
                return redirect("assessments:result", pk=attempt.pk)
            messages.success(request, _("Your answers were saved."))
            return redirect("assessments:attempt", pk=attempt.pk)
    items = _items(attempt, posted, errors)
    return render(
        request,
        "assessments/attempt.html",
        {
            "attempt": attempt,
            "test": attempt.test,
            "workshop": attempt.test.workshop,
            "items": items,
            "answered": sum(1 for item in items if item["values"]),
        },
        status=status,
    )


@require_POST
@role_required("officer")
def answer(request, pk: int):
    """Autosave of one answer (fetch from the attempt page): JSON with a message to announce."""
    attempt = _own_attempt(request.user, pk)
    try:
        answer_id = int(request.POST.get("answer", ""))
    except ValueError:
        return JsonResponse({"saved": False, "message": _("Unknown question.")}, status=400)
    try:
        services.save_answer(
            attempt_id=attempt.pk,
            officer=request.user,
            answer_id=answer_id,
            raw=request.POST.getlist("value"),
        )
    except ServiceError as err:
        return JsonResponse({"saved": False, "message": err.message}, status=400)
    return JsonResponse({"saved": True, "message": _("Saved")})


@role_required("officer")
def result(request, pk: int):
    """After sending: the score and each answer once the test has closed; before, when."""
    attempt = _own_attempt(request.user, pk)
    if not attempt.is_submitted and not _send_if_overdue(request, attempt):
        return redirect("assessments:attempt", pk=attempt.pk)
    attempt.refresh_from_db()
    window = test_window(attempt.test, attempt.registration)
    shown = window.has_closed()
    return render(
        request,
        "assessments/result.html",
        {
            "attempt": attempt,
            "test": attempt.test,
            "workshop": attempt.test.workshop,
            "window": window,
            "shown": shown,
            "items": _review(attempt) if shown else [],
        },
    )


def _review(attempt: Attempt) -> list[dict]:
    items = []
    for item in _items(attempt):
        question = item["question"]
        right = set(question.correct_indices)
        for option in item["options"]:
            option["right"] = option["index"] in right
        if question.kind == question.Kind.NUMERIC and question.numeric_answer is not None:
            item["right_text"] = _number(question.numeric_answer)
            if question.numeric_tolerance:
                item["tolerance"] = _number(question.numeric_tolerance)
        item["correct"] = item["answer"].correct
        items.append(item)
    return items


def _number(value: Decimal) -> str:
    """12.500000 → "12.5"."""
    text = f"{value.normalize():f}"
    return text
