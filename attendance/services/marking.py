"""Taking attendance: idempotent saves where every real change is recorded."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.access import workshops_run_by
from attendance.models import AttendanceChange, AttendanceMark, WorkshopClosure
from attendance.models.marks import AttendanceStatus, MarkSource
from attendees.models import User
from audit.services import record_audit
from registrations.models import Registration
from trainingsite.errors import ServiceError
from workshops.models import WorkshopSession


class AttendanceError(ServiceError):
    pass


def lock_closure(workshop_id: int) -> WorkshopClosure:
    """The closure row serialises marking against closing: lock it (creating it once)."""
    closure, _created = WorkshopClosure.objects.get_or_create(workshop_id=workshop_id)
    return WorkshopClosure.objects.select_for_update().get(pk=closure.pk)


def lock_open_workshop(workshop_id: int) -> WorkshopClosure:
    """Lock the workshop's closure row and refuse if attendance is closed: every way staff
    mark (on the page, all present, synced from a device) passes here."""
    closure = lock_closure(workshop_id)
    if closure.is_closed:
        raise AttendanceError(_("This workshop is closed: re-open it to correct attendance."))
    return closure


def load_session_for(*, session_id: int, by: User) -> WorkshopSession:
    session = (
        WorkshopSession.objects.filter(workshop__in=workshops_run_by(by), pk=session_id)
        .select_related("workshop")
        .first()
    )
    if session is None:
        raise AttendanceError(_("You do not run this workshop."))
    return session


def apply_marks(
    *,
    session: WorkshopSession,
    statuses: dict[int, str],
    by: User | None,
    source: str,
    only_unmarked: bool = False,
) -> int:
    """Write the given registration → status marks; unchanged ones are left alone so saving
    the same form twice records nothing. Returns the number of changes."""
    now = timezone.now()
    existing = {
        m.registration_id: m
        for m in AttendanceMark.objects.select_for_update().filter(
            session=session, registration_id__in=list(statuses)
        )
    }
    changes, created, updated = [], [], []
    for registration_id, status in statuses.items():
        mark = existing.get(registration_id)
        if mark is not None and (only_unmarked or mark.status == status):
            continue
        old = mark.status if mark else ""
        if mark is None:
            created.append(
                AttendanceMark(
                    registration_id=registration_id,
                    session=session,
                    status=status,
                    source=source,
                    marked_by=by,
                    marked_at=now,
                )
            )
        else:
            mark.status, mark.source, mark.marked_by, mark.marked_at = status, source, by, now
            updated.append(mark)
        changes.append(
            AttendanceChange(
                registration_id=registration_id,
                session=session,
                old_status=old,
                new_status=status,
                source=source,
                changed_by=by,
                changed_at=now,
            )
        )
    AttendanceMark.objects.bulk_create(created)
    AttendanceMark.objects.bulk_update(updated, ["status", "source", "marked_by", "marked_at"])
    AttendanceChange.objects.bulk_create(changes)
    return len(changes)


def apply_synced_mark(
    *,
    session: WorkshopSession,
    registration_id: int,
    status: str,
    by: User,
    marked_at: dt.datetime,
    client_id: uuid.UUID,
) -> bool:
    """Record one mark made on a device at `marked_at` (the caller has passed the gates).
    Every such mark enters the history, stamped with its device time; it becomes the current
    mark unless a later-made one is already there (last writer by original time wins).
    Returns whether the current mark changed."""
    mark = (
        AttendanceMark.objects.select_for_update()
        .filter(session=session, registration_id=registration_id)
        .first()
    )
    old = mark.status if mark else ""
    superseded = mark is not None and mark.marked_at > marked_at
    AttendanceChange.objects.create(
        registration_id=registration_id,
        session=session,
        old_status=old,
        new_status=status,
        source=MarkSource.OFFLINE,
        changed_by=by,
        changed_at=marked_at,
        client_id=client_id,
        synced_at=timezone.now(),
        superseded=superseded,
    )
    if mark is None:
        AttendanceMark.objects.create(
            registration_id=registration_id,
            session=session,
            status=status,
            source=MarkSource.OFFLINE,
            marked_by=by,
            marked_at=marked_at,
        )
        return True
    if superseded:
        return False
    changed = mark.status != status
    mark.status, mark.source, mark.marked_by, mark.marked_at = (
        status,
        MarkSource.OFFLINE,
        by,
        marked_at,
    )
    mark.save(update_fields=["status", "source", "marked_by", "marked_at"])
    return changed


def roster_ids(session: WorkshopSession) -> set[int]:
    """The registrations a session's marks may name: the workshop's confirmed roster."""
    return set(
        Registration.objects.filter(
            workshop_id=session.workshop_id, state=Registration.State.CONFIRMED
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def record_marks(
    *, session_id: int, by: User, marks: dict[int, str], source: str = MarkSource.TRAINER
) -> int:
    """Save a trainer's marks for one session (`source`: marked on the page, or copied from a
    paper sign-in sheet). Only confirmed registrations of the workshop can be marked; the
    workshop must not be closed."""
    session = load_session_for(session_id=session_id, by=by)
    lock_open_workshop(session.workshop_id)
    roster = roster_ids(session)
    unknown = set(marks) - roster
    if unknown:
        raise AttendanceError(_("Some officers are not on this workshop's confirmed roster."))
    if any(status not in AttendanceStatus.values for status in marks.values()):
        raise AttendanceError(_("Unknown attendance status."))
    changed = apply_marks(session=session, statuses=marks, by=by, source=source)
    _audit_marks(session, by=by, changed=changed, bulk=False, source=source)
    return changed


@transaction.atomic
def mark_all_present(*, session_id: int, by: User) -> int:
    """Mark everyone not yet marked as present; existing marks (the exceptions) are kept."""
    session = load_session_for(session_id=session_id, by=by)
    lock_open_workshop(session.workshop_id)
    statuses = dict.fromkeys(roster_ids(session), AttendanceStatus.PRESENT.value)
    changed = apply_marks(
        session=session, statuses=statuses, by=by, source=MarkSource.BULK, only_unmarked=True
    )
    _audit_marks(session, by=by, changed=changed, bulk=True, source=MarkSource.BULK)
    return changed


def _audit_marks(
    session: WorkshopSession,
    *,
    by: User,
    changed: int,
    bulk: bool,
    source: str,
) -> None:
    # One entry per save by staff; each mark's before and after is in AttendanceChange. Marks
    # not made on the page (a paper sheet) say where they came from.
    origin = {} if source in (MarkSource.TRAINER, MarkSource.BULK) else {"source": str(source)}
    if changed:
        record_audit(
            actor=by,
            action="attendance.marked_all" if bulk else "attendance.marked",
            summary=f"{changed} attendance marks changed for session #{session.pk} "
            f"(workshop #{session.workshop_id})",
            target=session,
            changes=changed,
            **origin,
        )
