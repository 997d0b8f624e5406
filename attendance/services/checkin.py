"""Self check-in with a per-session code shown in the room."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import AttendanceMark, CheckInCode, WorkshopClosure
from attendance.models.marks import ATTENDED_STATUSES, AttendanceStatus, MarkSource
from attendees.models import User
from registrations.models import Registration
from trainingsite import ratelimit, when
from trainingsite.errors import ServiceError

from .marking import apply_marks, load_session_for, lock_closure

# No 0/O, 1/I/L: codes are read off a projector and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class CheckInError(ServiceError):
    pass


def normalize_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def get_or_create_checkin_code(*, session_id: int, by: User) -> CheckInCode:
    session = load_session_for(session_id=session_id, by=by)
    existing = CheckInCode.objects.filter(session=session).first()
    if existing:
        return existing
    return regenerate_checkin_code(session_id=session.pk, by=by)


def regenerate_checkin_code(*, session_id: int, by: User) -> CheckInCode:
    """A fresh code (e.g. after the old one was shared outside the room)."""
    session = load_session_for(session_id=session_id, by=by)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                code, _created = CheckInCode.objects.update_or_create(
                    session=session,
                    defaults={"code": _new_code(), "created_by": by, "created_at": timezone.now()},
                )
                return code
        except IntegrityError:
            continue
    raise CheckInError(_("Could not create a check-in code, please try again."))


def checkin_window(session, closure: WorkshopClosure | None) -> tuple[dt.datetime, dt.datetime]:
    minutes = closure.checkin_opens_minutes if closure else 30
    return session.starts_at - dt.timedelta(minutes=minutes), session.ends_at


def arrival_status(session, at: dt.datetime) -> str:
    """Present, or late once ATTENDANCE_LATE_AFTER_MINUTES of the session have passed at `at`
    (the time the officer gave the code)."""
    late_after = session.starts_at + dt.timedelta(minutes=settings.ATTENDANCE_LATE_AFTER_MINUTES)
    return AttendanceStatus.LATE.value if at > late_after else AttendanceStatus.PRESENT.value


def _guess_key(officer: User) -> str:
    return f"checkin:{officer.pk}"


@transaction.atomic
def check_in(*, officer: User, code: str, now: dt.datetime | None = None) -> AttendanceMark:
    """Mark the signed-in officer present (late after the grace period) at the session whose
    code they entered, if they are confirmed for it and the session is open for check-in.
    Wrong codes count against a per-officer limit so codes cannot be guessed."""
    now = now or timezone.now()
    limit = settings.ATTENDANCE_CHECKIN_GUESSES
    if ratelimit.is_blocked(_guess_key(officer), limit=limit):
        raise CheckInError(_("Too many wrong codes. Wait a few minutes, then try again."))
    checkin = (
        CheckInCode.objects.filter(code=normalize_code(code))
        .select_related("session", "session__workshop")
        .first()
    )
    registration = None
    if checkin is not None:
        registration = Registration.objects.filter(
            workshop_id=checkin.session.workshop_id,
            officer=officer,
            state=Registration.State.CONFIRMED,
        ).first()
    if checkin is None or registration is None:
        ratelimit.hit(
            _guess_key(officer),
            limit=limit,
            window_seconds=settings.ATTENDANCE_CHECKIN_WINDOW_SECONDS,
        )
        if checkin is None:
            raise CheckInError(_("This check-in code is not valid. Check it and try again."))
        raise CheckInError(
            _("This code is for a workshop you are not confirmed for. Ask the trainer for help.")
        )
    session = checkin.session
    closure = lock_closure(session.workshop_id)
    if closure.is_closed:
        raise CheckInError(_("Attendance for this workshop is closed."))
    opens, closes = checkin_window(session, closure)
    if not opens <= now <= closes:
        starts = when.datetime(session.starts_at, session.workshop.tzinfo)
        if now < opens:
            raise CheckInError(
                _("This code is for the session starting %(when)s: check-in is not open yet.")
                % {"when": starts}
            )
        raise CheckInError(
            _("This code is for the session of %(when)s, which has ended.") % {"when": starts}
        )
    mark = AttendanceMark.objects.filter(registration=registration, session=session).first()
    if mark is not None and mark.status in ATTENDED_STATUSES:
        return mark
    apply_marks(
        session=session,
        statuses={registration.pk: arrival_status(session, now)},
        by=officer,
        source=MarkSource.CHECK_IN,
    )
    ratelimit.clear(_guess_key(officer))
    return AttendanceMark.objects.get(registration=registration, session=session)
