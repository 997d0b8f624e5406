"""Trainer and coordinator pages: rosters, attendance per session, check-in codes, closing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from assessments import scores
from assessments.windows import test_window
from attendance import qr, services
from attendance.access import can_exceed_capacity, workshops_run_by
from attendance.forms import AttendanceSettingsForm, ReopenForm, WalkInForm
from attendance.models import AttendanceChange, AttendanceMark, ClosureEvent, WorkshopClosure
from attendance.models.certificates import percent_display
from attendance.models.marks import ATTENDED_STATUSES, AttendanceStatus
from attendance.services.checkin import checkin_window
from attendance.services.marking import roster_ids
from registrations.models import Registration
from trainingsite.errors import ServiceError
from trainingsite.roles import role_required
from workshops.models import Workshop, WorkshopSession

STAFF = ("trainer", "coordinator")


def _closure(workshop) -> WorkshopClosure:
    # Unsaved defaults until the first write creates the row; GET never writes.
    return WorkshopClosure.objects.filter(workshop=workshop).first() or WorkshopClosure(
        workshop=workshop
    )


def _roster(workshop):
    return (
        Registration.objects.filter(workshop=workshop, state=Registration.State.CONFIRMED)
        .select_related("officer", "officer__agency", "completion", "walk_in")
        .order_by("officer__full_name", "pk")
    )


LIST_TABS = ("upcoming", "past", "cancelled")


def _start_of_today(user) -> dt.datetime:
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localtime(timezone=zone).replace(hour=0, minute=0, second=0, microsecond=0)


@role_required(*STAFF)
def workshop_list(request):
    """Opens on today's and upcoming workshops; past and cancelled ones are tabs of their own."""
    tab = request.GET.get("show", "upcoming")
    if tab not in LIST_TABS:
        tab = "upcoming"
    today = _start_of_today(request.user)
    run = workshops_run_by(request.user).exclude(status=Workshop.Status.DRAFT)
    if tab == "upcoming":
        workshops = run.upcoming(since=today).order_by("starts_at", "pk")
    elif tab == "past":
        workshops = run.past(before=today).order_by("-starts_at", "-pk")
    else:
        workshops = run.cancelled().order_by("-starts_at", "-pk")
    workshops = workshops.select_related("region", "attendance_closure").annotate(
        confirmed=Count("registrations", filter=Q(registrations__state="confirmed"), distinct=True),
        session_count=Count("sessions", distinct=True),
    )
    page = Paginator(workshops, 25).get_page(request.GET.get("page"))
    # Past workshops still waiting to be closed are easy to forget from the first tab.
    to_close = (
        run.past(before=today).filter(attendance_closure__closed_at=None).count()
        if tab == "upcoming"
        else 0
    )
    return render(
        request,
        "attendance/workshop_list.html",
        {
            "page": page,
            "now": timezone.now(),
            "tab": tab,
            "to_close": to_close,
            "query_string": f"show={tab}",
        },
    )


def _roster_context(request, workshop, **extra):
    closure = _closure(workshop)
    roster = list(
        _roster(workshop).annotate(
            attended=Count(
                "attendance_marks", filter=Q(attendance_marks__status__in=ATTENDED_STATUSES)
            )
        )
    )
    sessions = list(workshop.sessions.all())
    last_end = max((s.ends_at for s in sessions), default=None)
    can_manage = can_exceed_capacity(request.user, workshop)
    # Staff who run the workshop see each officer's best post-test score (live until closing).
    post_test = scores.post_test(workshop)
    post_test_closes_at = None
    if post_test is not None:
        percents = scores.best_post_test_percents(workshop)
        for registration in roster:
            percent = percents.get(registration.pk)
            registration.post_test_percent = percent
            registration.post_test_text = percent_display(percent) if percent is not None else ""
        post_test_closes_at = test_window(post_test).closes_at
    required = post_test.pass_percent if post_test is not None else None
    if closure.is_closed:
        # The rule closing applied, whatever the test says since.
        recorded = (getattr(r, "completion", None) for r in roster)
        required = next((c.test_required for c in recorded if c is not None), None)
    waits_for_post_test = (
        required is not None
        and post_test_closes_at is not None
        and post_test_closes_at > timezone.now()
    )
    context = {
        "workshop": workshop,
        "closure": closure,
        "roster": roster,
        "sessions": sessions,
        "can_close": last_end is not None
        and last_end <= timezone.now()
        and not waits_for_post_test,
        "post_test": post_test,
        "post_test_required": required,
        "post_test_closes_at": post_test_closes_at,
        "waits_for_post_test": waits_for_post_test,
        "can_exceed_capacity": can_manage,
        "can_manage_registrations": can_manage,
        "events": ClosureEvent.objects.filter(workshop=workshop).select_related("actor")[:10],
        "walk_in_form": extra.pop("walk_in_form", None) or WalkInForm(),
        "reopen_form": extra.pop("reopen_form", None) or ReopenForm(),
        "settings_form": extra.pop("settings_form", None)
        or AttendanceSettingsForm(
            initial={
                "completion_threshold": closure.completion_threshold,
                "checkin_opens_minutes": closure.checkin_opens_minutes,
            }
        ),
        "confirmed_count": len(roster),
        # The rest of the registrations, as counts: managing them is the coordinators' page.
        "registration_counts": dict(
            Registration.objects.filter(workshop=workshop)
            .exclude(state=Registration.State.CONFIRMED)
            .order_by()
            .values_list("state")
            .annotate(n=Count("pk"))
        ),
    }
    context.update(extra)
    return context


