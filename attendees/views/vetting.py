from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendees import services
from attendees.forms import VettingDecisionForm, VettingFilterForm
from attendees.models import Agency, User
from attendees.roles import role_required
from trainingsite.errors import ServiceError


def _filter_agencies(user):
    """Agencies the viewer may filter the queue by: their regions' and their own."""
    scope = Agency.objects.managed_by(user) if user.is_coordinator else Agency.objects.none()
    if user.is_focal_point and user.agency_id:
        scope = scope | Agency.objects.filter(pk=user.agency_id)
    return scope.distinct().order_by("name")


@role_required("coordinator", "focal_point")
def vetting_queue(request):
    agencies = _filter_agencies(request.user)
    form = VettingFilterForm(request.GET or None, agencies=agencies)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status") or User.Status.PENDING
    officers = User.objects.vettable_by(request.user).filter(status=status)
    if filters.get("agency"):
        officers = officers.filter(agency=filters["agency"])
    if filters.get("country"):
        officers = officers.filter(agency__country=filters["country"])
    officers = (
        officers.search(filters.get("q", ""))
        .select_related("agency", "agency__region")
        .order_by("date_joined", "pk")
    )
    page = Paginator(officers, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "attendees/vetting_queue.html",
        {"page": page, "status": status, "form": form, "query_string": query.urlencode()},
    )


def _detail_context(request, officer, form):
    return {
        "officer": officer,
        "form": form,
        "decisions": officer.vetting_decisions.select_related("decided_by")[:50],
        "can_suspend": User.objects.managed_by(request.user).filter(pk=officer.pk).exists(),
    }


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
        try:
            service(officer_id=officer.pk, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Decision recorded for %(name)s.") % {"name": officer})
            back = "my_agency" if request.POST.get("next") == "my_agency" else "vetting_queue"
            return redirect(back)
    return render(
        request,
        "attendees/vetting_detail.html",
        _detail_context(request, officer, form),
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
            "agency": agency,
            "page": page,
            "pending_count": User.objects.filter(
                agency_id=agency.pk, status=User.Status.PENDING
            ).count(),
            "domains": list(agency.domains.all()),
            "q": request.GET.get("q", "")[:100],
        },
    )
