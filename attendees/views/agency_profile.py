"""A focal point's view of their agency's profile, and their requests to change it."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendees import services
from attendees.forms import (
    REQUEST_FORMS,
    AddDomainRequestForm,
    FocalPointRequestForm,
    RemoveDomainRequestForm,
    VettingModeRequestForm,
)
from attendees.models import Agency, AgencyRequest, User, prime_access_states
from trainingsite.errors import ServiceError
from trainingsite.roles import role_required

DECIDED_SHOWN = 20


def _focal_point_candidates(user, agency):
    """Officers who may be proposed: verified, with program access, not yet focal points."""
    officers = list(
        User.objects.filter(agency_id=agency.pk, status=User.Status.VERIFIED, is_active=True)
        .exclude(is_focal_point=True)
        .exclude(pk=user.pk)
        .order_by("full_name", "pk")
    )
    prime_access_states(officers)
    allowed = [u.pk for u in officers if u.has_program_access]
    if not allowed:
        return User.objects.none()
    return User.objects.filter(pk__in=allowed).order_by("full_name", "pk")


def _forms(user, agency, data=None, kind=None) -> dict:
    """One form of each kind; the one posted (`kind`) bound to `data`."""

    def bound(k):
        return data if k == kind else None

    return {
        "add_domain_form": AddDomainRequestForm(bound(AddDomainRequestForm.kind)),
        "remove_domain_form": RemoveDomainRequestForm(
            bound(RemoveDomainRequestForm.kind), agency=agency
        ),
        "mode_form": VettingModeRequestForm(bound(VettingModeRequestForm.kind), agency=agency),
        "focal_form": FocalPointRequestForm(
            bound(FocalPointRequestForm.kind), officers=_focal_point_candidates(user, agency)
        ),
    }


def _context(request, agency, forms: dict) -> dict:
    mine = AgencyRequest.objects.of_agency_of(request.user).select_related(
        "requested_by", "decided_by", "officer"
    )
    return {
        "agency": agency,
        "domains": list(agency.domains.all()),
        "focal_points": list(
            User.objects.focal_points().filter(agency_id=agency.pk).order_by("full_name", "pk")
        ),
        "pending": list(mine.pending().order_by("requested_at", "pk")),
        "decided": list(
            mine.exclude(status=AgencyRequest.Status.PENDING).order_by(
                "-decided_at", "-requested_at", "-pk"
            )[:DECIDED_SHOWN]
        ),
        "has_focal_candidates": not forms["focal_form"].fields["officer"].queryset.query.is_empty(),
        **forms,
    }


@role_required("focal_point")
def agency_profile(request):
    """The agency's profile as the program holds it; changes are asked of a coordinator."""
    user = request.user
    agency = get_object_or_404(Agency.objects.select_related("region"), pk=user.agency_id)
    if request.method != "POST":
        return render(
            request,
            "attendees/agency_profile.html",
            _context(request, agency, _forms(user, agency)),
        )
    kind = request.POST.get("kind", "")
    if kind not in REQUEST_FORMS:
        messages.error(request, _("Choose a change to ask for."))
        return redirect("agency_profile")
    forms = _forms(user, agency, request.POST, kind)
    form = next(f for f in forms.values() if f.kind == kind)
    if form.is_valid():
        try:
            asked, created = services.request_agency_change(
                by=user, kind=kind, reason=form.cleaned_data["reason"], **form.change()
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            if created:
                messages.success(
                    request,
                    _("Request sent to the coordinators of %(region)s: %(change)s.")
                    % {"region": agency.region.name, "change": asked.describe_change()},
                )
            else:
                messages.info(
                    request,
                    _("This was already asked for and waits for a coordinator: %(change)s.")
                    % {"change": asked.describe_change()},
                )
            return redirect("agency_profile")
    return render(
        request, "attendees/agency_profile.html", _context(request, agency, forms), status=400
    )


@require_POST
@role_required("focal_point")
def agency_request_withdraw(request, pk: int):
    asked = get_object_or_404(AgencyRequest.objects.of_agency_of(request.user), pk=pk)
    try:
        services.withdraw_agency_request(request_id=asked.pk, by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request, _("Request withdrawn: %(change)s.") % {"change": asked.describe_change()}
        )
    return redirect("agency_profile")
