"""Attendance on paper: the printable sign-in sheet of a session, and entering its ticks."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from attendance import services
from attendance.models import AttendanceMark, WorkshopClosure
from attendance.models.marks import AttendanceStatus, MarkSource
from attendance.sheets import render_sign_in_sheet, session_number, sheet_registrations
from audit.services import record_audit
from trainingsite.errors import ServiceError

from .staff import load_session, posted_marks


@require_GET
def session_sheet(request, pk: int):
    """The sign-in sheet to print: it lists the officers, so each download is in the audit log."""
    session = load_session(request, pk)
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


def session_paper(request, pk: int):
    """Copy the ticks of a completed paper sheet into the marks, through the same rules as
    marking on the page (closed workshops refused, the confirmed roster only)."""
    session = load_session(request, pk)
    workshop = session.workshop
    # What was ticked, shown again if the save is refused.
    kept = {k: v for k, v in request.POST.items() if k.startswith("status_") and v}
    status_code = 200
    if request.method == "POST":
        try:
            marks = posted_marks(request)
            if not marks:
                raise services.AttendanceError(_("Tick at least one officer's attendance."))
            changed = services.record_marks(
                session_id=session.pk, by=request.user, marks=marks, source=MarkSource.PAPER
            )
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
