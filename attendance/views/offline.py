"""Attendance without a network: the trainer's "today" page, its data, the sync and the service
worker that keeps the page available offline."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attendance import services
from attendance.access import workshops_run_by
from attendance.models import AttendanceMark, CheckInCode, WorkshopClosure
from attendance.models.marks import AttendanceStatus
from attendance.services.checkin import checkin_window
from attendance.services.offline import SyncError, sync_marks
from registrations.models import Registration
from trainingsite import when
from trainingsite.middleware import permissions_policy
from trainingsite.roles import role_required
from workshops.models import Workshop, WorkshopSession

STAFF = ("trainer", "coordinator")
# Marks are sent in one JSON body: a day's queue is far below this.
MAX_SYNC_BYTES = 512 * 1024


def sessions_today(user, now: dt.datetime | None = None) -> list[WorkshopSession]:
    """Sessions of workshops `user` runs that fall on today's date in the venue's zone."""
    now = now or timezone.now()
    # Every zone's "today" lies within a day and a half of now.
    candidates = (
        WorkshopSession.objects.filter(
            workshop__in=workshops_run_by(user).exclude(
                status__in=[Workshop.Status.DRAFT, Workshop.Status.CANCELLED]
            ),
            starts_at__gte=now - dt.timedelta(hours=38),
            starts_at__lte=now + dt.timedelta(hours=38),
        )
        .select_related("workshop")
        .order_by("starts_at", "pk")
    )
    return [
        s
        for s in candidates
        if timezone.localtime(s.starts_at, s.workshop.tzinfo).date()
        == timezone.localtime(now, s.workshop.tzinfo).date()
    ]


@require_GET
@role_required(*STAFF)
# Scanning passes: the camera, and the QR reader's WebAssembly where the browser has none.
@csp_update({"script-src": ["'wasm-unsafe-eval'"]})
def today(request):
    """The sessions to mark today; the page keeps them on the device to work offline."""
    sessions = sessions_today(request.user)
    response = render(
        request,
        "attendance/today.html",
        {"sessions": [(s, _when(s)) for s in sessions], "strings": _strings()},
    )
    # The service worker keeps its own copy; the browser's HTTP cache asks each time.
    response["Cache-Control"] = "private, no-cache"
    response["Permissions-Policy"] = permissions_policy("camera")
    return response


def _strings() -> dict[str, Any]:
    # The page's script shows these; {name}, {n}, {message} are filled in by it.
    return {
        "present": AttendanceStatus.PRESENT.label,
        "late": AttendanceStatus.LATE.label,
        "absent": AttendanceStatus.ABSENT.label,
        "excused": AttendanceStatus.EXCUSED.label,
        "not_marked": _("Not marked"),
        "waiting": _("Not yet sent"),
        "check_in_title": _("Officer check-in on this device"),
        "officer": _("Officer"),
        "choose": _("Choose your name"),
        "code": _("Session code"),
        "check_in": _("Check in"),
        "wrong_code": _("This code does not match this session's code."),
        "no_officer": _("Choose your name first."),
        "checked_in": _("{name} is checked in."),
        "online": _("Online"),
        "offline": _("Offline"),
        "offline_help": _("Marks are kept on this device and sent when the connection returns."),
        "queue": _("Marks waiting to be sent: {n}"),
        "synced": _("All marks are sent."),
        "sync_failed": _("Sending failed: the marks stay on this device. Try again later."),
        "signed_out": _("Your session has ended: sign in again to send the marks."),
        "refused": _("Not recorded: {name}, {message}"),
        "no_sessions": _("No sessions to mark today."),
        "no_data": _("Open this page once while online to keep today's rosters on this device."),
        "not_kept": _(
            "This browser cannot keep data encrypted: rosters are kept only while this page "
            "is open."
        ),
        "scan_unreadable": _("This is not a check-in pass."),
        "scan_not_on_roster": _("This pass is not for a session on this device today."),
        "scan_not_open": _("Check-in for this officer's session is not open now."),
        "scan_already": _("{name} is already checked in."),
        "scan_done": _("{name}: {status}, checked in at {time}."),
        "no_camera": _(
            "The camera could not be started: allow this site to use it, or type the pass's code."
        ),
        "no_reader": _("This browser cannot read QR codes: type the pass's code instead."),
        "roster": _("Roster"),
        "attendance_of": _("Attendance of {name}"),
    }


def _when(session: WorkshopSession) -> str:
    span = when.span(session.starts_at, session.ends_at, session.workshop.tzinfo)
    return f"{span.text} ({span.zone})"


@require_GET
@role_required(*STAFF)
def today_data(request):
    """Today's rosters, current marks and check-in codes, for the device to keep."""
    sessions = sessions_today(request.user)
    workshop_ids = {s.workshop_id for s in sessions}
    rosters: dict[int, list[Registration]] = {pk: [] for pk in workshop_ids}
    for registration in (
        Registration.objects.filter(
            workshop_id__in=workshop_ids, state=Registration.State.CONFIRMED
        )
        .select_related("officer")
        .order_by("officer__full_name", "pk")
    ):
        rosters[registration.workshop_id].append(registration)
    marks = {
        (m.session_id, m.registration_id): m.status
        for m in AttendanceMark.objects.filter(session__in=sessions)
    }
    codes = dict(CheckInCode.objects.filter(session__in=sessions).values_list("session_id", "code"))
    closures = {
        c.workshop_id: c for c in WorkshopClosure.objects.filter(workshop_id__in=workshop_ids)
    }
    windows = {s.pk: checkin_window(s, closures.get(s.workshop_id)) for s in sessions}
    for session in sessions:
        if session.pk not in codes:
            code = services.get_or_create_checkin_code(session_id=session.pk, by=request.user)
            codes[session.pk] = code.code
    payload = {
        "user": request.user.pk,
        "csrf": get_token(request),
        "fetched_at": timezone.now().isoformat(),
        "late_after_minutes": settings.ATTENDANCE_LATE_AFTER_MINUTES,
        "sessions": [
            {
                "id": s.pk,
                "workshop": s.workshop.title,
                "title": s.title,
                "starts_at": s.starts_at.isoformat(),
                "ends_at": s.ends_at.isoformat(),
                "when": _when(s),
                "time_zone": s.workshop.time_zone,
                "code": codes.get(s.pk, ""),
                # A scanned pass checks in to the session whose check-in time is now.
                "checkin_opens": windows[s.pk][0].isoformat(),
                "checkin_closes": windows[s.pk][1].isoformat(),
                "roster": [
                    {
                        "id": r.pk,
                        "name": r.officer.full_name,
                        "status": marks.get((s.pk, r.pk), ""),
                    }
                    for r in rosters[s.workshop_id]
                ],
            }
            for s in sessions
        ],
    }
    response = JsonResponse(payload)
    # Names and codes are kept on the device only by the page, encrypted; never by a cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@role_required(*STAFF)
