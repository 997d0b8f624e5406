"""Registration pages: register/cancel, My training, the coordinator's lists. Thin: load through
a scoped QuerySet, call one service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from registrations import rows as registration_rows
from registrations import services
from registrations.forms import (
    BulkDecisionForm,
    PrerequisiteWaiverForm,
    RegistrationDecisionForm,
)
from registrations.forms import reservation_form as make_reservation_form
from registrations.models import PrerequisiteWaiver, Registration, SeatReservation
from registrations.signals import my_training_context
from trainingsite.errors import ServiceError
from trainingsite.roles import role_required
from workshops.models import Module, Workshop

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

State = Registration.State

# Lazy: built at import, shown in the language of the request.
OUTCOME_MESSAGES: dict[str, StrPromise] = {
    State.CONFIRMED: gettext_lazy("You are registered: your seat is confirmed."),
    State.WAITLISTED: gettext_lazy(
        "The workshop is full: you are on the waitlist (position %(position)s)."
    ),
    State.PENDING: gettext_lazy("Your registration was received and awaits approval."),
    State.NOMINATION: gettext_lazy(
        "Your registration was received and awaits endorsement by your agency focal point."
    ),
}


def _next_url(request, default: str) -> str:
    target = (request.POST if request.method == "POST" else request.GET).get("next", "")
    # A local path only: `redirect()` would take anything else for a URL name (NoReverseMatch).
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- officers ------------------------------------------------------------------------------


@require_POST
@role_required("officer")
def register(request, workshop_pk: int):
    try:
        reg = services.register(workshop_id=workshop_pk, officer=request.user)
    except services.WorkshopNotFound:
        # Out of scope (draft, other region's unpublished) is 404: the id reveals nothing.
        raise Http404 from None
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect(_next_url(request, reverse("registration:my_training")))
    text = str(OUTCOME_MESSAGES[reg.state])
    if reg.state == State.WAITLISTED:
        text = text % {"position": reg.waitlist_position}
    messages.success(request, text)
    return redirect(_next_url(request, reverse("registration:my_training")))


@dataclass(frozen=True)
class GiveUp:
    """One way out of a workshop for the officer: confirmed on a page of its own first."""

    service: Callable[..., Registration]
    title: StrPromise
    button: StrPromise
    keep: StrPromise
    done: StrPromise


GIVE_UPS = {
    "cancel": GiveUp(
        service=services.cancel_registration,
        title=gettext_lazy("Cancel your registration?"),
        button=gettext_lazy("Yes, cancel my registration"),
        keep=gettext_lazy("No, keep my seat"),
        done=gettext_lazy("Your registration for “%(title)s” is cancelled."),
    ),
    "withdraw": GiveUp(
        service=services.withdraw_request,
        title=gettext_lazy("Withdraw your request?"),
        button=gettext_lazy("Yes, withdraw my request"),
        keep=gettext_lazy("No, keep my request"),
        done=gettext_lazy("Your request for “%(title)s” is withdrawn."),
    ),
    "leave_waitlist": GiveUp(
        service=services.leave_waitlist,
        title=gettext_lazy("Leave the waitlist?"),
        button=gettext_lazy("Yes, leave the waitlist"),
        keep=gettext_lazy("No, stay on the waitlist"),
        done=gettext_lazy("You have left the waitlist for “%(title)s”."),
    ),
}


def _give_up(request, pk: int, action: str):
    """GET: the confirmation page (works without JavaScript); POST: the service."""
    give_up = GIVE_UPS[action]
    reg = get_object_or_404(
        Registration.objects.of_officer(request.user)
        .select_related("workshop")
        .with_waitlist_position(),
        pk=pk,
    )
    back = _next_url(request, reverse("registration:my_training"))
    if request.method == "POST":
        try:
            give_up.service(registration_id=reg.pk, officer=request.user)
        except ServiceError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, give_up.done % {"title": reg.workshop.title})
        return redirect(back)
    return render(
        request,
        "registrations/give_up_confirm.html",
        {"reg": reg, "workshop": reg.workshop, "action": action, "give_up": give_up, "back": back},
    )


@require_http_methods(["GET", "POST"])
@role_required("officer")
def cancel(request, pk: int):
    return _give_up(request, pk, "cancel")


@require_http_methods(["GET", "POST"])
@role_required("officer")
def withdraw(request, pk: int):
    return _give_up(request, pk, "withdraw")


@require_http_methods(["GET", "POST"])
@role_required("officer")
def leave_waitlist(request, pk: int):
    return _give_up(request, pk, "leave_waitlist")


@role_required("officer")
def my_training(request):
    """The officer's own registrations only, split into the sections of the page."""
    now = timezone.now()
    regs = (
        Registration.objects.of_officer(request.user)
        .select_related("workshop", "nominated_by")
        .with_waitlist_position()
        .order_by("workshop__starts_at", "pk")
    )
    sections = {
        "offered": [],
        "confirmed": [],
        "waitlisted": [],
        "pending": [],
        "past": [],
        "closed": [],
    }
    for reg in regs:
        ended = reg.workshop.ends_at is not None and reg.workshop.ends_at < now
        if ended:
            if reg.state == State.CONFIRMED:
                sections["past"].append(reg)
            continue
        if reg.state == State.OFFERED:
            sections["offered"].append(reg)
        elif reg.state == State.CONFIRMED:
            sections["confirmed"].append(reg)
        elif reg.state == State.WAITLISTED:
            sections["waitlisted"].append(reg)
        elif reg.state in (State.PENDING, State.NOMINATION):
            sections["pending"].append(reg)
        else:
            sections["closed"].append(reg)
    sections["past"].reverse()
    context = {"sections": sections}
    # Apps above this one add their part of the page (attendance: the training record).
    for _receiver, extra in my_training_context.send(sender=Registration, user=request.user):
        context.update(extra)
    return render(request, "registrations/my_training.html", context)


