"""The agency workspace: a focal point's home, and the agency's training record (with its
exports) for its focal points and the coordinators of its region."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from attendees.models import Agency
from reports.models import ExportJob
from reports.responses import export_response
from trainingsite.roles import role_required

from .forms import RecordFilterForm
from .record import (
    agency_summary,
    credited_hours_of,
    officer_lines,
    record_certificates,
    record_officers,
    record_registrations,
    registration_lines,
)
from .workspace import workspace_overview

SECTIONS = ("registrations", "officers", "certificates")
PER_PAGE = 25


def _agency(request, pk: int) -> Agency:
    return get_object_or_404(
        Agency.objects.workspace_for(request.user).select_related("region"), pk=pk
    )


@require_GET
@role_required("focal_point")
def home(request):
    agency = _agency(request, request.user.agency_id)
    return render(
        request,
        "agencies/home.html",
        {"agency": agency, "overview": workspace_overview(request.user, agency)},
    )


@require_GET
@role_required("focal_point", "coordinator")
def record(request, pk: int):
    user = request.user
    agency = _agency(request, pk)
    form = RecordFilterForm(request.GET or None)
    flt = form.export_filter(agency_id=agency.pk)
    section = request.GET.get("section")
    if section not in SECTIONS:
        section = SECTIONS[0]
    hours = credited_hours_of(user, flt)
    # Coordinators see scores in their regions; focal points only where the program allows.
    show_scores = settings.FOCAL_POINTS_SEE_SCORES or not user.is_focal_point
    number = request.GET.get("page")
    context: dict = {}
    page: Page
    if section == "officers":
        page = Paginator(record_officers(agency, flt), PER_PAGE).get_page(number)
        context["lines"] = officer_lines(user, list(page.object_list), flt, hours)
    elif section == "certificates":
        page = Paginator(record_certificates(user, flt), PER_PAGE).get_page(number)
        context["period"] = bool(flt.date_from or flt.date_to)
    else:
        page = Paginator(
            record_registrations(user, flt, with_scores=show_scores), PER_PAGE
        ).get_page(number)
        context["lines"] = registration_lines(list(page.object_list))
    filters = request.GET.copy()
    for key in ("page", "section", "submit"):
        filters.pop(key, None)
    query = filters.copy()
    query["section"] = section
    return render(
        request,
        "agencies/record.html",
        {
            **context,
            "agency": agency,
            "form": form,
            "section": section,
            "page": page,
            "hours": hours,
            "summary": agency_summary(user, agency, flt),
            "own_agency": user.is_focal_point and user.agency_id == agency.pk,
            "show_scores": show_scores,
            "filters": filters.urlencode(),
            "query_string": query.urlencode(),
        },
    )


@require_GET
@role_required("focal_point", "coordinator")
def record_export(request, pk: int, kind: str, fmt: str):
    """The registrations or attendance export of the record as filtered: the reports' export
    (its columns, formula-safe cells and audit) in the viewer's scope, for this agency."""
    agency = _agency(request, pk)
    if kind not in ExportJob.Kind.values or fmt not in ExportJob.Format.values:
        raise Http404
    flt = RecordFilterForm(request.GET or None).export_filter(agency_id=agency.pk)
    return export_response(
        request,
        kind=kind,
        fmt=fmt,
        flt=flt,
        stem=f"{kind}-agency-{agency.pk}",
        queued_to=reverse("agencies:record", args=[agency.pk]),
    )
