"""Coordinator scheduling pages, the officer catalog and the trainer's own workshops."""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from attendees.models import User
from trainingsite.roles import role_required
from workshops.forms import (
    CancelWorkshopForm,
    CatalogFilterForm,
    DuplicateWorkshopForm,
    ModuleRowFormSet,
    ScheduleFilterForm,
    SessionFormSet,
    WorkshopForm,
)
from workshops.forms.scheduling import (
    EARLIEST_DATE,
    LATEST_DATE,
    BaseModuleRowFormSet,
    BaseSessionFormSet,
    schedulable_regions,
    teachable_revisions,
)
from workshops.models import (
    Module,
    Workshop,
    WorkshopModule,
    WorkshopSession,
    prerequisites_required,
)
from workshops.services import scheduling as services
from workshops.services.scheduling import SchedulingError

CATALOG_PAGE_SIZE = 12
SCHEDULE_PAGE_SIZE = 25


def _viewer_zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _month_bounds(month: dt.date, tz) -> tuple[dt.datetime, dt.datetime]:
    first = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, nxt


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- Catalog (verified officers and staff) ---------------------------------------------------


def _search_q(text: str) -> Q:
    """Title, venue, city, country (by name, stored as ISO code) and taught module titles."""
    codes = [code for code, name in countries if text.lower() in str(name).lower()]
    return (
        Q(title__icontains=text)
        | Q(city__icontains=text)
        | Q(venue_name__icontains=text)
        | Q(country__in=codes)
        | Q(
            pk__in=WorkshopModule.objects.filter(revision__title__icontains=text).values("workshop")
        )
    )