# --- coordinators --------------------------------------------------------------------------


def _workshop_page(
    request,
    workshop,
    *,
    bulk_form=None,
    row_error=None,
    reservation_form=None,
    waiver_form=None,
    status=200,
):
    # Plain rows, not model instances: 300 registrations with their officers and histories.
    regs = registration_rows.load(
        Registration.objects.managed_by(request.user).filter(workshop=workshop)
    )
    lists = {"pending": [], "confirmed": [], "waitlisted": [], "inactive": []}
    for reg in regs:
        if reg["state"] in (State.PENDING, State.NOMINATION, State.OFFERED):
            lists["pending"].append(reg)
        elif reg["state"] == State.CONFIRMED:
            lists["confirmed"].append(reg)
        elif reg["state"] == State.WAITLISTED:
            lists["waitlisted"].append(reg)
        else:
            lists["inactive"].append(reg)
    lists["waitlisted"].sort(key=lambda r: r["waitlist_position"])
    reservations = list(
        SeatReservation.objects.managed_by(request.user)
        .filter(workshop=workshop)
        .with_filled()
        .select_related("agency", "created_by", "released_by")
        .order_by(F("released_at").desc(nulls_first=True), "until", "pk")
    )
    reserved = sum(max(r.seats - r.filled, 0) for r in reservations if r.released_at is None)
    counts = {
        "confirmed": len(lists["confirmed"]),
        "pending": sum(1 for r in lists["pending"] if r["state"] == State.PENDING),
        "nomination": sum(1 for r in lists["pending"] if r["state"] == State.NOMINATION),
        "offered": sum(1 for r in lists["pending"] if r["state"] == State.OFFERED),
        "waitlisted": len(lists["waitlisted"]),
        "cancelled": len(lists["inactive"]),
        "capacity": workshop.capacity,
        "reserved": reserved,
        # Open to anyone: seats held for an agency and not filled are not (the seat rule).
        "free": max(workshop.capacity - len(lists["confirmed"]) - reserved, 0),
    }
    if bulk_form is None:
        bulk_form = BulkDecisionForm(registrations=Registration.objects.none())
    prerequisites = _prerequisites_context(request.user, workshop, waiver_form)
    # Rows written before the rule, or by hand, may lack prerequisites: they are flagged.
    gaps = (
        services.lacking_prerequisites(
            workshop=workshop,
            officer_ids=[reg["officer_id"] for reg in regs],
            required=prerequisites["prerequisites"],
        )
        if prerequisites["prerequisites"]
        else {}
    )
    rows = registration_rows.rows_by_section(lists, row_error or {}, gaps)
    context = {
        "workshop": workshop,
        "lists": lists,
        "rows": rows,
        "rows_cache_seconds": registration_rows.CACHE_SECONDS,
        "decide_forms": [
            row["pk"] for section in rows.values() for row in section if row["actions"]
        ],
        "counts": counts,
        "bulk_form": bulk_form,
        "reservations": reservations,
        "reservation_form": reservation_form or make_reservation_form(workshop),
        **prerequisites,
        "row_error": row_error or {},
        "page_error": next(iter((row_error or {}).values()), {}).get("message"),
    }
    return render(request, "registrations/workshop_registrations.html", context, status=status)


