"""A focal point's Nominations tab (seats held for the agency, requests to endorse, officers put
forward), the nominate page, and the officer's answer to a nomination. Thin: load through a
scoped QuerySet, call one service."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from attendees.models import User
from attendees.models.access import prime_access_states
from registrations import services
from registrations.forms import NominateForm, NominationAnswerForm, NominationDecisionForm
from registrations.models import Registration, SeatReservation
from trainingsite.errors import ServiceError
from trainingsite.ids import out_of_range
from trainingsite.roles import role_required
from workshops.models import Workshop

from .registration import _next_url

State = Registration.State
PUT_FORWARD_SHOWN = 50
WORKSHOPS_SHOWN = 100


def _held_for_agency(user):
    """The agency's held reservations on published workshops not started, with `filled`."""
    return (
        SeatReservation.objects.of_agency_of(user)
        .held()
        .with_filled()
        .filter(workshop__status=Workshop.Status.PUBLISHED, workshop__starts_at__gt=timezone.now())
        .select_related("workshop")
        .order_by("workshop__starts_at", "pk")
    )


def _nominations_page(request, *, row_error=None, status=200):
    scoped = Registration.objects.nominations_for(request.user).select_related(
        "officer", "workshop"
    )
    waiting = scoped.filter(state=State.NOMINATION).order_by("created_at", "pk")
    put_forward = (
        scoped.filter(nominated_at__isnull=False)
        .select_related("nominated_by")
        .order_by("-nominated_at", "-pk")[:PUT_FORWARD_SHOWN]
    )
    handled = (
        scoped.filter(workshop__requires_nomination=True, nominated_at__isnull=True)
        .exclude(state=State.NOMINATION)
        .order_by("-updated_at", "-pk")[:25]
    )
    return render(
        request,
        "registrations/nominations.html",
        {
            "held": _held_for_agency(request.user),
            "waiting": waiting,
            "put_forward": put_forward,
            "handled": handled,
            "now": timezone.now(),
            "row_error": row_error or {},
            "page_error": next(iter((row_error or {}).values()), {}).get("message"),
        },
        status=status,
    )


@role_required("focal_point")
def nominations(request):
    return _nominations_page(request)


@require_POST
@role_required("focal_point")
def nomination_decide(request, pk: int):
    reg = get_object_or_404(Registration.objects.nominations_for(request.user), pk=pk)
    form = NominationDecisionForm(request.POST)
    error = _("Choose an action.")
    if form.is_valid():
        service = {
            "endorse": services.endorse_nomination,
            "reject": services.reject_nomination,
        }[form.cleaned_data["action"]]
        try:
            service(registration_id=reg.pk, by=request.user, message=form.cleaned_data["message"])
        except ServiceError as err:
            error = err.message
        else:
            messages.success(request, _("Nomination decision recorded."))
            return redirect("registration:nominations")
    row_error = {reg.pk: {"message": error, "text": request.POST.get("message", "")[:2000]}}
    return _nominations_page(request, row_error=row_error, status=400)


def _nominable_officers(user, workshop):
    """The agency's officers the focal point may put forward for `workshop`: verified, with
    program access, not themself, and with no registration for it but a cancelled one (the
    service says why anyone else is refused)."""
    taken = (
        Registration.objects.filter(workshop=workshop)
        .exclude(state=State.CANCELLED)
        .values("officer_id")
    )
    candidates = list(
        User.objects.officers()
        .verified()
        .filter(agency_id=user.agency_id, is_active=True)
        .exclude(pk=user.pk)
        .exclude(pk__in=taken)
    )
    prime_access_states(candidates)
    ids = [officer.pk for officer in candidates if officer.has_program_access]
    return User.objects.filter(pk__in=ids).order_by("full_name", "email")


