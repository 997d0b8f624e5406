"""The per-workshop test results page and its scores CSV: the workshop's trainers, the
coordinators of its region and program admins (`Workshop.objects.run_by`); anyone else 404."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from workshops.models import Workshop

from .results import workshop_results
from .statistics import FLAG_TOO_EASY, FLAG_TOO_HARD, FLAG_WEAK_DISCRIMINATION

# A cell a spreadsheet would run as a formula gets a leading quote (as the reports' exports).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _workshop(request, pk: int) -> Workshop:
    return get_object_or_404(Workshop.objects.run_by(request.user), pk=pk)


@require_GET
def results(request, pk: int):
    workshop = _workshop(request, pk)
    data = workshop_results(workshop)
    return render(
        request,
        "assessments/results.html",
        {
            "workshop": workshop,
            "results": data,
            "chart_data": data.chart_data(),
            "flag_labels": {
                FLAG_TOO_HARD: _("Too hard"),
                FLAG_TOO_EASY: _("Too easy"),
                FLAG_WEAK_DISCRIMINATION: _("Weak discrimination"),
            },
        },
    )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@require_GET
def scores_csv(request, pk: int):
    workshop = _workshop(request, pk)
    data = workshop_results(workshop)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Officer"),
            _("E-mail"),
            _("Agency"),
            _("Pre-test (%)"),
            _("Post-test (%)"),
            _("Gain (points)"),
        ]
    )
    for line in data.officers:
        officer = line.registration.officer
        writer.writerow(
            [
                _cell(officer.full_name),
                _cell(officer.email),
                _cell(officer.agency.name if officer.agency else ""),
                _cell(line.pre),
                _cell(line.post),
                _cell(line.gain),
            ]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="test-scores-workshop-{workshop.pk}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