def _prerequisites_context(user, workshop, waiver_form) -> dict:
    """The prerequisites section: only for a workshop that requires modules (one query
    otherwise)."""
    prerequisites = list(
        Module.objects.required_for(workshop.pk)
        .select_related("published_revision")
        .order_by("title", "pk")
    )
    if not prerequisites:
        return {"prerequisites": []}
    waivers = (
        PrerequisiteWaiver.objects.managed_by(user)
        .filter(workshop=workshop)
        .select_related("officer__agency", "granted_by")
    )
    return {
        "prerequisites": prerequisites,
        "waivers": list(waivers),
        "waiver_form": waiver_form or PrerequisiteWaiverForm(),
    }


@role_required("coordinator")
def workshop_registrations(request, workshop_pk: int):
    workshop = get_object_or_404(
        Workshop.objects.editable_by(request.user).select_related("region"), pk=workshop_pk
    )
    if request.method != "POST":
        return _workshop_page(request, workshop)
    scoped = Registration.objects.managed_by(request.user).filter(workshop=workshop)
    form = BulkDecisionForm(request.POST, registrations=scoped)
    if form.is_valid():
        service = {
            "approve": services.approve_registrations,
            "decline": services.decline_registrations,
        }[form.cleaned_data["action"]]
        try:
            result = service(
                workshop_id=workshop.pk,
                registration_ids=[r.pk for r in form.cleaned_data["registrations"]],
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            if result.done:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s registration updated.",
                        "%(n)s registrations updated.",
                        len(result.done),
                    )
                    % {"n": len(result.done)},
                )
            for skipped in result.skipped:
                messages.warning(request, skipped)
            return redirect("registration:workshop_registrations", workshop_pk=workshop.pk)
    return _workshop_page(request, workshop, bulk_form=form, status=400)


@require_POST
@role_required("coordinator")
def decide(request, pk: int):
    reg = get_object_or_404(
        Registration.objects.managed_by(request.user).select_related("officer"), pk=pk
    )
    workshop = get_object_or_404(
        Workshop.objects.editable_by(request.user).select_related("region"), pk=reg.workshop_id
    )
    form = RegistrationDecisionForm(request.POST)
    error = _("Choose an action.")
    if form.is_valid():
        action, message = form.cleaned_data["action"], form.cleaned_data["message"]
        try:
            if action == "approve":
                services.approve_registration(
                    registration_id=reg.pk, by=request.user, message=message
                )
            elif action == "decline":
                services.decline_registration(
                    registration_id=reg.pk, by=request.user, message=message
                )
            else:
                services.remove_registration(
                    registration_id=reg.pk, by=request.user, reason=message
                )
        except ServiceError as err:
            error = err.message
        else:
            messages.success(request, _("Decision recorded for %(name)s.") % {"name": reg.officer})
            return redirect("registration:workshop_registrations", workshop_pk=workshop.pk)
    row_error = {reg.pk: {"message": error, "text": request.POST.get("message", "")[:2000]}}
    return _workshop_page(request, workshop, row_error=row_error, status=400)
