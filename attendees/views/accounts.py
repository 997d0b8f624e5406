from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendees import services
from attendees.access import AccessState
from attendees.forms import OnboardingRequestForm, VettingDecisionForm
from attendees.models import User
from attendees.roles import role_required
from trainingsite.errors import ServiceError


def dashboard(request):
    """One landing page; each role sees its own panels."""
    return render(request, "attendees/dashboard.html")


def access_status(request):
    """Where users without program access land: it says why and what to do next."""
    state = request.user.access_state
    if state == AccessState.OK:
        return redirect("dashboard")
    return render(request, "attendees/access_status.html", {"state": AccessState(state)})


@login_not_required
def onboarding_request(request):
    form = OnboardingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.submit_onboarding_request(**form.cleaned_data)
        messages.success(
            request, _("Thank you. The program coordinators will contact you about onboarding.")
        )
        return redirect("account_login")
    return render(request, "attendees/onboarding_request.html", {"form": form})


@role_required("coordinator", "focal_point")
def vetting_queue(request):
    status = request.GET.get("status", User.Status.PENDING)
    if status not in User.Status.values:
        status = User.Status.PENDING
    officers = (
        User.objects.vettable_by(request.user)
        .filter(status=status)
        .select_related("agency", "agency__region")
        .order_by("date_joined", "pk")
    )
    page = Paginator(officers, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "attendees/vetting_queue.html",
        {"page": page, "status": status, "statuses": User.Status.choices},
    )


@role_required("coordinator", "focal_point")
def vetting_detail(request, pk: int):
    officer = get_object_or_404(
        User.objects.vettable_by(request.user).select_related("agency"), pk=pk
    )
    form = VettingDecisionForm()
    decisions = officer.vetting_decisions.select_related("decided_by")[:50]
    return render(
        request,
        "attendees/vetting_detail.html",
        {"officer": officer, "form": form, "decisions": decisions},
    )


@require_POST
@role_required("coordinator", "focal_point")
def vetting_decide(request, pk: int):
    officer = get_object_or_404(User.objects.vettable_by(request.user), pk=pk)
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
            return redirect("vetting_queue")
    decisions = officer.vetting_decisions.select_related("decided_by")[:50]
    return render(
        request,
        "attendees/vetting_detail.html",
        {"officer": officer, "form": form, "decisions": decisions},
        status=400,
    )


@login_not_required
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
