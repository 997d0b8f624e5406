"""Coordinators' agency pages: list and detail for their regions, and the changes they make."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendees import services
from attendees.forms import (
    AgencyDomainForm,
    AgencyFilterForm,
    AgencyRequestDecisionForm,
    AgencyStatusForm,
    VettingModeForm,
)
from attendees.models import Agency, AgencyDomain, AgencyRequest, User
from trainingsite.errors import ServiceError
from trainingsite.roles import role_required


@role_required("coordinator")
def agency_list(request):
    form = AgencyFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    agencies = Agency.objects.managed_by(request.user).search(filters.get("q", ""))
    if filters.get("state") == "active":
        agencies = agencies.filter(is_active=True)
    elif filters.get("state") == "suspended":
        agencies = agencies.filter(is_active=False)
    # A subquery: a second join would multiply the officer counts.
    waiting_requests = (
        AgencyRequest.objects.pending()
        .filter(agency=OuterRef("pk"))
        .order_by()
        .values("agency")
        .annotate(n=Count("pk"))
        .values("n")
    )
    agencies = (
        agencies.select_related("region")
        .prefetch_related("domains")
        .annotate(
            officer_count=Count("officers", filter=Q(officers__status=User.Status.VERIFIED)),
            pending_count=Count("officers", filter=Q(officers__status=User.Status.PENDING)),
            request_count=Coalesce(Subquery(waiting_requests, output_field=IntegerField()), 0),
        )
        .order_by("name", "pk")
    )
    page = Paginator(agencies, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "attendees/agency_list.html",
        {"page": page, "form": form, "query_string": query.urlencode()},
    )


REQUESTS_DECIDED_SHOWN = 10


def _decision_prefix(pk: int) -> str:
    return f"request-{pk}"


def _requests_context(request, agency, decision_form=None) -> dict:
    """The agency's pending requests, oldest first, each with its decision form (the one
    posted bound, with its errors), and the last ones decided."""
    requests = agency.requests.select_related("requested_by", "decided_by", "officer")
    pending = list(requests.pending().order_by("requested_at", "pk"))
    for asked in pending:
        prefix = _decision_prefix(asked.pk)
        if decision_form is not None and decision_form.prefix == prefix:
            asked.decision_form = decision_form
        else:
            asked.decision_form = AgencyRequestDecisionForm(prefix=prefix)
    decided = requests.exclude(status=AgencyRequest.Status.PENDING)
    return {
        "requests_pending": pending,
        "requests_decided": list(decided.order_by("-decided_at", "-pk")[:REQUESTS_DECIDED_SHOWN]),
        # A coordinator who is also an officer of the agency does not decide its requests.
        "may_decide_requests": request.user.agency_id != agency.pk,
    }


def _agency_context(request, agency, **forms):
    officers = agency.officers.order_by("status", "full_name", "pk")
    return {
        **_requests_context(request, agency, forms.get("decision_form")),
        "agency": agency,
        "domains": list(agency.domains.all()),
        "officers": list(officers[:200]),
        "officer_total": officers.count(),
        "events": list(agency.events.select_related("by")[:30]),
        "domain_form": forms.get("domain_form") or AgencyDomainForm(),
        "status_form": forms.get("status_form") or AgencyStatusForm(),
        "mode_form": forms.get("mode_form")
        or VettingModeForm(initial={"vetting_mode": agency.vetting_mode}),
    }


def _managed_agency(request, pk):
    return get_object_or_404(
        Agency.objects.managed_by(request.user).select_related("region"), pk=pk
    )


@role_required("coordinator")
def agency_detail(request, pk: int):
    agency = _managed_agency(request, pk)
    return render(request, "attendees/agency_detail.html", _agency_context(request, agency))


def _rerender(request, agency, **forms):
    return render(
        request,
        "attendees/agency_detail.html",
        _agency_context(request, agency, **forms),
        status=400,
    )


@require_POST
@role_required("coordinator")
def agency_domain_add(request, pk: int):
    agency = _managed_agency(request, pk)
    form = AgencyDomainForm(request.POST)
    if form.is_valid():
        try:
            domain = services.add_agency_domain(
                agency_id=agency.pk, by=request.user, domain=form.cleaned_data["domain"]
            )
        except ServiceError as err:
            form.add_error("domain", err.message)
        else:
            messages.success(request, _("Domain %(domain)s added.") % {"domain": domain})
            return redirect("agency_detail", pk=agency.pk)
    return _rerender(request, agency, domain_form=form)


@require_POST
@role_required("coordinator")
def agency_domain_remove(request, pk: int, domain_pk: int):
    agency = _managed_agency(request, pk)
    domain = get_object_or_404(AgencyDomain.objects.filter(agency=agency), pk=domain_pk)
    services.remove_agency_domain(agency_id=agency.pk, domain_id=domain.pk, by=request.user)
    messages.success(
        request,
        _("Domain %(domain)s removed: officers using it lost access.") % {"domain": domain.domain},
    )
    return redirect("agency_detail", pk=agency.pk)


@require_POST
@role_required("coordinator")
def agency_status(request, pk: int):
    agency = _managed_agency(request, pk)
    form = AgencyStatusForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if agency.is_active:
                services.suspend_agency(agency_id=agency.pk, by=request.user, reason=reason)
                message = _("Agency suspended: its officers lost access.")
            else:
                services.reactivate_agency(agency_id=agency.pk, by=request.user, reason=reason)
                message = _("Agency reactivated.")
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, message)
            return redirect("agency_detail", pk=agency.pk)
    return _rerender(request, agency, status_form=form)


@require_POST
@role_required("coordinator")
def agency_vetting_mode(request, pk: int):
    agency = _managed_agency(request, pk)
    form = VettingModeForm(request.POST)
    if form.is_valid():
        services.set_vetting_mode(
            agency_id=agency.pk, by=request.user, mode=form.cleaned_data["vetting_mode"]
        )
        messages.success(request, _("Vetting mode saved."))
        return redirect("agency_detail", pk=agency.pk)
    return _rerender(request, agency, mode_form=form)


@require_POST
@role_required("coordinator")
def agency_focal_point(request, pk: int, officer_pk: int):
    agency = _managed_agency(request, pk)
    officer = get_object_or_404(
        User.objects.managed_by(request.user).filter(agency=agency), pk=officer_pk
    )
    focal = request.POST.get("focal") == "1"
    try:
        services.set_focal_point(officer_id=officer.pk, by=request.user, focal=focal)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        if focal:
            messages.success(request, _("%(name)s is now a focal point.") % {"name": officer})
        else:
            messages.success(request, _("%(name)s is no longer a focal point.") % {"name": officer})
    return redirect("agency_detail", pk=agency.pk)


@require_POST
@role_required("coordinator")
def agency_request_decide(request, pk: int, request_pk: int):
    """Approve (the change is made) or decline a focal point's request, with a note."""
    agency = _managed_agency(request, pk)
    asked = get_object_or_404(AgencyRequest.objects.filter(agency=agency), pk=request_pk)
    form = AgencyRequestDecisionForm(request.POST, prefix=_decision_prefix(asked.pk))
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.decide_agency_request(
                request_id=asked.pk,
                by=request.user,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except ServiceError as err:
            # At the top of the page: a request decided meanwhile is no longer listed with
            # its form; one still pending keeps the note typed.
            messages.error(request, err.message)
        else:
            change = asked.describe_change()
            if approve:
                messages.success(request, _("Approved and done: %(change)s.") % {"change": change})
            else:
                messages.success(request, _("Declined: %(change)s.") % {"change": change})
            return redirect(reverse("agency_detail", args=[agency.pk]) + "#requests")
    return _rerender(request, agency, decision_form=form)
