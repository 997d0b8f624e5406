"""The questionnaire editor: program administrators edit the program-wide questionnaires,
coordinators each track's own. Saving publishes a version; the earlier ones stay readable."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trainingsite.errors import ServiceError
from trainingsite.roles import role_required

from .. import services
from ..access import editable_questionnaires, editable_tracks, may_edit_program_wide
from ..forms import FollowUpDaysForm, SettingsForm
from ..models import MAX_QUESTIONS, Questionnaire
from ..questions import (
    KIND_LABELS,
    Row,
    assign_keys,
    check_rows,
    rows_from_post,
    rows_from_questions,
)

# Blank rows the page offers to fill without JavaScript.
BLANK_ROWS = 2
FOLLOW_UP_STARTER = [
    {
        "key": "q1",
        "kind": "choice",
        "text": gettext_lazy("Have you applied what you learnt in a case?"),
        "choices": [
            gettext_lazy("Yes, several times"),
            gettext_lazy("Yes, once"),
            gettext_lazy("Not yet"),
            gettext_lazy("No"),
        ],
        "required": True,
    },
    {"key": "q2", "kind": "text", "text": gettext_lazy("How? (optional)"), "required": False},
]


def _editor_context(rows: list[Row], problems: list[str]) -> dict:
    shown = [*rows, *(Row(position=len(rows) + i + 1) for i in range(BLANK_ROWS))]
    return {
        "rows": shown,
        "row_count": len(shown),
        "problems": problems,
        "kinds": list(KIND_LABELS.items()),
        "max_questions": MAX_QUESTIONS,
        "editor_labels": {
            "question": _("Question %(n)s"),
            "up": _("Move up"),
            "down": _("Move down"),
            "remove": _("Remove question"),
            "addOption": _("Add an option"),
            "option": _("Option %(n)s"),
            "removeOption": _("Remove option"),
            "moved": _("Question moved to position %(n)s."),
            "removed": _("Question removed."),
            "added": _("Question added."),
            "full": _("This questionnaire has the most questions allowed."),
        },
    }


def _questions(rows: list[Row]) -> list[dict]:
    return [row.as_question() for row in rows]


@role_required("coordinator")
def questionnaires(request):
    items = list(
        editable_questionnaires(request.user)
        .annotate(version_count=Count("versions", distinct=True))
        .order_by("kind", "track__position", "track__name", "pk")
    )
    return render(
        request,
        "surveys/questionnaire_list.html",
        {"questionnaires": items, "program_wide": may_edit_program_wide(request.user)},
    )


@role_required("coordinator")
def questionnaire_create(request):
    program_wide = may_edit_program_wide(request.user)
    tracks = editable_tracks(request.user)
    posted = request.POST if request.method == "POST" else None
    settings_form = SettingsForm(
        posted,
        tracks=tracks,
        program_wide=program_wide,
        initial={"kind": request.GET.get("kind", Questionnaire.Kind.FEEDBACK)},
    )
    days_form = FollowUpDaysForm(posted)
    problems: list[str] = []
    if request.method == "POST":
        rows = rows_from_post(request.POST)
        problems = check_rows(rows)
        valid = settings_form.is_valid()
        is_follow_up = settings_form.cleaned_data.get("kind") == Questionnaire.Kind.FOLLOW_UP
        days_valid = days_form.is_valid() if is_follow_up else True
        if valid and days_valid and not problems and not any(r.errors for r in rows):
            assign_keys(rows, set())
            track = settings_form.cleaned_data["track"]
            try:
                questionnaire = services.create_questionnaire(
                    by=request.user,
                    kind=settings_form.cleaned_data["kind"],
                    track_id=track.pk if track else None,
                    questions=_questions(rows),
                    follow_up_days=days_form.cleaned_data["follow_up_days"]
                    if is_follow_up
                    else None,
                )
            except ServiceError as err:
                problems.append(err.message)
            else:
                messages.success(request, _("Questionnaire published as version 1."))
                return redirect("surveys:questionnaire_edit", pk=questionnaire.pk)
    else:
        starter = FOLLOW_UP_STARTER if request.GET.get("kind") == "follow_up" else []
        rows = rows_from_questions([{**q, "text": str(q["text"])} for q in starter])
        for row in rows:
            row.choices = [str(c) for c in row.choices]
            row.key = ""
    failed = request.method == "POST"
    return render(
        request,
        "surveys/questionnaire_form.html",
        {
            "settings_form": settings_form,
            "days_form": days_form,
            "questionnaire": None,
            **_editor_context(rows, problems),
        },
        status=400 if failed else 200,
    )


@role_required("coordinator")
def questionnaire_edit(request, pk: int):
    questionnaire = get_object_or_404(editable_questionnaires(request.user), pk=pk)
    is_follow_up = questionnaire.kind == Questionnaire.Kind.FOLLOW_UP
    days_form = FollowUpDaysForm(
        request.POST if request.method == "POST" else None,
        initial={"follow_up_days": questionnaire.follow_up_days},
    )
    versions = list(
        questionnaire.versions.select_related("published_by")
        .annotate(response_count=Count("responses"))
        .order_by("-number")
    )
    problems: list[str] = []
    if request.method == "POST":
        rows = rows_from_post(request.POST)
        problems = check_rows(rows)
        days_valid = days_form.is_valid() if is_follow_up else True
        if days_valid and not problems and not any(r.errors for r in rows):
            taken = {q.get("key", "") for v in versions for q in v.questions}
            assign_keys(rows, taken)
            try:
                version = services.publish_version(
                    questionnaire_id=questionnaire.pk,
                    by=request.user,
                    questions=_questions(rows),
                    follow_up_days=days_form.cleaned_data["follow_up_days"]
                    if is_follow_up
                    else None,
                )
            except ServiceError as err:
                problems.append(err.message)
            else:
                messages.success(
                    request,
                    _("Version %(number)d published. Answers given so far keep their questions.")
                    % {"number": version.number},
                )
                return redirect("surveys:questionnaire_edit", pk=questionnaire.pk)
    else:
        current = questionnaire.current_version
        rows = rows_from_questions(current.questions if current else [])
    return render(
        request,
        "surveys/questionnaire_form.html",
        {
            "questionnaire": questionnaire,
            "is_follow_up": is_follow_up,
            "days_form": days_form,
            "versions": versions,
            **_editor_context(rows, problems),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required("coordinator")
def questionnaire_version(request, pk: int, number: int):
    questionnaire = get_object_or_404(editable_questionnaires(request.user), pk=pk)
    version = get_object_or_404(
        questionnaire.versions.select_related("published_by").annotate(
            response_count=Count("responses")
        ),
        number=number,
    )
    return render(
        request,
        "surveys/questionnaire_version.html",
        {
            "questionnaire": questionnaire,
            "version": version,
            "kinds": dict(KIND_LABELS),
        },
    )
