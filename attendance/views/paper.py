"""Attendance on paper: the printable sign-in sheet of a session, and entering its ticks."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from attendance import services
from attendance.access import workshops_run_by
from attendance.models import AttendanceMark, WorkshopClosure
from attendance.models.marks import AttendanceStatus, MarkSource
from attendance.sheets import render_sign_in_sheet, session_number, sheet_registrations
from audit.services import record_audit
from trainingsite.errors import ServiceError
from workshops.models import WorkshopSession


def _load_session(request, pk: int) -> WorkshopSession:
    # Scoped to the workshops the user runs: officers and other staff get a 404.
    return get_object_or_404(
        WorkshopSession.objects.filter(workshop__in=workshops_run_by(request.user)).select_related(
            "workshop"
        ),
        pk=pk,
    )


@require_GET
def session_sheet(request, pk: int):
    """The sign-in sheet to print: it lists the officers, so each download is in the audit log."""
    session = _load_session(request, pk)
    pdf = render_sign_in_sheet(session)
    with transaction.atomic():
        record_audit(
            actor=request.user,
            action="attendance.sheet_printed",
            summary=f"Sign-in sheet of session #{session.pk} (workshop #{session.workshop_id}) "
            "downloaded",
            target=session,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    number, _count = session_number(session)
    filename = f"sign-in-sheet-{session.workshop_id}-{number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _posted(request) -> tuple[dict[int, str], dict[str, str]]:
    """The ticks as registration id → status, and as posted (to show them again)."""
    kept, marks = {}, {}
    for key, value in request.POST.items():
        if not key.startswith("status_") or not value:
            continue
        kept[key] = value
        try:
            registration_id = int(key.removeprefix("status_"))
        except ValueError as err:
            raise _Refused(_("Invalid form data."), kept) from err
        if value not in AttendanceStatus.values:
            raise _Refused(_("Invalid form data."), kept)
        marks[registration_id] = value
    return marks, kept


class _Refused(Exception):
    def __init__(self, message: str, kept: dict[str, str]):
        super().__init__(message)
        self.message, self.kept = message, kept


def session_paper(request, pk: int):
    """Copy the ticks of a completed paper sheet into the marks, through the same rules as
    marking on the page (closed workshops refused, the confirmed roster only)."""
    session = _load_session(request, pk)
    workshop = session.workshop
    kept: dict[str, str] = {}
    status_code = 200
    if request.method == "POST":
        try:
            marks, kept = _posted(request)
            if not marks:
                raise _Refused(_("Tick at least one officer's attendance."), kept)
            changed = services.record_marks(
                session_id=session.pk, by=request.user, marks=marks, source=MarkSource.PAPER
            )
        except _Refused as err:
            messages.error(request, err.message)
            kept, status_code = err.kept, 400
        except ServiceError as err:
            messages.error(request, err.message)
            status_code = 400
        else:
            messages.success(
                request,
                ngettext(
                    "Paper sheet entered: %(n)s change.",
                    "Paper sheet entered: %(n)s changes.",
                    changed,
                )
                % {"n": changed},
            )
            return redirect("attendance:session", pk=session.pk)
    current = {m.registration_id: m.status for m in AttendanceMark.objects.filter(session=session)}
    rows = [
        (index, registration, current.get(registration.pk), kept.get(f"status_{registration.pk}"))
        for index, registration in enumerate(sheet_registrations(session), 1)
    ]
    closure = WorkshopClosure.objects.filter(workshop=workshop).first()
    number, _count = session_number(session)
    return render(
        request,
        "attendance/session_paper.html",
        {
            "session": session,
            "workshop": workshop,
            "session_number": number,
            "rows": rows,
            "statuses": AttendanceStatus.choices,
            "closed": closure is not None and closure.is_closed,
            "not_started": session.starts_at > timezone.now(),
        },
        status=status_code,
    )
