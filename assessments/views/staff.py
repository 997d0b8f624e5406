"""Staff page: a workshop's pre- and post-test, set up by the region's coordinators and seen
by its trainers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.forms import TestSettingsForm
from assessments.models import WorkshopTest
from assessments.selectors import status_of
from assessments.services.setup import bank_questions
from assessments.windows import test_window
from trainingsite.errors import ServiceError
from trainingsite.roles import role_required
from workshops.models import Workshop

STAFF = ("trainer", "coordinator")


def _sections(request, workshop: Workshop, can_edit: bool, forms: dict | None = None) -> list:
    tests = {t.kind: t for t in WorkshopTest.objects.filter(workshop=workshop)}
    sections = []
    for kind, label in WorkshopTest.Kind.choices:
        test = tests.get(kind)
        form = (forms or {}).get(kind)
        if form is None and can_edit:
            form = TestSettingsForm(
                instance=test or WorkshopTest(workshop=workshop, kind=kind),
                prefix=kind,
                kind=kind,
                action=reverse("assessments:configure", args=[workshop.pk, kind]),
                exists=test is not None,
            )
        sections.append(
            {
                "kind": kind,
                "label": label,
                "test": test,
                "form": form,
                "window": test_window(test) if test is not None else None,
                "status": status_of(test) if test is not None else None,
            }
        )
    return sections


def _page(request, workshop: Workshop, *, forms=None, status: int = 200):
    can_edit = Workshop.objects.editable_by(request.user).filter(pk=workshop.pk).exists()
    return render(
        request,
        "assessments/workshop_tests.html",
        {
            "workshop": workshop,
            "can_edit": can_edit,
            "sections": _sections(request, workshop, can_edit, forms),
            "question_total": bank_questions(workshop).count(),
        },
        status=status,
    )


@role_required(*STAFF)
def workshop_tests(request, pk: int):
    workshop = get_object_or_404(Workshop.objects.run_by(request.user).select_related(), pk=pk)
    return _page(request, workshop)


def _editable(request, pk: int, kind: str) -> Workshop:
    if kind not in WorkshopTest.Kind.values:
        raise Http404
    return get_object_or_404(Workshop.objects.editable_by(request.user), pk=pk)


@require_POST
@role_required("coordinator")
def configure(request, pk: int, kind: str):
    workshop = _editable(request, pk, kind)
    test = WorkshopTest.objects.filter(workshop=workshop, kind=kind).first()
    form = TestSettingsForm(
        request.POST,
        instance=test or WorkshopTest(workshop=workshop, kind=kind),
        prefix=kind,
        kind=kind,
        action=reverse("assessments:configure", args=[workshop.pk, kind]),
        exists=test is not None,
    )
    if form.is_valid():
        try:
            saved = services.configure_test(
                workshop_id=workshop.pk, kind=kind, by=request.user, **form.cleaned_data
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("%(test)s saved.") % {"test": saved.get_kind_display()})
            return redirect("assessments:workshop_tests", pk=workshop.pk)
    return _page(request, workshop, forms={kind: form}, status=400)


@require_POST
@role_required("coordinator")
def remove(request, pk: int, kind: str):
    workshop = _editable(request, pk, kind)
    test = get_object_or_404(WorkshopTest.objects.filter(workshop=workshop), kind=kind)
    try:
        services.remove_test(test_id=test.pk, by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("%(test)s removed.") % {"test": test.get_kind_display()})
    return redirect("assessments:workshop_tests", pk=workshop.pk)