def catalog(request):
    form = CatalogFilterForm(request.GET or None)
    workshops = Workshop.objects.for_catalog(request.user)
    data: dict = {}
    if form.is_bound:
        # A field that does not validate is shown with its error; the others still filter.
        form.is_valid()
        data = form.cleaned_data
    if data.get("region"):
        workshops = workshops.filter(region=data["region"])
    if data.get("track"):
        workshops = workshops.filter(
            pk__in=WorkshopModule.objects.filter(revision__track=data["track"]).values("workshop")
        )
    if data.get("month"):
        start, end = _month_bounds(data["month"], _viewer_zone(request.user))
        workshops = workshops.filter(starts_at__lt=end, ends_at__gte=start)
    if data.get("format"):
        workshops = workshops.filter(format=data["format"])
    if data.get("language"):
        workshops = workshops.filter(language=data["language"])
    if data.get("q"):
        workshops = workshops.filter(_search_q(data["q"].strip()))
    # Live seat counts: someone may be about to register.
    workshops = workshops.with_seat_counts().with_state_of(request.user)
    if data.get("available"):
        # Seats held for an agency are not available to whoever registers.
        workshops = workshops.filter(capacity__gt=F("confirmed_count") + F("reserved_count"))
    workshops = workshops.select_related("region").order_by("starts_at", "pk")
    page = Paginator(workshops, CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    # The filter form is cached (rendering its fields costs more than the rest of the page),
    # keyed on what it shows: the submitted values and these choices.
    choices = [
        list(form.fields["region"].queryset.values_list("pk", "name")),
        list(form.fields["track"].queryset.values_list("slug", "name")),
    ]
    return render(
        request,
        "workshops/catalog.html",
        {
            "page": page,
            "form": form,
            "filter_choices": choices,
            "filters_used": sum(1 for value in data.values() if value),
            "querystring": _querystring_without_page(request),
        },
    )


def _detail_queryset(workshops):
    return (
        workshops.with_seat_counts()
        .select_related("region", "host_agency")
        .prefetch_related(
            Prefetch("sessions", queryset=WorkshopSession.objects.order_by("starts_at", "pk")),
            Prefetch(
                "workshop_modules",
                queryset=WorkshopModule.objects.select_related("revision__track"),
            ),
            Prefetch("trainers", queryset=User.objects.order_by("full_name", "email")),
        )
    )


def _modules(workshop) -> list[dict]:
    return [
        {"revision": wm.revision, "objectives": _lines(wm.revision.objectives)}
        for wm in workshop.workshop_modules.all()
    ]


def _prerequisites(workshop) -> list[Module]:
    """The modules to complete before registering, from the revisions already loaded (one
    query, and none when the workshop requires nothing)."""
    required = prerequisites_required(wm.revision for wm in workshop.workshop_modules.all())
    if not required:
        return []
    return list(
        Module.objects.filter(pk__in=required)
        .select_related("published_revision")
        .order_by("title", "pk")
    )


def workshop_detail(request, pk: int):
    workshop = get_object_or_404(_detail_queryset(Workshop.objects.visible_to(request.user)), pk=pk)
    # Through the reverse relation: the registrations app sits above this one.
    my_registration = (
        workshop.registrations.of_officer(request.user).with_waitlist_position().first()
    )
    can_edit = Workshop.objects.editable_by(request.user).filter(pk=workshop.pk).exists()
    is_trainer = any(t.pk == request.user.pk for t in workshop.trainers.all())
    confirmed = my_registration is not None and my_registration.state == "confirmed"
    show_joining = can_edit or is_trainer or confirmed
    return render(
        request,
        "workshops/workshop_detail.html",
        {
            "workshop": workshop,
            "sessions": workshop.sessions.all(),
            "modules": _modules(workshop),
            "prerequisites": _prerequisites(workshop),
            "my_registration": my_registration,
            "show_joining": show_joining,
            "can_edit": can_edit,
            "teaches": is_trainer,
        },
    )


def _lines(text: str) -> list[str]:
    return [line.strip(" -*\t") for line in text.splitlines() if line.strip(" -*\t")]


@role_required("trainer")
def my_workshops(request):
    taught = (
        Workshop.objects.visible_to(request.user)
        .taught_by(request.user)
        .exclude(status=Workshop.Status.DRAFT)
        .with_seat_counts()
        .select_related("region")
    )
    return render(
        request,
        "workshops/my_workshops.html",
        {
            "upcoming": taught.upcoming().order_by("starts_at", "pk"),
            "past": taught.past().order_by("-starts_at", "-pk"),
            "cancelled": taught.cancelled().order_by("-starts_at", "-pk"),
        },
    )


# --- Coordinator scheduling ------------------------------------------------------------------


@role_required("coordinator")
def schedule_list(request):
    form = ScheduleFilterForm(request.GET or None, user=request.user)
    workshops = Workshop.objects.editable_by(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["region"]:
            workshops = workshops.filter(region=data["region"])
        if data["status"]:
            workshops = workshops.filter(status=data["status"])
        if data["month"]:
            start, end = _month_bounds(data["month"], _viewer_zone(request.user))
            workshops = workshops.filter(starts_at__lt=end, ends_at__gte=start)
    workshops = (
        workshops.with_seat_counts()
        .select_related("region")
        .order_by(F("starts_at").desc(nulls_first=True), "pk")
    )
    page = Paginator(workshops, SCHEDULE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workshops/schedule_list.html",
        {"page": page, "form": form, "querystring": _querystring_without_page(request)},
    )


@role_required("coordinator")
def schedule_calendar(request):
    """A month grid of sessions, by region; days are the workshop's local days."""
    regions = list(schedulable_regions(request.user))
    region = next((r for r in regions if str(r.pk) == request.GET.get("region")), None)
    try:
        month = dt.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = None
    if month is None or not EARLIEST_DATE <= month <= LATEST_DATE:
        month = timezone.localdate(timezone=_viewer_zone(request.user)).replace(day=1)
    # A day either side covers every zone's local date.
    first, nxt = _month_bounds(month, dt.UTC)
    workshops = Workshop.objects.editable_by(request.user).exclude(status=Workshop.Status.CANCELLED)
    if region:
        workshops = workshops.filter(region=region)
    sessions = (
        WorkshopSession.objects.filter(
            workshop__in=workshops,
            starts_at__gte=first - dt.timedelta(days=1),
            starts_at__lt=nxt + dt.timedelta(days=1),
        )
        .select_related("workshop__region")
        .order_by("starts_at")
    )
    by_day: dict[dt.date, list] = defaultdict(list)
    for s in sessions:
        local = s.starts_at.astimezone(s.workshop.tzinfo)
        if local.year == month.year and local.month == month.month:
            # Naive: the `date` filter would move an aware value back to the active zone.
            by_day[local.date()].append({"session": s, "local_start": local.replace(tzinfo=None)})
    weeks = [
        [{"date": d, "in_month": d.month == month.month, "items": by_day.get(d, [])} for d in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]
    prev_month = (month - dt.timedelta(days=1)).replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "workshops/schedule_calendar.html",
        {
            "weeks": weeks,
            "month": month,
            "prev_month": prev_month,
            "next_month": next_month,
            "regions": regions,
            "region": region,
            "days_with_sessions": sorted(by_day.items()),
            "weekday_names": [calendar.day_abbr[i] for i in range(7)],
        },
    )


def _editor(request, workshop: Workshop | None):
    """Create and edit share one page: workshop form, session rows, module rows."""
    data = request.POST if request.method == "POST" else None
    pinned = [wm.revision for wm in workshop.workshop_modules.all()] if workshop else []
    revisions = teachable_revisions(keep=pinned)
    session_initial, module_initial = [], []
    if workshop:
        tz = workshop.tzinfo
        for s in workshop.sessions.all():
            start, end = s.starts_at.astimezone(tz), s.ends_at.astimezone(tz)
            session_initial.append(
                {"day": start.date(), "start": start.time(), "end": end.time(), "title": s.title}
            )
        module_initial = [{"revision": r} for r in pinned]
    form = WorkshopForm(data, instance=workshop, user=request.user)
    # (formset_factory's return type names only the base class.)
    session_formset = cast(
        BaseSessionFormSet, SessionFormSet(data, initial=session_initial, prefix="sessions")
    )
    module_formset = cast(
        BaseModuleRowFormSet,
        ModuleRowFormSet(
            data, initial=module_initial, prefix="modules", form_kwargs={"revisions": revisions}
        ),
    )
    if data is not None and all(
        [form.is_valid(), session_formset.is_valid(), module_formset.is_valid()]
    ):
        kwargs = {
            "actor": request.user,
            "details": form.details(),
            "sessions": session_formset.inputs(),
            "revisions": module_formset.revisions(),
            "trainers": list(form.cleaned_data["trainers"]),
        }
        try:
            if workshop is None:
                saved = services.create_workshop(**kwargs)
                messages.success(request, _("Draft workshop created."))
            else:
                saved = services.update_workshop(workshop=workshop, **kwargs)
                messages.success(request, _("Workshop saved."))
        except SchedulingError as err:
            field = err.field if err.field in form.fields else None
            form.add_error(field, err.message)
        else:
            return redirect("workshops:workshop_detail", pk=saved.pk)
    return render(
        request,
        "workshops/workshop_form.html",
        {
            "form": form,
            "session_formset": session_formset,
            "module_formset": module_formset,
            "workshop": workshop,
        },
    )


@role_required("coordinator")
def workshop_create(request):
    return _editor(request, None)


@role_required("coordinator")
def workshop_edit(request, pk: int):
    workshop = get_object_or_404(
        Workshop.objects.editable_by(request.user).prefetch_related(
            "sessions", "trainers", "workshop_modules__revision"
        ),
        pk=pk,
    )
    if workshop.status in (Workshop.Status.CANCELLED, Workshop.Status.COMPLETED):
        messages.error(request, _("A cancelled or completed workshop can no longer be edited."))
        return redirect("workshops:workshop_detail", pk=pk)
    return _editor(request, workshop)


@role_required("coordinator")
def workshop_duplicate(request, pk: int):
    workshop = get_object_or_404(Workshop.objects.editable_by(request.user), pk=pk)
    form = DuplicateWorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.duplicate_workshop(
                actor=request.user,
                workshop=workshop,
                shift_weeks=form.cleaned_data["shift_weeks"],
                new_start=form.cleaned_data["new_start"],
            )
        except SchedulingError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Copy created as a draft. Check it, then publish."))
            return redirect("workshops:workshop_edit", pk=copy.pk)
    return render(
        request, "workshops/workshop_duplicate.html", {"form": form, "workshop": workshop}
    )


@role_required("coordinator")
def workshop_publish(request, pk: int):
    """GET: the workshop page as officers will see it once published, with Publish and Back to
    edit. POST: publish."""
    workshop = get_object_or_404(
        _detail_queryset(Workshop.objects.editable_by(request.user)), pk=pk
    )
    if request.method == "POST":
        try:
            services.publish_workshop(actor=request.user, workshop=workshop)
        except SchedulingError as err:
            messages.error(request, err.message)
            return redirect("workshops:workshop_publish", pk=pk)
        messages.success(request, _("Workshop published to the catalog."))
        return redirect("workshops:workshop_detail", pk=pk)
    is_draft = workshop.status == Workshop.Status.DRAFT
    if is_draft:
        # Shown as it will be once published; this instance is never saved.
        workshop.status = Workshop.Status.PUBLISHED
    return render(
        request,
        "workshops/workshop_detail.html",
        {
            "workshop": workshop,
            "sessions": workshop.sessions.all(),
            "modules": _modules(workshop),
            "prerequisites": _prerequisites(workshop),
            # What an officer with no registration sees: no joining details, no staff buttons.
            "my_registration": None,
            "show_joining": False,
            "can_edit": False,
            "preview": {"can_publish": is_draft},
        },
    )


@role_required("coordinator")
def workshop_cancel(request, pk: int):
    workshop = get_object_or_404(Workshop.objects.editable_by(request.user), pk=pk)
    form = CancelWorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_workshop(
                actor=request.user, workshop=workshop, reason=form.cleaned_data["reason"]
            )
        except SchedulingError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Workshop cancelled."))
            return redirect("workshops:workshop_detail", pk=pk)
    return render(request, "workshops/workshop_cancel.html", {"form": form, "workshop": workshop})
