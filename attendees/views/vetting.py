from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendees import services
from attendees.forms import NameDecisionForm, VettingDecisionForm, VettingFilterForm
from attendees.models import Agency, User
from trainingsite.errors import ServiceError
from trainingsite.roles import role_required


def _filter_agencies(user):
    """Agencies the viewer may filter the queue by: their regions' and their own."""
    scope = Agency.objects.managed_by(user) if user.is_coordinator else Agency.objects.none()
    if user.is_focal_point and user.agency_id:
        scope = scope | Agency.objects.filter(pk=user.agency_id)
    return scope.distinct().order_by("name")


NAME_CHANGES_SHOWN = 20


def _name_changes(officers) -> dict:
    """The first name change requests among `officers` (already scoped), and how many wait."""
    requests = officers.name_change_requests().select_related("agency")
    first = list(requests.order_by("agency__name", "full_name", "pk")[: NAME_CHANGES_SHOWN + 1])
    # Counted only when there are more than shown: one query on a usual day.
    count = len(first) if len(first) <= NAME_CHANGES_SHOWN else requests.count()
    return {"name_changes": first[:NAME_CHANGES_SHOWN], "name_change_count": count}


@role_required("coordinator", "focal_point")
def vetting_queue(request):
    agencies = _filter_agencies(request.user)
    form = VettingFilterForm(request.GET or None, agencies=agencies)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status") or User.Status.PENDING
    scope = User.objects.vettable_by(request.user)
    if filters.get("agency"):
        scope = scope.filter(agency=filters["agency"])
    if filters.get("country"):
        scope = scope.filter(agency__country=filters["country"])
    scope = scope.search(filters.get("q", ""))
    officers = (
        scope.filter(status=status)
        .select_related("agency", "agency__region")
        .order_by("date_joined", "pk")
    )
    page = Paginator(officers, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "attendees/vetting_queue.html",
        {
            "page": page,
            "status": status,
            "form": form,
            "query_string": query.urlencode(),
            **_name_changes(scope),
        },
    )


def _detail_context(request, officer, form, name_form=None):
    return {
        "officer": officer,
        "form": form,
        "name_form": name_form,
        "decisions": officer.vetting_decisions.select_related("decided_by")[:50],
        "can_suspend": User.objects.managed_by(request.user).filter(pk=officer.pk).exists(),
    }


def _back(request):
    return "my_agency" if request.POST.get("next") == "my_agency" else "vetting_queue"


@role_required("coordinator", "focal_point")
def vetting_detail(request, pk: int):
    officer = get_object_or_404(
        User.objects.vettable_by(request.user).select_related("agency", "agency__region"), pk=pk
    )
    return render(request, "attendees/vetting_detail.html", _detail_context(request, officer, None))


@require_POST
@role_required("coordinator", "focal_point")
def vetting_decide(request, pk: int):
    officer = get_object_or_404(
        User.objects.vettable_by(request.user).select_related("agency", "agency__region"), pk=pk
    )
    form = VettingDecisionForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        service = {
            "approve": services.approve_officer,
            "reject": services.reject_officer,
            "suspend": services.suspend_officer,
            "reinstate": services.reinstate_officer,
        }[action]
        extra = {}
        if action in ("approve", "reinstate"):
            # Granting access vets the name the page showed.
            extra["seen_name"] = form.cleaned_data["name"] or None
        try:
            service(
                officer_id=officer.pk, by=request.user, reason=form.cleaned_data["reason"], **extra
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Decision recorded for %(name)s.") % {"name": officer})
            return redirect(_back(request))
    return render(
        request,
        "attendees/vetting_detail.html",
        _detail_context(request, officer, form),
        status=400,
    )


@require_POST
@role_required("coordinator", "focal_point")
def vetting_name_decide(request, pk: int):
    """Accept or decline a verified officer's change of name (the name on certificates)."""
    officer = get_object_or_404(
        User.objects.vettable_by(request.user).select_related("agency", "agency__region"), pk=pk
    )
    form = NameDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "accept":
                services.accept_name_change(
                    officer_id=officer.pk, by=request.user, name=data["name"]
                )
                done = _("Name change accepted: certificates now carry “%(name)s”.")
            else:
                services.decline_name_change(
                    officer_id=officer.pk, by=request.user, name=data["name"], reason=data["reason"]
                )
                done = _("Name change to “%(name)s” declined; the officer is told why.")
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, done % {"name": data["name"]})
            return redirect(_back(request))
    return render(
        request,
        "attendees/vetting_detail.html",
        _detail_context(request, officer, None, name_form=form),
        status=400,
    )


@role_required("focal_point")
def my_agency(request):
    """A focal point's view of their own agency's officers, and nothing beyond it."""
    agency = request.user.agency
    officers = (
        User.objects.filter(agency_id=agency.pk)
        .search(request.GET.get("q", "")[:100])
        .order_by("status", "full_name", "pk")
    )
    page = Paginator(officers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "attendees/my_agency.html",
        {
            **_name_changes(User.objects.vettable_by(request.user).filter(agency_id=agency.pk)),
            "agency": agency,
            "page": page,
            "pending_count": User.objects.filter(
                agency_id=agency.pk, status=User.Status.PENDING
            ).count(),
            "domains": list(agency.domains.all()),
            "q": request.GET.get("q", "")[:100],
        },
    )
