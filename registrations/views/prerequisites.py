"""Prerequisite waivers, from the coordinator's registrations page of a workshop: grant one to
an officer, revoke it. Thin: scoped loads, one service each."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registrations import services
from registrations.forms import PrerequisiteWaiverForm
from registrations.models import PrerequisiteWaiver
from trainingsite.errors import ServiceError
from trainingsite.roles import role_required
from workshops.models import Workshop

from .registration import _workshop_page


def _back(workshop_pk: int) -> str:
    return reverse("registration:workshop_registrations", args=[workshop_pk]) + "#h-prerequisites"


@require_POST
@role_required("coordinator")
def prerequisite_waiver(request, workshop_pk: int):
    workshop = get_object_or_404(
        Workshop.objects.editable_by(request.user).select_related("region"), pk=workshop_pk
    )
    form = PrerequisiteWaiverForm(request.POST)
    if form.is_valid():
        try:
            waiver = services.grant_prerequisite_waiver(
                workshop_id=workshop.pk,
                officer_email=form.cleaned_data["email"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(
                request,
                _("%(name)s may register without the prerequisites.") % {"name": waiver.officer},
            )
            return redirect(_back(workshop.pk))
    return _workshop_page(request, workshop, waiver_form=form, status=400)


@require_POST
@role_required("coordinator")
def prerequisite_waiver_revoke(request, pk: int):
    waiver = get_object_or_404(
        PrerequisiteWaiver.objects.managed_by(request.user).select_related("officer"), pk=pk
    )
    try:
        services.revoke_prerequisite_waiver(waiver_id=waiver.pk, by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request,
            _("The waiver of %(name)s is revoked: the prerequisites apply to them again.")
            % {"name": waiver.officer},
        )
    return redirect(_back(waiver.workshop_id))
