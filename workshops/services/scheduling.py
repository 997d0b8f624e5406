"""Scheduling workshops: create, edit, duplicate, publish, cancel, and their sessions.

Times are entered in the workshop's own zone (venue, or host zone for online workshops) and stored
in UTC. Every change of sessions, venue or status on a published or cancelled workshop enqueues
`invites.tasks.sync_workshop_invites` after commit, so calendars follow the database.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_audit
from trainingsite.errors import ServiceError
from workshops import signals
from workshops.models import ModuleRevision, Workshop, WorkshopModule, WorkshopSession

MAX_SESSION_LENGTH = dt.timedelta(hours=12)
MAX_WORKSHOP_SPAN = dt.timedelta(days=14)

# Fields a coordinator edits directly; everything else goes through a named service.
EDITABLE_FIELDS = (
    "title",
    "description",
    "region",
    "format",
    "language",
    "time_zone",
    "venue_name",
    "venue_address",
    "city",
    "country",
    "online_url",
    "online_details",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "cancellation_deadline",
    "requires_approval",
    "requires_nomination",
    "agency_seat_cap",
    "host_agency",
)
# A change of any of these reaches attendees' calendars.
INVITE_FIELDS = (
    "title",
    "time_zone",
    "venue_name",
    "venue_address",
    "city",
    "country",
    "online_url",
    "format",
)
INVITE_STATUSES = (Workshop.Status.PUBLISHED, Workshop.Status.CANCELLED)


class SchedulingError(ServiceError):
    """A scheduling rule refused the change; `field` names the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SessionInput:
    """One session as typed: a local date with local start and end times."""

    day: dt.date
    start: dt.time
    end: dt.time
    title: str = ""
    # Only for sessions running past local midnight (the form enters same-day sessions).
    end_day: dt.date | None = None