def _workshop_choice(request):
    """The workshop of `?workshop=` (or the posted one) a focal point may see; None if none was
    given; 404 for an id that is not one."""
    value = (request.POST if request.method == "POST" else request.GET).get("workshop", "")
    if not value:
        return None
    if not value.isdigit() or out_of_range(value):
        raise Http404
    return get_object_or_404(
        Workshop.objects.visible_to(request.user).published().select_related("region"),
        pk=int(value),
    )


@require_http_methods(["GET", "POST"])
@role_required("focal_point")
def nominate(request):
    """GET without a workshop: pick one (published, registration open, not started). With one:
    choose officers; POST nominates them (`services.nominate`), each refused with its reason."""
    workshop = _workshop_choice(request)
    now = timezone.now()
    held = _held_for_agency(request.user)
    if workshop is None:
        workshops = (
            Workshop.objects.for_catalog(request.user)
            .filter(registration_opens_at__lte=now, starts_at__gt=now)
            .select_related("region")
            .order_by("starts_at", "pk")[:WORKSHOPS_SHOWN]
        )
        return render(
            request,
            "registrations/nominate_pick.html",
            {"workshops": workshops, "held": {r.workshop_id: r for r in held}},
        )
    form = NominateForm(request.POST or None, officers=_nominable_officers(request.user, workshop))
    if request.method == "POST" and form.is_valid():
        try:
            result = services.nominate(
                workshop_id=workshop.pk,
                officer_ids=[officer.pk for officer in form.cleaned_data["officers"]],
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except services.WorkshopNotFound:
            raise Http404 from None
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            if result.done:
                names = ", ".join(str(reg.officer) for reg in result.done)
                messages.success(
                    request,
                    _("Nominated for “%(title)s”: %(names)s. Each is asked to accept or decline.")
                    % {"title": workshop.title, "names": names},
                )
            for skipped in result.skipped:
                messages.warning(request, skipped)
            return redirect("registration:nominations")
    reservation = next((r for r in held if r.workshop_id == workshop.pk), None)
    opens_later = now < workshop.registration_opens_at
    started = workshop.starts_at is not None and workshop.starts_at <= now
    return render(
        request,
        "registrations/nominate.html",
        {
            "workshop": workshop,
            "form": form,
            "reservation": reservation,
            "closed": opens_later or started,
            "opens_later": opens_later,
        },
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required("officer")
def nomination_answer(request, pk: int):
    """GET: the officer's answer page (the decline asks to confirm); POST `answer=accept` or
    `answer=decline` (with an optional message to the focal point)."""
    reg = get_object_or_404(
        Registration.objects.of_officer(request.user).select_related("workshop", "nominated_by"),
        pk=pk,
    )
    back = _next_url(request, reverse("registration:my_training"))
    form = NominationAnswerForm(request.POST or None, initial={"answer": "decline"})
    if request.method == "POST" and form.is_valid():
        answer = form.cleaned_data["answer"]
        try:
            if answer == "accept":
                reg = services.accept_nomination(registration_id=reg.pk, officer=request.user)
            else:
                services.decline_nomination(
                    registration_id=reg.pk,
                    officer=request.user,
                    reason=form.cleaned_data["reason"],
                )
        except ServiceError as err:
            messages.error(request, err.message)
        else:
            if answer == "decline":
                text = _("You declined the nomination for “%(title)s”; your focal point is told.")
            elif reg.state == State.CONFIRMED:
                text = _("Nomination accepted: your seat on “%(title)s” is confirmed.")
            elif reg.state == State.WAITLISTED:
                text = _("Nomination accepted: “%(title)s” is full, you are on the waitlist.")
            else:
                text = _(
                    "Nomination accepted: your registration for “%(title)s” awaits a decision."
                )
            messages.success(request, text % {"title": reg.workshop.title})
        return redirect(back)
    return render(
        request,
        "registrations/nomination_answer.html",
        {"reg": reg, "workshop": reg.workshop, "form": form, "back": back},
        status=400 if form.is_bound else 200,
    )