def sync(request):
    """Apply a device's queued marks (JSON: {"marks": [...]}); one result per mark."""
    if request.content_type != "application/json":
        return JsonResponse({"error": "Send JSON."}, status=415)
    if len(request.body) > MAX_SYNC_BYTES:
        return JsonResponse({"error": "Too many marks in one sync."}, status=413)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "Not valid JSON."}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"error": "Not valid JSON."}, status=400)
    try:
        results = sync_marks(by=request.user, marks=body.get("marks"))
    except SyncError as err:
        return JsonResponse({"error": err.message}, status=400)
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response


# The today page's shell, kept by the service worker so the page opens with no network.
PRECACHE = (
    "vendor/theme/theme.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "css/site.css",
    "css/attendance.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "js/offline-attendance.js",
    "vendor/barcode-detector/ponyfill.js",
    "vendor/barcode-detector/zxing_reader.wasm",
    "js/register-sw.js",
    "js/signout.js",
    "img/favicon.svg",
)


def _precache_entry(path: str) -> dict[str, str | None]:
    # Production names carry their content hash; the development server's do not, so the
    # worker is told the content's digest to notice a changed file.
    revision = None
    if settings.DEBUG:
        found = finders.find(path)
        if isinstance(found, str):
            revision = hashlib.sha256(Path(found).read_bytes()).hexdigest()[:16]
    return {"url": static(path), "revision": revision}


@login_not_required
@require_GET
def service_worker(request):
    """The service worker, served at the root so its scope may cover /attendance/today/."""
    # Rendered without the request: the worker is the same for everyone (no user's data).
    fallback = render_to_string(
        "attendance/offline_fallback.html", {"PROGRAM_NAME": settings.PROGRAM_NAME}
    )
    context = {
        "precache": json.dumps([_precache_entry(path) for path in PRECACHE]),
        "STATIC_URL": settings.STATIC_URL,
        "fallback_html": json.dumps(fallback),
    }
    response = HttpResponse(
        render_to_string("attendance/sw.js", context),
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker on each visit; they must not keep an old one.
    response["Cache-Control"] = "no-cache"
    return response