def local_to_utc(naive: dt.datetime, tz_name: str) -> dt.datetime:
    """Interpret a wall-clock time in `tz_name`; refuse times skipped by a clock change."""
    tz = zoneinfo.ZoneInfo(tz_name)
    aware = naive.replace(tzinfo=tz)
    utc = aware.astimezone(dt.UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != naive:
        raise SchedulingError(
            _("%(time)s does not exist in %(zone)s (the clocks change then).")
            % {"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": tz_name}
        )
    return utc


def _enqueue_invite_sync(workshop: Workshop) -> None:
    # The invites app listens and syncs the calendars after commit.
    if workshop.status in INVITE_STATUSES:
        signals.calendar_changed.send(sender=Workshop, workshop=workshop)


def _check_region(actor, region) -> None:
    if not (actor.is_program_admin or region.pk in actor.coordinated_region_ids):
        raise SchedulingError(
            _("You can only schedule workshops in your own regions."), field="region"
        )


def _check_windows(workshop: Workshop) -> None:
    """Registration window and cancellation deadline against the first session."""
    opens, closes = workshop.registration_opens_at, workshop.registration_closes_at
    if opens and closes and opens >= closes:
        raise SchedulingError(
            _("Registration must open before it closes."), field="registration_opens_at"
        )
    start = workshop.starts_at
    if start is None:
        return
    if closes and closes > start:
        raise SchedulingError(
            _("Registration must close before the workshop starts."),
            field="registration_closes_at",
        )
    if workshop.cancellation_deadline and workshop.cancellation_deadline > start:
        raise SchedulingError(
            _("The cancellation deadline must be before the workshop starts."),
            field="cancellation_deadline",
        )


def _check_capacity(workshop: Workshop) -> None:
    if workshop.pk is None:
        return
    taken = workshop.registrations.filter(state="confirmed").count()
    if workshop.capacity < taken:
        raise SchedulingError(
            _("Capacity cannot be below the %(taken)d seats already confirmed.") % {"taken": taken},
            field="capacity",
        )


def _spans(
    workshop: Workshop, sessions: Sequence[SessionInput]
) -> list[tuple[dt.datetime, dt.datetime]]:
    spans = []
    for s in sessions:
        start = local_to_utc(dt.datetime.combine(s.day, s.start), workshop.time_zone)
        end = local_to_utc(dt.datetime.combine(s.end_day or s.day, s.end), workshop.time_zone)
        if end <= start:
            raise SchedulingError(
                _("A session must end after it starts (%(day)s).") % {"day": s.day.isoformat()}
            )
        if end - start > MAX_SESSION_LENGTH:
            raise SchedulingError(
                _("A session may last at most 12 hours (%(day)s).") % {"day": s.day.isoformat()}
            )
        spans.append((start, end))
    spans.sort()
    if spans and spans[-1][1] - spans[0][0] > MAX_WORKSHOP_SPAN:
        raise SchedulingError(_("All sessions must fall within 14 days."))
    for (_s1, e1), (s2, _e2) in zip(spans, spans[1:], strict=False):
        if s2 < e1:
            raise SchedulingError(_("Two sessions of this workshop overlap."))
    return spans


def _check_trainers(workshop: Workshop, trainers: Iterable, spans) -> None:
    """No trainer teaches two overlapping sessions (cancelled workshops do not count)."""
    trainer_ids = [t.pk for t in trainers]
    if not trainer_ids or not spans:
        return
    for start, end in spans:
        clash = (
            WorkshopSession.objects.filter(
                workshop__trainers__in=trainer_ids, starts_at__lt=end, ends_at__gt=start
            )
            .exclude(workshop__status=Workshop.Status.CANCELLED)
            .exclude(workshop_id=workshop.pk)
            .select_related("workshop")
            .first()
        )
        if clash:
            busy = clash.workshop.trainers.filter(pk__in=trainer_ids).first()
            raise SchedulingError(
                _("%(trainer)s already teaches “%(other)s” at that time.")
                % {"trainer": busy, "other": clash.workshop.title},
                field="trainers",
            )


def _apply(workshop: Workshop, details: dict[str, Any]) -> set[str]:
    changed = set()
    for name in EDITABLE_FIELDS:
        if name not in details:
            continue
        field = Workshop._meta.get_field(name)
        assert isinstance(field, Field)  # (details name the workshop's own columns)
        value = details[name]
        comparable = value.pk if field.is_relation and value is not None else value
        if getattr(workshop, field.attname) != comparable:
            setattr(workshop, name, value)
            changed.add(name)
    return changed


def _save_all(*, workshop, trainers, revisions, sessions) -> bool:
    """Validate then write trainers, modules and sessions; True when the sessions changed."""
    if trainers is None:
        trainers = list(workshop.trainers.all()) if workshop.pk else []
    sessions_changed = sessions is not None
    if sessions is None:
        spans = [(s.starts_at, s.ends_at) for s in workshop.sessions.all()] if workshop.pk else []
    else:
        spans = _spans(workshop, sessions)
        old = (
            [(s.starts_at, s.ends_at, s.title) for s in workshop.sessions.all()]
            if workshop.pk
            else []
        )
        sessions_changed = old != [
            (a, b, s.title)
            for (a, b), s in zip(
                spans, sorted(sessions, key=lambda s: (s.day, s.start)), strict=True
            )
        ]
    workshop.starts_at = spans[0][0] if spans else None
    workshop.ends_at = spans[-1][1] if spans else None
    _check_windows(workshop)
    _check_capacity(workshop)
    _check_trainers(workshop, trainers, spans)
    workshop.save()
    workshop.trainers.set(trainers)
    if revisions is not None:
        _set_modules(workshop, revisions)
    if sessions is not None and sessions_changed:
        ordered = sorted(sessions, key=lambda s: (s.day, s.start))
        _write_sessions(
            workshop, [(a, b, s.title) for (a, b), s in zip(spans, ordered, strict=True)]
        )
    return sessions_changed


def _match_sessions(
    rows: list[WorkshopSession], wanted: list[tuple[dt.datetime, dt.datetime, str]]
) -> tuple[list[tuple[WorkshopSession, tuple]], list[tuple], list[WorkshopSession]]:
    """Pair existing rows with the new (start, end, title) list, both in start order: a row
    whose times are unchanged keeps them; the others take the remaining times in order.
    Returns (pairs, times without a row, rows without times)."""
    free = list(rows)
    pairs: list[tuple[WorkshopSession, tuple]] = []
    rest: list[tuple] = []
    for item in wanted:
        same = next((r for r in free if (r.starts_at, r.ends_at) == item[:2]), None)
        if same is None:
            rest.append(item)
        else:
            free.remove(same)
            pairs.append((same, item))
    moved = min(len(free), len(rest))
    pairs += zip(free[:moved], rest[:moved], strict=True)
    return pairs, rest[moved:], free[moved:]


def _write_sessions(workshop: Workshop, wanted: list[tuple[dt.datetime, dt.datetime, str]]) -> None:
    """Update session rows in place, create only the extra ones, delete only the surplus.

    A session keeps its row (its id) when it moves, so what hangs on it follows: calendars get
    one updated REQUEST with the same UID and SEQUENCE + 1 (InviteDelivery is per session id),
    not a CANCEL plus a new event, and only a removed session is cancelled. Attendance marks,
    their history and the check-in code also stay with the session (the code's window follows
    the new times). Recorded attendance is never dropped or carried to another time slot: a
    session with marks may have its times corrected (new times overlapping the old ones) but
    not be removed or moved elsewhere; such a change is refused.
    """
    # Locked (a mark's insert holds a key-share lock on its session): a mark committed first is
    # seen below; one inserted later waits for this commit (and fails if its session is gone).
    rows = list(workshop.sessions.select_for_update())
    pairs, extra, surplus = _match_sessions(rows, wanted)
    marked = set(
        WorkshopSession.objects.filter(
            pk__in=[r.pk for r in rows], attendance_marks__isnull=False
        ).values_list("pk", flat=True)
    )
    lost = [r for r in surplus if r.pk in marked] + [
        r
        for r, (start, end, _title) in pairs
        if r.pk in marked and not (start < r.ends_at and r.starts_at < end)
    ]
    if lost:
        day = min(lost, key=lambda r: r.starts_at).starts_at.astimezone(workshop.tzinfo).date()
        raise SchedulingError(
            _(
                "Attendance has been recorded for the session of %(day)s: its times can be "
                "corrected, but it cannot be removed or moved to another time."
            )
            % {"day": day.isoformat()}
        )
    changed = []
    for row, (start, end, title) in pairs:
        if (row.starts_at, row.ends_at, row.title) != (start, end, title):
            row.starts_at, row.ends_at, row.title = start, end, title
            changed.append(row)
    if surplus:
        # Their InviteDelivery rows keep session_ref, so the sync cancels exactly these.
        WorkshopSession.objects.filter(pk__in=[r.pk for r in surplus]).delete()
    WorkshopSession.objects.bulk_update(changed, ["starts_at", "ends_at", "title"])
    WorkshopSession.objects.bulk_create(
        WorkshopSession(workshop=workshop, title=title, starts_at=start, ends_at=end)
        for start, end, title in extra
    )


def _set_modules(workshop: Workshop, revisions: Sequence[ModuleRevision]) -> None:
    seen: set[int] = set()
    modules: set[int] = set()
    for rev in revisions:
        if rev.module_id in modules:
            raise SchedulingError(
                _("Each module can be taught only once per workshop."), field="modules"
            )
        seen.add(rev.pk)
        modules.add(rev.module_id)
    workshop.workshop_modules.all().delete()
    WorkshopModule.objects.bulk_create(
        WorkshopModule(workshop=workshop, revision=rev, position=i)
        for i, rev in enumerate(revisions)
    )


def _staffing(workshop: Workshop) -> dict[str, list[int]]:
    """Trainers and taught revisions, compared before and after an edit for the audit log."""
    return {
        "trainers": sorted(workshop.trainers.values_list("pk", flat=True)),
        "modules": list(
            workshop.workshop_modules.order_by("position").values_list("revision_id", flat=True)
        ),
    }


@transaction.atomic
def create_workshop(
    *,
    actor,
    details: dict[str, Any],
    sessions: Sequence[SessionInput],
    revisions: Sequence[ModuleRevision] = (),
    trainers: Sequence = (),
) -> Workshop:
    """A new draft workshop in one of the actor's regions."""
    _check_region(actor, details["region"])
    workshop = Workshop(created_by=actor, status=Workshop.Status.DRAFT)
    _apply(workshop, details)
    _save_all(
        workshop=workshop,
        trainers=list(trainers),
        revisions=list(revisions),
        sessions=list(sessions),
    )
    record_audit(
        actor=actor,
        action="workshop.created",
        summary=f"Workshop #{workshop.pk} created as a draft",
        target=workshop,
    )
    return workshop


@transaction.atomic
def update_workshop(
    *,
    actor,
    workshop: Workshop,
    details: dict[str, Any],
    sessions: Sequence[SessionInput] | None = None,
    revisions: Sequence[ModuleRevision] | None = None,
    trainers: Sequence | None = None,
) -> Workshop:
    """Edit a workshop; the row is locked so seat counts and capacity are checked together."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _check_region(actor, workshop.region)
    if workshop.status in (Workshop.Status.CANCELLED, Workshop.Status.COMPLETED):
        raise SchedulingError(_("A cancelled or completed workshop can no longer be edited."))
    if "region" in details:
        _check_region(actor, details["region"])
    changed = _apply(workshop, details)
    staffing_before = _staffing(workshop)
    sessions_changed = _save_all(
        workshop=workshop,
        trainers=list(trainers) if trainers is not None else None,
        revisions=list(revisions) if revisions is not None else None,
        sessions=list(sessions) if sessions is not None else None,
    )
    edited = sorted(changed | ({"sessions"} if sessions_changed else set()))
    edited += [name for name, ids in _staffing(workshop).items() if ids != staffing_before[name]]
    if edited:
        record_audit(
            actor=actor,
            action="workshop.updated",
            summary=f"Workshop #{workshop.pk} edited: {', '.join(edited)}",
            target=workshop,
            fields=edited,
        )
    if sessions_changed:
        # An app above may refuse (SchedulingError): registrations, when the new times would
        # double-book an officer confirmed here.
        signals.sessions_moved.send(sender=Workshop, workshop=workshop)
    if sessions_changed or changed & set(INVITE_FIELDS):
        _enqueue_invite_sync(workshop)
    if {"capacity", "agency_seat_cap"} & changed and workshop.status == Workshop.Status.PUBLISHED:
        # More seats (or a looser agency cap) go to the waitlist at once, first come first served
        # (the registrations app listens).
        signals.seats_added.send(sender=Workshop, workshop=workshop, actor=actor)
    return workshop


@transaction.atomic
def set_sessions(*, actor, workshop: Workshop, sessions: Sequence[SessionInput]) -> Workshop:
    """Replace a workshop's sessions (entered in its zone); existing sessions are moved in
    place (see `_write_sessions`)."""
    return update_workshop(actor=actor, workshop=workshop, details={}, sessions=sessions)


@transaction.atomic
def duplicate_workshop(
    *,
    actor,
    workshop: Workshop,
    shift_weeks: int | None = None,
    new_start: dt.date | None = None,
) -> Workshop:
    """A draft copy with every session moved by whole weeks or to a new first day. Wall-clock
    times are kept in the workshop's zone, so a 09:00 session stays 09:00 across DST."""
    _check_region(actor, workshop.region)
    tz = workshop.tzinfo
    old_sessions = list(workshop.sessions.all())
    if not old_sessions:
        raise SchedulingError(_("Only a workshop with sessions can be duplicated."))
    first_day = old_sessions[0].starts_at.astimezone(tz).date()
    if new_start is not None:
        delta = new_start - first_day
    elif shift_weeks:
        delta = dt.timedelta(weeks=shift_weeks)
    else:
        raise SchedulingError(_("Give a number of weeks or a new start date."))

    def shift_local(value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        return local_to_utc(value.astimezone(tz).replace(tzinfo=None) + delta, workshop.time_zone)

    sessions = []
    for s in old_sessions:
        start, end = s.starts_at.astimezone(tz), s.ends_at.astimezone(tz)
        sessions.append(
            SessionInput(
                day=start.date() + delta,
                start=start.time(),
                end=end.time(),
                end_day=end.date() + delta,
                title=s.title,
            )
        )
    details = {name: getattr(workshop, name) for name in EDITABLE_FIELDS}
    details["registration_opens_at"] = shift_local(workshop.registration_opens_at)
    details["registration_closes_at"] = shift_local(workshop.registration_closes_at)
    details["cancellation_deadline"] = shift_local(workshop.cancellation_deadline)
    return create_workshop(
        actor=actor,
        details=details,
        sessions=sessions,
        revisions=[wm.revision for wm in workshop.workshop_modules.select_related("revision")],
        trainers=list(workshop.trainers.all()),
    )


@transaction.atomic
def publish_workshop(*, actor, workshop: Workshop) -> Workshop:
    """Make a draft visible in the catalog once it has sessions, modules and seats."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _check_region(actor, workshop.region)
    if workshop.status != Workshop.Status.DRAFT:
        raise SchedulingError(_("Only a draft can be published."))
    missing = []
    if not workshop.sessions.exists():
        missing.append(_("at least one session"))
    if not workshop.workshop_modules.exists():
        missing.append(_("at least one module"))
    if not workshop.capacity:
        missing.append(_("a capacity"))
    if missing:
        raise SchedulingError(
            _("Before publishing, add %(missing)s.")
            % {"missing": ", ".join(str(m) for m in missing)}
        )
    if workshop.ends_at and workshop.ends_at < timezone.now():
        raise SchedulingError(_("A workshop in the past cannot be published."))
    workshop.status = Workshop.Status.PUBLISHED
    workshop.save(update_fields=["status", "updated_at"])
    record_audit(
        actor=actor,
        action="workshop.published",
        summary=f"Workshop #{workshop.pk} published",
        target=workshop,
    )
    _enqueue_invite_sync(workshop)
    return workshop


@transaction.atomic
def cancel_workshop(*, actor, workshop: Workshop, reason: str) -> Workshop:
    """Cancel with a reason: every registration is cancelled (each officer is e-mailed) and the
    invite sync sends calendar cancellations."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _check_region(actor, workshop.region)
    if workshop.status not in (Workshop.Status.DRAFT, Workshop.Status.PUBLISHED):
        raise SchedulingError(_("This workshop can no longer be cancelled."))
    if not reason.strip():
        raise SchedulingError(_("Give a reason; registrants will read it."), field="reason")
    was_published = workshop.status == Workshop.Status.PUBLISHED
    workshop.status = Workshop.Status.CANCELLED
    workshop.cancel_reason = reason.strip()
    workshop.save(update_fields=["status", "cancel_reason", "updated_at"])
    record_audit(
        actor=actor,
        action="workshop.cancelled",
        summary=f"Workshop #{workshop.pk} cancelled",
        target=workshop,
        reason=workshop.cancel_reason[:500],
    )
    # Every registrant is told (their registration e-mail) in the same transaction: the
    # registrations app listens and cancels each registration.
    signals.workshop_cancelled.send(
        sender=Workshop, workshop=workshop, actor=actor, reason=workshop.cancel_reason
    )
    if was_published:
        _enqueue_invite_sync(workshop)
    return workshop
