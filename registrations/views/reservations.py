"""Seats held for an agency, from the coordinator's registrations page of a workshop: hold or
change (one held reservation per agency), release. Thin: scoped loads, one service each."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registrations import services
from registrations.forms import reservation_form
from registrations.models import SeatReservation
from trainingsite.errors import ServiceError
from trainingsite.roles import role_required
from workshops.models import Workshop

from .registration import _workshop_page


def _back(workshop_pk: int) -> str:
    return reverse("registration:workshop_registrations", args=[workshop_pk]) + "#h-reserved"


@require_POST
@role_required("coordinator")
def reserve_seats(request, workshop_pk: int):
    workshop = get_object_or_404(
        Workshop.objects.editable_by(request.user).select_related("region"), pk=workshop_pk
    )
    form = reservation_form(workshop, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            reservation = services.reserve_seats(
                workshop_id=workshop.pk,
                agency_id=data["agency"].pk,
                seats=data["seats"],
                until=data["until"],
                by=request.user,
                note=data["note"],
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(
                request,
                _("%(n)s seats held for %(agency)s.")
                % {"n": reservation.seats, "agency": reservation.agency.name},
            )
            return redirect(_back(workshop.pk))
    return _workshop_page(request, workshop, reservation_form=form, status=400)


@require_POST
@role_required("coordinator")
def reservation_release(request, pk: int):
    reservation = get_object_or_404(
        SeatReservation.objects.managed_by(request.user).select_related("agency"), pk=pk
    )
    try:
        services.release_reservation(reservation_id=reservation.pk, by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request,
            _("The seats held for %(agency)s are back in the pool.")
            % {"agency": reservation.agency.name},
        )
    return redirect(_back(reservation.workshop_id))