@role_required(*STAFF)
def roster(request, pk: int):
    """The confirmed roster with contact details: only for the workshop's trainers and the
    region's coordinators."""
    workshop = get_object_or_404(workshops_run_by(request.user).select_related("region"), pk=pk)
    return render(request, "attendance/roster.html", _roster_context(request, workshop))


@role_required(*STAFF)
def roster_moved(request, workshop_pk: int):
    """The registrations app's old roster address: bookmarks land on the one roster page."""
    workshop = get_object_or_404(workshops_run_by(request.user), pk=workshop_pk)
    return redirect("attendance:roster", pk=workshop.pk, permanent=True)


@require_POST
@role_required(*STAFF)
def walk_in(request, pk: int):
    workshop = get_object_or_404(workshops_run_by(request.user), pk=pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            registration = services.add_walk_in(
                workshop_id=workshop.pk, by=request.user, **form.cleaned_data
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(
                request, _("%(name)s was added to the roster.") % {"name": registration.officer}
            )
            return redirect("attendance:roster", pk=workshop.pk)
    context = _roster_context(request, workshop, walk_in_form=form, open_panel="walk-in")
    return render(request, "attendance/roster.html", context, status=400)


@require_POST
@role_required(*STAFF)
def close(request, pk: int):
    workshop = get_object_or_404(workshops_run_by(request.user), pk=pk)
    try:
        summary = services.close_workshop(workshop_id=workshop.pk, by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request,
            _(
                "Workshop closed: %(completed)s of %(total)s officers completed it. "
                "%(issued)s certificates issued, %(revoked)s revoked."
            )
            % summary,
        )
    return redirect("attendance:roster", pk=workshop.pk)


@require_POST
@role_required(*STAFF)
def reopen(request, pk: int):
    workshop = get_object_or_404(workshops_run_by(request.user), pk=pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_workshop(
                workshop_id=workshop.pk, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(
                request, _("Workshop re-opened. Correct attendance, then close it again.")
            )
            return redirect("attendance:roster", pk=workshop.pk)
    context = _roster_context(request, workshop, reopen_form=form)
    return render(request, "attendance/roster.html", context, status=400)


@require_POST
@role_required(*STAFF)
def settings_update(request, pk: int):
    workshop = get_object_or_404(workshops_run_by(request.user), pk=pk)
    form = AttendanceSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.update_attendance_settings(
                workshop_id=workshop.pk, by=request.user, **form.cleaned_data
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Attendance settings saved."))
            return redirect("attendance:roster", pk=workshop.pk)
    context = _roster_context(request, workshop, settings_form=form)
    return render(request, "attendance/roster.html", context, status=400)


def load_session(request, pk: int) -> WorkshopSession:
    """A session of a workshop the user runs; officers and other staff get a 404."""
    return get_object_or_404(
        WorkshopSession.objects.filter(workshop__in=workshops_run_by(request.user)).select_related(
            "workshop"
        ),
        pk=pk,
    )


def posted_marks(request) -> dict[int, str]:
    """The posted `status_<registration id>` choices; AttendanceError for a bogus one."""
    marks = {}
    for key, value in request.POST.items():
        if key.startswith("status_") and value:
            try:
                marks[int(key.removeprefix("status_"))] = value
            except ValueError as err:
                raise services.AttendanceError(_("Invalid form data.")) from err
            # Checked here too, so a confirmation step never carries a bogus value along.
            if value not in AttendanceStatus.values:
                raise services.AttendanceError(_("Invalid form data."))
    return marks


@role_required(*STAFF)
def session_attendance(request, pk: int):
    """Marking on a phone in the room: mark all present, then correct the exceptions."""
    session = load_session(request, pk)
    workshop = session.workshop
    status_code = 200
    if request.method == "POST":
        try:
            posted = posted_marks(request)
            action = request.POST.get("action", "save")
            if session.starts_at > timezone.now() and not request.POST.get("confirm"):
                # Refused before asking, so the confirmation never carries an unknown officer.
                if set(posted) - roster_ids(session):
                    raise services.AttendanceError(
                        _("Some officers are not on this workshop's confirmed roster.")
                    )
                # Most likely the wrong session on a small screen: ask before saving.
                return render(
                    request,
                    "attendance/session_confirm.html",
                    {
                        "session": session,
                        "workshop": workshop,
                        "marks": sorted(posted.items()),
                        "action": "all_present" if action == "all_present" else "save",
                    },
                )
            # Choices made before pressing "mark all present" are kept as the exceptions.
            changed = services.record_marks(session_id=session.pk, by=request.user, marks=posted)
            if action == "all_present":
                changed += services.mark_all_present(session_id=session.pk, by=request.user)
        except ServiceError as err:
            messages.error(request, err.message)
            status_code = 400
        else:
            if changed:
                messages.success(
                    request,
                    ngettext(
                        "Attendance saved: %(n)s change.",
                        "Attendance saved: %(n)s changes.",
                        changed,
                    )
                    % {"n": changed},
                )
            else:
                messages.info(request, _("Attendance saved: nothing changed."))
            return redirect("attendance:session", pk=session.pk)
    marks = {
        m.registration_id: m
        for m in AttendanceMark.objects.filter(session=session).select_related("marked_by")
    }
    rows = [(registration, marks.get(registration.pk)) for registration in _roster(workshop)]
    counts = {s: 0 for s in AttendanceStatus.values}
    for mark in marks.values():
        counts[mark.status] = counts.get(mark.status, 0) + 1
    history = (
        AttendanceChange.objects.filter(session=session)
        .select_related("registration__officer", "changed_by")
        .order_by("-changed_at", "-pk")[:30]
    )
    sessions = list(workshop.sessions.all())
    context = {
        "session": session,
        "workshop": workshop,
        "sessions": sessions,
        "session_number": next((i for i, s in enumerate(sessions, 1) if s.pk == session.pk), 1),
        "rows": rows,
        "unmarked": sum(1 for _r, m in rows if m is None),
        "counts": counts,
        "statuses": AttendanceStatus.choices,
        "history": history,
        "closure": _closure(workshop),
        "not_started": session.starts_at > timezone.now(),
    }
    return render(request, "attendance/session.html", context, status=status_code)


@role_required(*STAFF)
def checkin_code(request, pk: int):
    """The code and QR to show in the room. POST makes a new code (the old one stops working)."""
    session = load_session(request, pk)
    if request.method == "POST":
        services.regenerate_checkin_code(session_id=session.pk, by=request.user)
        messages.success(request, _("A new check-in code was created; the old one is void."))
        return redirect("attendance:checkin_code", pk=session.pk)
    code = services.get_or_create_checkin_code(session_id=session.pk, by=request.user)
    url = f"{settings.SITE_URL}{reverse('attendance:checkin')}?code={code.code}"
    if request.GET.get("format") == "svg":
        response = HttpResponse(qr.svg(url), content_type="image/svg+xml")
        response["Cache-Control"] = "private, no-store"
        return response
    opens, closes = checkin_window(session, _closure(session.workshop))
    now = timezone.now()
    return render(
        request,
        "attendance/checkin_code.html",
        {
            "session": session,
            "workshop": session.workshop,
            "code": code,
            "url": url,
            "opens": opens,
            "closes": closes,
            "is_open": opens <= now <= closes,
        },
    )
