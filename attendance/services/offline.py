"""Marks taken on a trainer's device without a network, applied when the device syncs.

Conflict rule: when two marks name the same officer and session, the one made last on its
device (`marked_at`) is the current mark, whatever order they reach the server in. A mark
older than the current one is still recorded in the history (with its device time) but does
not change the current mark. Each mark carries a device-made `client_id`: a mark sent again
(a sync interrupted, the queue sent twice) is answered "duplicate" and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import AttendanceChange, WorkshopClosure
from attendance.models.marks import AttendanceStatus
from attendance.passes import BadScanCode, read_scanned
from attendees.models import User
from audit.services import record_audit
from trainingsite.errors import ServiceError
from workshops.models import WorkshopSession

from .checkin import arrival_status, checkin_window
from .marking import (
    AttendanceError,
    apply_synced_mark,
    load_session_for,
    lock_open_workshop,
    roster_ids,
)

# One sync carries one device's queue: a day of marks for a few sessions.
MAX_MARKS_PER_SYNC = 1000
# Device clocks drift: a mark this far ahead of the server's clock is still taken.
CLOCK_SKEW = dt.timedelta(minutes=5)
# A trainer's mark; an officer's check-in by typing the session code on the trainer's device
# (checked there); by the trainer scanning the officer's pass or sheet row (checked here).
KINDS = ("mark", "check_in", "scan")
CHECK_INS = ("check_in", "scan")

APPLIED, DUPLICATE, REFUSED = "applied", "duplicate", "refused"


class SyncError(ServiceError):
    pass


@dataclass
class _Mark:
    index: int
    client_id: uuid.UUID
    session_id: int
    registration_id: int
    status: str
    marked_at: dt.datetime
    kind: str


def _result(client_id: Any, result: str, message: str = "") -> dict[str, str]:
    return {"client_id": str(client_id or ""), "result": result, "message": message}


def _parse(index: int, raw: Any) -> _Mark | str:
    """A well-formed mark, or the message saying what is wrong with it."""
    if not isinstance(raw, dict):
        return _("This mark is not readable.")
    try:
        client_id = uuid.UUID(str(raw.get("client_id")))
    except ValueError:
        return _("This mark has no valid id.")
    ids = []
    for key in ("session_id", "registration_id"):
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
            return _("This mark names no valid session or officer.")
        ids.append(value)
    kind = raw.get("kind", "mark")
    status = raw.get("status")
    if kind not in KINDS:
        return _("Unknown kind of mark.")
    if kind == "mark" and status not in AttendanceStatus.values:
        return _("Unknown attendance status.")
    try:
        marked_at = dt.datetime.fromisoformat(str(raw.get("marked_at")))
    except ValueError:
        return _("This mark has no valid time.")
    if marked_at.tzinfo is None:
        return _("This mark has no valid time.")
    if kind == "scan":
        try:
            session_id, registration_id = read_scanned(raw.get("token"))
        except BadScanCode:
            return _("This check-in pass is not valid.")
        if registration_id != ids[1] or session_id not in (None, ids[0]):
            return _("This check-in pass is not valid.")
    return _Mark(index, client_id, ids[0], ids[1], status or "", marked_at, kind)


@transaction.atomic
def sync_marks(*, by: User, marks: list[Any]) -> list[dict[str, str]]:
    """Apply a device's queued marks once each, oldest first, through the rules of marking on
    the page (the user runs the workshop, the officer is on its confirmed roster, attendance
    is not closed). Returns one result per mark, in the order sent: applied, duplicate, or
    refused with a message for the device. See the module docstring for conflicts."""
    if not isinstance(marks, list):
        raise SyncError(_("Send a list of marks."))
    if len(marks) > MAX_MARKS_PER_SYNC:
        raise SyncError(_("Too many marks in one sync: send them in smaller batches."))
    results: list[dict[str, str] | None] = [None] * len(marks)
    parsed: list[_Mark] = []
    for index, raw in enumerate(marks):
        mark = _parse(index, raw)
        if isinstance(mark, str):
            client_id = raw.get("client_id") if isinstance(raw, dict) else ""
            results[index] = _result(str(client_id)[:64], REFUSED, mark)
        else:
            parsed.append(mark)

    # Gates, per session: run by this user, then each workshop locked open, in id order.
    sessions: dict[int, WorkshopSession] = {}
    refusals: dict[int, str] = {}
    for session_id in sorted({m.session_id for m in parsed}):
        try:
            sessions[session_id] = load_session_for(session_id=session_id, by=by)
        except AttendanceError as err:
            refusals[session_id] = err.message
    closures: dict[int, WorkshopClosure] = {}
    closed: dict[int, str] = {}
    for workshop_id in sorted({s.workshop_id for s in sessions.values()}):
        try:
            closures[workshop_id] = lock_open_workshop(workshop_id)
        except AttendanceError:
            closed[workshop_id] = _(
                "Attendance for this workshop is closed: this mark was not recorded. "
                "Ask a coordinator to re-open it."
            )
    rosters = {pk: roster_ids(s) for pk, s in sessions.items()}
    # Read after the locks: a sync of the same queue running alongside has committed by now.
    seen = set(
        AttendanceChange.objects.filter(client_id__in=[m.client_id for m in parsed]).values_list(
            "client_id", flat=True
        )
    )

    now = timezone.now()
    applied = changed = 0
    for mark in sorted(parsed, key=lambda m: (m.marked_at, m.index)):
        session = sessions.get(mark.session_id)
        message = refusals.get(mark.session_id, "")
        if mark.client_id in seen:
            results[mark.index] = _result(mark.client_id, DUPLICATE)
            continue
        if session is not None:
            message = closed.get(session.workshop_id) or _check(
                mark, session, closures[session.workshop_id], now
            )
            if not message and mark.registration_id not in rosters[session.pk]:
                message = _("This officer is not on this workshop's confirmed roster.")
        if message:
            results[mark.index] = _result(mark.client_id, REFUSED, message)
            continue
        assert session is not None
        # A check-in follows self check-in's rule, at the time it was made on the device.
        status = arrival_status(session, mark.marked_at) if mark.kind in CHECK_INS else None
        changed += apply_synced_mark(
            session=session,
            registration_id=mark.registration_id,
            status=status or mark.status,
            by=by,
            marked_at=mark.marked_at,
            client_id=mark.client_id,
        )
        seen.add(mark.client_id)
        applied += 1
        results[mark.index] = _result(mark.client_id, APPLIED)
    if applied:
        # One entry per sync; each mark is in AttendanceChange with its device time.
        record_audit(
            actor=by,
            action="attendance.synced",
            summary=f"{applied} offline attendance marks synced "
            f"({changed} current marks changed) for sessions "
            + ", ".join(f"#{pk}" for pk in sorted(sessions)),
            applied=applied,
            changed=changed,
            refused=sum(1 for r in results if r and r["result"] == REFUSED),
        )
    return [r for r in results if r is not None]


def _check(
    mark: _Mark, session: WorkshopSession, closure: WorkshopClosure, now: dt.datetime
) -> str:
    """Why a mark's time is not believable for its session, or ""."""
    if mark.marked_at > now + CLOCK_SKEW:
        return _("This mark's time is in the future: check the device's clock.")
    zone = session.workshop.tzinfo
    day_starts = timezone.localtime(session.starts_at, zone).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    if mark.marked_at < day_starts:
        return _("This mark was made before the session's day: check the device's clock.")
    if mark.kind in CHECK_INS:
        opens, closes = checkin_window(session, closure)
        if not opens - CLOCK_SKEW <= mark.marked_at <= closes + CLOCK_SKEW:
            return _("This check-in was made outside the session's check-in time.")
    return ""
