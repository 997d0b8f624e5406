"""Writes for workshop registrations: register, nominate, approve, waitlist, cancel.

Locking rule: every write that changes a registration's state first locks the workshop row
(`_lock_workshop`), then reads or writes its registrations. Seat counts are therefore read and
acted on by one transaction at a time per workshop, so concurrent requests can neither oversell
nor promote two officers into one freed seat. Every confirmation that checks clashes then takes
the officer's advisory lock (`locking`, with the lock order), so one officer cannot pass two
clash checks at once: two registrations, or a registration and a promotion or approval
elsewhere. What creates a seat (a registration, a walk-in) first locks the officer's account
row, which the erasure and vetting services lock before anything else (`seats`): an erasure or
suspension committed first is seen and refuses the seat; one that comes later waits for the
seat to be committed, and an erasure then cancels it. No lock is waited for longer than
`locking.LOCK_TIMEOUT`: past it the request is refused as busy (a RegistrationError).

Every way to a seat goes through here: an officer registers, a focal point endorses, an
officer accepts their agency's nomination, a coordinator approves, the waitlist moves up, or the
trainer adds a walk-in on the day. Each asks the same questions: may this officer take a seat
(`seat_refusal`, their program access), does this workshop give seats now (`_check_seats_move`),
is a seat free for them (`seats.free_seats`: seats held for an agency are its nominees' only),
and are they confirmed for a clashing workshop (`find_clash`). An officer who loses access
keeps a seat already confirmed (vetting expiring or an agency's access withdrawn is a date or a
status read on each request, and often mended); what they wait for (a nomination, an approval,
the waitlist) waits with them: the waitlist passes them over, keeping their place, and moves up
when their access returns (`fill_seats_waited_by`). A suspension or a rejection is a decision:
it withdraws every registration (`withdraw_registrations`, from the vetting service).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attendees.models import User
from attendees.models.access import AccessState
from attendees.services import queue_work_renders
from audit.services import record_audit
from outbox.services import queue_render
from registrations.models import Registration, RegistrationEvent
from registrations.signals import registration_changed, registration_requested, seat_changed
from trainingsite import when
from workshops.models import Workshop

from .seats import (
    RegistrationError,
    SeatPool,
    find_clash,
    free_seats,
    lock_accounts,
    lock_and_read_seats,
    lock_workshop,
    takes_seat,
)

State = Registration.State


class WorkshopNotFound(RegistrationError):
    """No such workshop, or one the officer may not see: the view answers 404."""


@dataclass
class BulkResult:
    done: list[Registration] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


# --- helpers -------------------------------------------------------------------------------


def _lock_workshop(workshop_id: int) -> Workshop:
    workshop = lock_workshop(workshop_id)
    if workshop is None:
        raise RegistrationError(_("This workshop does not exist."))
    return workshop


def _transition(
    registration: Registration,
    *,
    to: str,
    actor: User | None,
    reason: str = "",
    extra_fields: Iterable[str] = (),
    notify: bool = True,
) -> RegistrationEvent:
    """Move a registration to `to`, record the event and queue the officer's e-mail about it;
    a seat taken or given up also brings their calendar in line (after commit).
    `notify=False`: the officer is told otherwise (in person), so no e-mail is sent."""
    from_state = registration.state
    now = timezone.now()
    registration.state = to
    fields = {"state", "updated_at", *extra_fields}
    if to == State.CONFIRMED:
        registration.confirmed_at = now
        fields.add("confirmed_at")
    if to == State.WAITLISTED and from_state != State.WAITLISTED:
        registration.waitlisted_at = now
        fields.add("waitlisted_at")
    event = RegistrationEvent(
        actor=actor, from_state=from_state or "", to_state=to, reason=reason.strip(), created_at=now
    )
    registration.save(update_fields=None if registration.pk is None else sorted(fields))
    event.registration = registration
    event.save()
    if notify:
        # Rendered when sent: this runs under the workshop's lock while every other
        # registration for it waits.
        queue_render(
            render="registrations.mails.registration_event_mail",
            args=[event.pk],
            to=registration.officer.email,
            kind="registration",
            recipient=registration.officer,
            workshop=registration.workshop,
        )
    if to in (State.PENDING, State.NOMINATION):
        _queue_waiting_mails(event, registration, actor=actor)
    if State.CONFIRMED in (from_state, to):
        # The invites app listens and brings the officer's calendar in line after commit.
        seat_changed.send(sender=Registration, registration=registration)
    registration_changed.send(sender=Registration, event=event)
    return event


def _queue_waiting_mails(
    event: RegistrationEvent, registration: Registration, *, actor: User | None
) -> None:
    """Tell whoever the registration now waits for (who may act on it: `managed_by`,
    `nominations_for`): the region's coordinators for an approval, the officer's agency's focal
    points for an endorsement. Rendered when sent, as the officer's mail."""
    if event.to_state == State.PENDING:
        candidates = User.objects.coordinating(registration.workshop.region_id)
    else:
        candidates = User.objects.focal_points().filter(agency_id=registration.officer.agency_id)
    queue_work_renders(
        candidates=candidates.exclude(pk=registration.officer_id),
        render="registrations.mails.registration_waiting_mail",
        args=[event.pk],
        kind="work",
        actor=actor,
        workshop=registration.workshop,
    )


def _seat_for(workshop: Workshop, reg: Registration) -> bool:
    """Whether `reg` can take a seat now (the seat rule, `seats.free_seats`, and the agency's
    cap; the caller holds the workshop lock)."""
    pool = SeatPool.read(workshop)
    return pool.takes_seat(reg.officer.agency_id, endorsed=reg.endorsed_by_id is not None)


def _clash_message(other: Workshop) -> str:
    days = when.date_range(other.starts_at, other.ends_at, other.time_zone)
    return _(
        "This workshop clashes with “%(title)s” (%(when)s), for which you are confirmed. "
        "Cancel that registration first if you want to attend this one."
    ) % {"title": other.title, "when": days}


def seat_refusal(officer: User) -> str | None:
    """Why `officer` may not be given a seat now, said to the staff member acting, or None if
    they may: an agency officer with program access (`attendees.models.access`: vetted, vetting
    current, not suspended, agency and e-mail domain active). Every way to a seat asks this;
    the officer's own registration and a walk-in say it their own way."""
    if officer.agency_id is None:
        return _("%(name)s is not an agency officer: only officers take seats.") % {"name": officer}
    refusals = {
        AccessState.UNCONFIRMED: _(
            "%(name)s has not confirmed their e-mail address: they cannot be given a seat."
        ),
        AccessState.PENDING: _(
            "%(name)s is still waiting to be vetted: they cannot be given a seat before that."
        ),
        AccessState.EXPIRED: _(
            "%(name)s's vetting has expired: they cannot be given a seat until they re-confirm "
            "their agency e-mail."
        ),
        AccessState.AGENCY_REVOKED: _(
            "%(name)s's agency has no access to the program at the moment: its officers cannot "
            "be given seats."
        ),
        AccessState.REJECTED: _("%(name)s was not approved for the program: no seat for them."),
        AccessState.SUSPENDED: _("%(name)s's account is suspended: they cannot be given a seat."),
    }
    refusal = refusals.get(officer.access_state)
    return None if refusal is None else refusal % {"name": officer}


def _check_published(workshop: Workshop) -> None:
    if workshop.status == Workshop.Status.CANCELLED:
        raise RegistrationError(_("This workshop has been cancelled."))
    if workshop.status != Workshop.Status.PUBLISHED:
        raise RegistrationError(_("This workshop is not open for registration."))


def _check_seats_move(workshop: Workshop, now) -> None:
    """Whether the workshop gives seats now: published and not started. The registration
    window is the officers' own: approvals, endorsements and the waitlist go on after it
    closed, up to the start (coordinators decide on what came in)."""
    _check_published(workshop)
    if workshop.starts_at and workshop.starts_at <= now:
        raise RegistrationError(_("This workshop has already started."))


def _check_open(workshop: Workshop, now) -> None:
    _check_seats_move(workshop, now)
    if now < workshop.registration_opens_at:
        raise RegistrationError(
            _("Registration opens on %(when)s.")
            % {"when": when.datetime(workshop.registration_opens_at)}
        )
    if now > workshop.registration_closes_at:
        raise RegistrationError(_("Registration for this workshop has closed."))


def _promote(workshop: Workshop, *, actor: User | None) -> list[Registration]:
    """Fill free seats from the waitlist, first come first served, skipping officers who
    cannot use the free seats (their agency is at its cap, or the free seats are held for
    another agency, or for their own and they were not endorsed by it), who have no program
    access now, or who are confirmed for a clashing workshop: each keeps their place. Caller
    holds the workshop lock."""
    try:
        _check_seats_move(workshop, timezone.now())
    except RegistrationError:
        return []
    pool = SeatPool.read(workshop)
    promoted = []
    waitlist = Registration.objects.filter(workshop=workshop).waitlist().select_related("officer")
    for reg in waitlist:
        if pool.confirmed >= workshop.capacity:
            break
        agency_id = reg.officer.agency_id
        endorsed = reg.endorsed_by_id is not None
        if not pool.takes_seat(agency_id, endorsed=endorsed):
            continue
        if seat_refusal(reg.officer) is not None:
            continue
        if find_clash(officer_id=reg.officer_id, workshop=workshop, lock=True):
            continue
        _transition(
            reg,
            to=State.CONFIRMED,
            actor=actor,
            reason=_("A seat became free and you were next on the waitlist."),
        )
        pool.seat(agency_id, endorsed=endorsed)
        promoted.append(reg)
    return promoted


def _seat_or_waitlist(reg: Registration, workshop: Workshop, *, by: User, message: str) -> None:
    target = State.CONFIRMED if _seat_for(workshop, reg) else State.WAITLISTED
    _transition(reg, to=target, actor=by, reason=message)


# A cancelled row taken up again (the one row per officer and workshop) starts afresh.
RESET_FIELDS = (
    "endorsed_by",
    "endorsed_at",
    "nominated_by",
    "nominated_at",
    "waitlisted_at",
    "confirmed_at",
    "created_at",
)


# --- officer actions -----------------------------------------------------------------------


@transaction.atomic
def register(*, workshop_id: int, officer: User) -> Registration:
    """Register `officer` for a workshop: nomination, pending, confirmed or waitlisted.

    Refuses (RegistrationError) unverified users, closed or unpublished workshops, a second
    active registration, a clash with another confirmed workshop, and whatever the apps above
    refuse (`registration_requested`: prerequisites not completed); WorkshopNotFound for a
    workshop the officer cannot see. A waitlisted registration comes back with its
    `waitlist_position`.

    Everything is read under the workshop's lock (`seats`): no read before it, as when
    registration opens every request is waiting for that lock anyway.
    """
    if seat_refusal(officer) is not None:
        raise RegistrationError(_("Only verified agency officers can register for workshops."))
    locked = lock_and_read_seats(workshop_id, officer)
    now = timezone.now()
    if locked is None:
        # Not published (or no such id), so nothing was locked. Published workshops are
        # visible to everyone with program access, others only as `visible_to` says: out of
        # scope is "not found" (the id reveals nothing), in scope gets the reason.
        try:
            shown = Workshop.objects.visible_to(officer).filter(pk=workshop_id).first()
        except (ValueError, TypeError):
            shown = None
        if shown is None:
            raise WorkshopNotFound(_("This workshop does not exist."))
        _check_open(shown, now)
        raise RegistrationError(_("This workshop is not open for registration."))
    workshop, seats = locked
    if not seats.account_ok:
        # Erased, suspended or deactivated while this request waited (read under its lock).
        raise RegistrationError(_("Only verified agency officers can register for workshops."))
    _check_open(workshop, now)
    own = seats.own
    if own is not None:
        if own.state in Registration.ACTIVE_STATES:
            raise RegistrationError(
                _("You are already registered for this workshop (%(state)s).")
                % {"state": State(own.state).label}
            )
        if own.state in (State.DECLINED, State.REMOVED):
            raise RegistrationError(
                _(
                    "Your registration for this workshop was declined or removed; contact the "
                    "program coordinators if you think this is a mistake."
                )
            )
    clash = find_clash(officer_id=officer.pk, workshop=workshop)
    if clash is not None:
        raise RegistrationError(_clash_message(clash))
    # The apps above refuse here (prerequisites): a RegistrationError for the officer.
    registration_requested.send(sender=Registration, officer=officer, workshop=workshop, by=officer)

    extra: tuple[str, ...]
    if own is not None:
        # Re-registering after a cancellation reuses the one row (the unique constraint).
        reg = Registration(pk=own.pk, workshop=workshop, officer=officer, state=own.state)
        reg.created_at = now
        extra = RESET_FIELDS
    else:
        reg = Registration(workshop=workshop, officer=officer, state="", created_at=now)
        extra = ()

    # The officer's own request: never endorsed, so never in a seat held for an agency.
    has_seat = takes_seat(
        workshop,
        confirmed=seats.confirmed,
        agency_confirmed=seats.agency_confirmed,
        reserved=seats.reserved,
        agency_id=officer.agency_id,
        endorsed=False,
    )
    if workshop.requires_nomination:
        target = State.NOMINATION
    elif workshop.requires_approval:
        target = State.PENDING
    elif has_seat:
        target = State.CONFIRMED
    else:
        target = State.WAITLISTED
    _transition(reg, to=target, actor=officer, extra_fields=extra)
    if target == State.WAITLISTED:
        # Every waitlisted row joined before this one (under this lock), so it is last.
        reg.waitlist_position = seats.waitlisted + 1
    return reg


# --- walk-ins: a trainer seats an officer who turned up ------------------------------------


@dataclass(frozen=True)
class AdmittedWalkIn:
    registration: Registration
    # Seated beyond the capacity or the agency's cap: a coordinator of the region's call.
    over_capacity: bool


def _no_such_officer() -> str:
    return _("No verified officer with program access has this e-mail address.")


def _check_walk_in_status(workshop: Workshop) -> None:
    """Refusal for a workshop that is not published (these are never locked)."""
    if workshop.status == Workshop.Status.DRAFT:
        raise RegistrationError(_("This workshop is a draft: walk-ins join published workshops."))
    if workshop.status == Workshop.Status.COMPLETED:
        raise RegistrationError(_("This workshop is completed and closed: it takes no walk-ins."))
    _check_published(workshop)


def _check_walk_in_day(workshop: Workshop, now) -> None:
    """A walk-in joins on a day, in the workshop's zone, on which one of its sessions runs, up to
    the end of that day's last session: at the door before the first session, during the day,
    never on a day before the workshop, between its days, or after it ended. The registration
    window does not apply. Caller holds the workshop lock (sessions change under it)."""
    spans = list(workshop.sessions.values_list("starts_at", "ends_at"))
    if not spans and workshop.starts_at and workshop.ends_at:
        spans = [(workshop.starts_at, workshop.ends_at)]
    if not spans:
        raise RegistrationError(_("This workshop has no sessions."))
    if now >= max(end for _start, end in spans):
        raise RegistrationError(_("This workshop has ended: walk-ins join while it runs."))
    tz = workshop.tzinfo
    today = now.astimezone(tz).date()
    ends = [
        end
        for start, end in spans
        if start.astimezone(tz).date() <= today <= end.astimezone(tz).date()
    ]
    if not ends or now >= max(ends):
        raise RegistrationError(
            _(
                "Walk-ins join on a day of the workshop (%(zone)s time), until that day's last "
                "session ends."
            )
            % {"zone": workshop.time_zone}
        )


def _check_walk_in_registration(workshop: Workshop, officer: User, state: str | None) -> None:
    """What the officer's own registration allows. A decision already taken (declined,
    removed) stands. A nomination is the agency's: without its focal point's endorsement there
    is no walk-in. An approval still pending is given by the walk-in itself (the trainer's act,
    in the history and the audit log), as for any officer who turns up."""
    name = {"name": officer}
    if state == State.CONFIRMED:
        raise RegistrationError(_("This officer is already on the confirmed roster."))
    if state in (State.DECLINED, State.REMOVED):
        raise RegistrationError(
            _(
                "%(name)s's registration for this workshop was declined or removed: a walk-in "
                "does not overrule that decision."
            )
            % name
        )
    if state == State.NOMINATION or (
        workshop.requires_nomination and state not in (State.PENDING, State.WAITLISTED)
    ):
        raise RegistrationError(
            _(
                "This workshop needs a nomination by the officer's agency, and %(name)s has no "
                "endorsement from its focal point: a walk-in does not replace it."
            )
            % name
        )


@transaction.atomic
def admit_walk_in(*, workshop_id: int, email: str, by: User, reason: str) -> AdmittedWalkIn:
    """Confirm a verified officer who turned up at a workshop `by` runs (teaches, or
    coordinates its region), under the rules of every other way to a seat: a published
    workshop, the officer's program access, no decision against them, no clash, the capacity
    and the agency's cap. What differs: it is done on the day (`_check_walk_in_day`) rather
    than in the registration window, the trainer's act approves it, only a coordinator of the
    region may seat it beyond the capacity or the agency's cap, and the officer, who is in the
    room, gets no e-mail (the history says who added them and why)."""
    reason = reason.strip()
    if not reason:
        raise RegistrationError(_("Give a reason for the walk-in: it is kept in the history."))
    if not Workshop.objects.run_by(by).filter(pk=workshop_id).exists():
        raise RegistrationError(_("You do not run this workshop."))
    officer = (
        User.objects.officers().filter(email__iexact=email.strip()).select_related("agency").first()
    )
    # Not the reason (`seat_refusal`): a trainer learns nothing of an account's vetting.
    if officer is None or seat_refusal(officer) is not None:
        raise RegistrationError(_no_such_officer())
    if officer.pk == by.pk:
        # A walk-in approves the seat: nobody approves their own.
        raise RegistrationError(
            _("You cannot add yourself as a walk-in: another trainer or a coordinator does.")
        )
    coordinator = Workshop.objects.editable_by(by).filter(pk=workshop_id).exists()

    locked = lock_and_read_seats(workshop_id, officer)
    if locked is None:
        # Not published, so not locked: the reason is read as it is.
        shown = Workshop.objects.filter(pk=workshop_id).first()
        if shown is not None:
            _check_walk_in_status(shown)
        raise RegistrationError(_("This workshop is not open for registration."))
    workshop, seats = locked
    if not seats.account_ok:
        # Erased, suspended or deactivated while this waited (read under the account's lock).
        raise RegistrationError(_no_such_officer())
    now = timezone.now()
    _check_walk_in_day(workshop, now)
    _check_walk_in_registration(workshop, officer, seats.own.state if seats.own else None)
    clash = find_clash(officer_id=officer.pk, workshop=workshop)
    if clash is not None:
        raise RegistrationError(
            _("%(name)s is confirmed for the clashing workshop “%(title)s”.")
            % {"name": officer, "title": clash.title}
        )
    registration_requested.send(sender=Registration, officer=officer, workshop=workshop, by=by)
    # Seats held for another agency are not free (nor the officer's agency's, unless it
    # endorsed them): taking one is a coordinator's call, as beyond the capacity.
    full = (
        free_seats(
            capacity=workshop.capacity,
            confirmed=seats.confirmed,
            reserved=seats.reserved,
            agency_id=officer.agency_id,
            endorsed=seats.own is not None and seats.own.endorsed,
        )
        <= 0
    )
    cap = workshop.agency_seat_cap
    capped = cap is not None and seats.agency_confirmed >= cap
    if full and not coordinator:
        raise RegistrationError(
            _("The workshop is full: only a coordinator of the region can add a walk-in.")
        )
    if capped and not coordinator:
        raise RegistrationError(
            _(
                "%(agency)s already has its %(cap)d seats on this workshop: only a coordinator "
                "of the region can add a walk-in beyond the agency's cap."
            )
            % {"agency": officer.agency.name, "cap": cap}
        )
    if full:
        label = _("Walk-in (over capacity)")
    elif capped:
        label = _("Walk-in (over the agency's cap)")
    else:
        label = _("Walk-in")

    if seats.own is not None:
        reg = Registration.objects.select_related("officer").get(pk=seats.own.pk)
    else:
        reg = Registration(workshop=workshop, officer=officer, state="", created_at=now)
    _transition(reg, to=State.CONFIRMED, actor=by, reason=f"{label}: {reason}", notify=False)
    _audit_registration(reg, by=by, verb="walk_in", message=reason)
    return AdmittedWalkIn(registration=reg, over_capacity=full or capped)


def _lock_own(registration_id: int, officer: User) -> tuple[Registration, Workshop]:
    """The officer's own registration, re-read under its workshop's lock; anyone else's does
    not exist for them."""
    reg = Registration.objects.of_officer(officer).filter(pk=registration_id).first()
    if reg is None:
        raise RegistrationError(_("This registration does not exist."))
    workshop = _lock_workshop(reg.workshop_id)
    reg = Registration.objects.select_related("officer").get(pk=reg.pk)
    if not reg.is_active:
        raise RegistrationError(_("This registration is not active any more."))
    return reg, workshop


def _give_up(reg: Registration, workshop: Workshop, *, officer: User, reason: str) -> None:
    """The officer's own move to cancelled: history, e-mail and calendar (`_transition`); a
    freed seat goes to the waitlist."""
    was_confirmed = reg.state == State.CONFIRMED
    _transition(reg, to=State.CANCELLED, actor=officer, reason=reason)
    if was_confirmed:
        _promote(workshop, actor=None)


def _check_not_started(workshop: Workshop) -> None:
    if workshop.starts_at and timezone.now() >= workshop.starts_at:
        raise RegistrationError(_("This workshop has already started."))


@transaction.atomic
def cancel_registration(*, registration_id: int, officer: User) -> Registration:
    """The officer withdraws, up to the cancellation deadline (or the start if none is set);
    a freed seat goes to the waitlist."""
    reg, workshop = _lock_own(registration_id, officer)
    if reg.state == State.OFFERED:
        # Declining is the answer: it is audited and the focal point is told.
        raise RegistrationError(
            _("Your agency nominated you: accept or decline the nomination instead.")
        )
    deadline = workshop.cancellation_deadline or workshop.starts_at
    if deadline and timezone.now() > deadline:
        raise RegistrationError(
            _(
                "The cancellation deadline has passed. Contact the program coordinators "
                "if you can no longer attend."
            )
        )
    _give_up(reg, workshop, officer=officer, reason=_("Cancelled by the officer."))
    return reg


@transaction.atomic
def withdraw_request(*, registration_id: int, officer: User) -> Registration:
    """The officer withdraws a request still waiting for a decision (an endorsement or an
    approval), up to the start: it holds no seat, so the cancellation deadline, which protects
    the seat plan, does not apply."""
    reg, workshop = _lock_own(registration_id, officer)
    if reg.state not in (State.PENDING, State.NOMINATION):
        raise RegistrationError(
            _("This request is no longer waiting for a decision: it is now “%(state)s”.")
            % {"state": reg.get_state_display()}
        )
    _check_not_started(workshop)
    _give_up(reg, workshop, officer=officer, reason=_("Request withdrawn by the officer."))
    return reg


@transaction.atomic
def leave_waitlist(*, registration_id: int, officer: User) -> Registration:
    """The officer leaves the waitlist, up to the start (a place on it holds no seat, so the
    cancellation deadline does not apply); the officers behind move up one place."""
    reg, workshop = _lock_own(registration_id, officer)
    if reg.state != State.WAITLISTED:
        raise RegistrationError(
            _("You are no longer on the waitlist: your registration is now “%(state)s”.")
            % {"state": reg.get_state_display()}
        )
    _check_not_started(workshop)
    _give_up(reg, workshop, officer=officer, reason=_("Left the waitlist."))
    return reg


# --- focal point: nominations --------------------------------------------------------------


def _lock_nomination(registration_id: int, by: User) -> tuple[Registration, Workshop]:
    reg = Registration.objects.nominations_for(by).filter(pk=registration_id).first()
    if reg is None or not by.has_program_access:
        raise RegistrationError(_("You cannot act on this nomination."))
    workshop = _lock_workshop(reg.workshop_id)
    reg = Registration.objects.select_related("officer").get(pk=reg.pk)
    if reg.state != State.NOMINATION:
        raise RegistrationError(_("This nomination has already been handled."))
    return reg, workshop


@transaction.atomic
def endorse_nomination(*, registration_id: int, by: User, message: str = "") -> Registration:
    """First stage: the agency focal point endorses; the coordinators decide next. Refused
    where a seat could not follow: a workshop that gives none now, an officer without access."""
    reg, workshop = _lock_nomination(registration_id, by)
    _check_seats_move(workshop, timezone.now())
    refusal = seat_refusal(reg.officer)
    if refusal is not None:
        raise RegistrationError(refusal)
    reg.endorsed_by, reg.endorsed_at = by, timezone.now()
    _transition(
        reg,
        to=State.PENDING,
        actor=by,
        reason=message or _("Endorsed by your agency focal point."),
        extra_fields=("endorsed_by", "endorsed_at"),
    )
    _audit_registration(reg, by=by, verb="endorsed", message=message)
    return reg


@transaction.atomic
def reject_nomination(*, registration_id: int, by: User, message: str = "") -> Registration:
    reg, _workshop = _lock_nomination(registration_id, by)
    _transition(
        reg,
        to=State.DECLINED,
        actor=by,
        reason=message or _("Not endorsed by your agency focal point."),
    )
    _audit_registration(reg, by=by, verb="not_endorsed", message=message)
    return reg


# --- focal point: nominating officers; the officer's answer -------------------------------
#
# A focal point puts forward officers of their own agency (`nominate`): each gets a row in
# OFFERED, holding no seat, and an e-mail. Nominations run from the opening of registration to
# the start: like an endorsement, the agency's act is not bound by the officers' own window
# (seats held for the agency are filled by nomination, up to the reservation's date). The
# officer accepts (`accept_nomination`: it goes on as endorsed by the focal point who nominated
# them) or declines (`decline_nomination`).


def _check_nominations_open(workshop: Workshop, now) -> None:
    _check_seats_move(workshop, now)
    if now < workshop.registration_opens_at:
        raise RegistrationError(
            _("Registration opens on %(when)s: nominations open then too.")
            % {"when": when.datetime(workshop.registration_opens_at)}
        )


def _nomination_refusal(
    officer: User, own: Registration | None, workshop: Workshop, *, by: User
) -> str | None:
    """Why `by` may not nominate `officer` (an officer of their agency, locked) now, or None."""
    name = {"name": officer}
    if officer.pk == by.pk:
        return _("You cannot nominate yourself: another focal point or a coordinator decides.")
    refusal = seat_refusal(officer)
    if refusal is not None:
        return refusal
    if own is not None and own.is_active:
        return _("%(name)s is already registered for this workshop (%(state)s).") % {
            **name,
            "state": own.get_state_display(),
        }
    if own is not None and own.state in (State.DECLINED, State.REMOVED):
        return (
            _(
                "%(name)s's registration for this workshop was declined or removed: a "
                "nomination does not overrule that decision."
            )
            % name
        )
    clash = find_clash(officer_id=officer.pk, workshop=workshop)
    if clash is not None:
        return _("%(name)s is confirmed for the clashing workshop “%(title)s”.") % {
            **name,
            "title": clash.title,
        }
    return None


@transaction.atomic
def nominate(
    *, workshop_id: int, officer_ids: Iterable[int], by: User, message: str = ""
) -> BulkResult:
    """A focal point puts forward verified officers of their own agency for a published
    workshop, from the opening of registration to the start. Each officer is refused with
    their own reason (no program access, already registered, a decision against them, a
    clash, the focal point themself) or gets a registration in OFFERED (the one row per officer
    and workshop, reused), an e-mail asking them to answer, a history row and an audit entry.
    Ids of no officer of the agency are refused without saying anything about them.

    A nomination holds no seat: it locks the officers' account rows (a registration, erasure
    or vetting decision of theirs runs before or after it, never across it) and the workshop
    row (a registration of theirs for it too), in the lock order."""
    if not by.is_focal_point or by.agency_id is None or not by.has_program_access:
        raise RegistrationError(_("Only an agency focal point can nominate officers."))
    try:
        ids = sorted({int(pk) for pk in officer_ids})
    except (TypeError, ValueError):
        ids = []
    if not ids:
        raise RegistrationError(_("Choose at least one officer of your agency."))
    try:
        visible = Workshop.objects.visible_to(by).filter(pk=workshop_id).exists()
    except (ValueError, TypeError):
        visible = False
    if not visible:
        raise WorkshopNotFound(_("This workshop does not exist."))
    officers = lock_accounts(agency_id=by.agency_id, officer_ids=ids)
    workshop = _lock_workshop(workshop_id)
    now = timezone.now()
    _check_nominations_open(workshop, now)
    result = BulkResult()
    unknown = len(ids) - len(officers)
    if unknown:
        result.skipped.append(
            ngettext(
                "%(n)s of the chosen officers is not an officer of your agency: not nominated.",
                "%(n)s of the chosen officers are not officers of your agency: not nominated.",
                unknown,
            )
            % {"n": unknown}
        )
    rows = Registration.objects.filter(workshop=workshop, officer__in=officers)
    own = {reg.officer_id: reg for reg in rows}
    for officer in officers:
        refusal = _nomination_refusal(officer, own.get(officer.pk), workshop, by=by)
        if refusal is not None:
            result.skipped.append(refusal)
            continue
        try:
            # Receivers only read: a refusal leaves nothing to roll back.
            registration_requested.send(
                sender=Registration, officer=officer, workshop=workshop, by=by
            )
        except RegistrationError as err:
            result.skipped.append(err.message)
            continue
        previous = own.get(officer.pk)
        if previous is not None:
            reg = previous
            reg.endorsed_by = reg.endorsed_at = reg.waitlisted_at = reg.confirmed_at = None
            reg.created_at = now
            extra: tuple[str, ...] = RESET_FIELDS
        else:
            reg = Registration(workshop=workshop, officer=officer, state="", created_at=now)
            extra = ()
        reg.officer, reg.workshop = officer, workshop
        reg.nominated_by, reg.nominated_at = by, now
        _transition(
            reg,
            to=State.OFFERED,
            actor=by,
            reason=message,
            extra_fields=(*extra, "nominated_by", "nominated_at"),
        )
        _audit_registration(reg, by=by, verb="nominated", message=message)
        result.done.append(reg)
    return result


def _nominator_in_office(reg: Registration, officer: User) -> User | None:
    """The focal point who nominated `reg`, if they still are one of the officer's agency
    with program access; None if they lost the role, the access or the account."""
    nominator = (
        User.objects.focal_points()
        .filter(pk=reg.nominated_by_id, agency_id=officer.agency_id)
        .first()
        if reg.nominated_by_id
        else None
    )
    return nominator if nominator is not None and nominator.has_program_access else None


@transaction.atomic
def accept_nomination(*, registration_id: int, officer: User) -> Registration:
    """The officer accepts their agency's nomination: it goes on as a nomination endorsed by
    the focal point who made it. Then, as after an endorsement, it waits for the coordinators
    if the workshop needs approval or nomination; otherwise it takes a seat, the agency's
    reserved seats included (the seat rule), or a place on the waitlist. Refused as a
    registration is: no program access, a workshop that gives no seats now, a clash.

    If the focal point who nominated them is no longer one (role, access or account lost), the
    acceptance waits as a request for the agency's endorsement (NOMINATION): the agency
    re-confirms through another focal point before a seat, reserved or not, is given."""
    reg = Registration.objects.of_officer(officer).filter(pk=registration_id).first()
    if reg is None:
        raise RegistrationError(_("This registration does not exist."))
    if seat_refusal(officer) is not None:
        raise RegistrationError(_("Only verified agency officers can register for workshops."))
    # A seat may follow: the lock order of a registration (account, workshop, officer).
    locked = lock_and_read_seats(reg.workshop_id, officer)
    if locked is None:
        shown = Workshop.objects.filter(pk=reg.workshop_id).first()
        if shown is not None:
            _check_published(shown)
        raise RegistrationError(_("This workshop is not open for registration."))
    workshop, seats = locked
    if not seats.account_ok:
        raise RegistrationError(_("Only verified agency officers can register for workshops."))
    reg = Registration.objects.select_related("officer").get(pk=reg.pk)
    if reg.state != State.OFFERED:
        raise RegistrationError(
            _("This nomination was already answered: your registration is now “%(state)s”.")
            % {"state": reg.get_state_display()}
        )
    now = timezone.now()
    _check_seats_move(workshop, now)
    clash = find_clash(officer_id=officer.pk, workshop=workshop)
    if clash is not None:
        raise RegistrationError(_clash_message(clash))
    registration_requested.send(sender=Registration, officer=officer, workshop=workshop, by=officer)
    nominator = _nominator_in_office(reg, officer)
    extra: tuple[str, ...] = ()
    if nominator is None:
        target = State.NOMINATION
        reason = _(
            "Nomination accepted. The focal point who nominated you no longer acts for your "
            "agency: another focal point endorses it first."
        )
    else:
        reg.endorsed_by, reg.endorsed_at = nominator, now
        extra = ("endorsed_by", "endorsed_at")
        reason = _("Nomination accepted.")
        if workshop.requires_approval or workshop.requires_nomination:
            target = State.PENDING
        elif takes_seat(
            workshop,
            confirmed=seats.confirmed,
            agency_confirmed=seats.agency_confirmed,
            reserved=seats.reserved,
            agency_id=officer.agency_id,
            endorsed=True,
        ):
            target = State.CONFIRMED
        else:
            target = State.WAITLISTED
    _transition(reg, to=target, actor=officer, reason=reason, extra_fields=extra)
    _audit_registration(reg, by=officer, verb="nomination_accepted", message="")
    return reg


@transaction.atomic
def decline_nomination(*, registration_id: int, officer: User, reason: str = "") -> Registration:
    """The officer declines their agency's nomination: the row is cancelled (they may still
    register themselves while registration is open) and the focal point who nominated them is
    told, or the agency's focal points if that one no longer acts for it."""
    reg, workshop = _lock_own(registration_id, officer)
    if reg.state != State.OFFERED:
        raise RegistrationError(
            _("This nomination was already answered: your registration is now “%(state)s”.")
            % {"state": reg.get_state_display()}
        )
    reason = reason.strip()
    event = _transition(
        reg,
        to=State.CANCELLED,
        actor=officer,
        reason=reason or _("Nomination declined by the officer."),
    )
    nominator = _nominator_in_office(reg, officer)
    focal_points = User.objects.focal_points().filter(agency_id=officer.agency_id)
    queue_work_renders(
        candidates=focal_points.filter(pk=nominator.pk) if nominator else focal_points,
        render="registrations.mails.nomination_declined_mail",
        args=[event.pk],
        kind="work",
        actor=officer,
        workshop=workshop,
    )
    _audit_registration(reg, by=officer, verb="nomination_declined", message=reason)
    return reg


# --- coordinators --------------------------------------------------------------------------


def _lock_managed(registration_id: int, by: User) -> tuple[Registration, Workshop]:
    reg = Registration.objects.managed_by(by).filter(pk=registration_id).first()
    if reg is None or not by.is_coordinator or not by.has_program_access:
        raise RegistrationError(_("You cannot manage this registration."))
    if reg.officer_id == by.pk:
        raise RegistrationError(
            _("Your own registration is decided by another coordinator, not by you.")
        )
    workshop = _lock_workshop(reg.workshop_id)
    return Registration.objects.select_related("officer").get(pk=reg.pk), workshop


def _approve_locked(reg: Registration, workshop: Workshop, *, by: User, message: str) -> None:
    if reg.state != State.PENDING:
        raise RegistrationError(
            _("%(name)s: only pending registrations can be approved.") % {"name": reg.officer}
        )
    _check_seats_move(workshop, timezone.now())
    refusal = seat_refusal(reg.officer)
    if refusal is not None:
        raise RegistrationError(refusal)
    clash = find_clash(officer_id=reg.officer_id, workshop=workshop, lock=True)
    if clash is not None:
        raise RegistrationError(
            _("%(name)s is confirmed for the clashing workshop “%(title)s”.")
            % {"name": reg.officer, "title": clash.title}
        )
    _seat_or_waitlist(reg, workshop, by=by, message=message)
    _audit_registration(reg, by=by, verb="approved", message=message)


def _audit_registration(reg: Registration, *, by: User, verb: str, message: str) -> None:
    record_audit(
        actor=by,
        action=f"registration.{verb}",
        summary=f"Registration #{reg.pk} {verb} (workshop #{reg.workshop_id})",
        target=reg,
        message=(message or "")[:500],
    )


def _decline_locked(reg: Registration, workshop: Workshop, *, by: User, message: str) -> None:
    if reg.state not in (State.PENDING, State.NOMINATION, State.WAITLISTED):
        raise RegistrationError(
            _("%(name)s: only pending or waitlisted registrations can be declined.")
            % {"name": reg.officer}
        )
    _transition(reg, to=State.DECLINED, actor=by, reason=message)
    _audit_registration(reg, by=by, verb="declined", message=message)


@transaction.atomic
def approve_registration(*, registration_id: int, by: User, message: str = "") -> Registration:
    """Approval takes a seat if one is free (and the agency cap allows), else waitlists."""
    reg, workshop = _lock_managed(registration_id, by)
    _approve_locked(reg, workshop, by=by, message=message)
    return reg


@transaction.atomic
def decline_registration(*, registration_id: int, by: User, message: str = "") -> Registration:
    reg, workshop = _lock_managed(registration_id, by)
    _decline_locked(reg, workshop, by=by, message=message)
    return reg


def _bulk(
    action,
    *,
    workshop_id: int,
    registration_ids: Iterable[int],
    by: User,
    message: str,
    check_workshop=None,
):
    if not Workshop.objects.editable_by(by).filter(pk=workshop_id).exists():
        raise RegistrationError(_("You cannot manage this workshop."))
    workshop = _lock_workshop(workshop_id)
    if check_workshop is not None:
        # Refused once for all, rather than once per registration.
        check_workshop(workshop, timezone.now())
    regs = (
        Registration.objects.decidable_by(by)
        .filter(workshop=workshop, pk__in=list(registration_ids))
        .select_related("officer")
        .order_by("created_at", "pk")
    )
    result = BulkResult()
    for reg in regs:
        try:
            with transaction.atomic():
                action(reg, workshop, by=by, message=message)
        except RegistrationError as err:
            result.skipped.append(err.message)
        else:
            result.done.append(reg)
    return result


@transaction.atomic
def approve_registrations(
    *, workshop_id: int, registration_ids: Iterable[int], by: User, message: str = ""
) -> BulkResult:
    """Approve several pending registrations in the order they were made."""
    return _bulk(
        _approve_locked,
        workshop_id=workshop_id,
        registration_ids=registration_ids,
        by=by,
        message=message,
        check_workshop=_check_seats_move,
    )


@transaction.atomic
def decline_registrations(
    *, workshop_id: int, registration_ids: Iterable[int], by: User, message: str = ""
) -> BulkResult:
    return _bulk(
        _decline_locked,
        workshop_id=workshop_id,
        registration_ids=registration_ids,
        by=by,
        message=message,
    )


@transaction.atomic
def remove_registration(*, registration_id: int, by: User, reason: str) -> Registration:
    """A coordinator takes anyone off a workshop at any time, with a reason for the officer."""
    if not reason or not reason.strip():
        raise RegistrationError(_("Give a reason: it is sent to the officer."))
    reg, workshop = _lock_managed(registration_id, by)
    if not reg.is_active:
        raise RegistrationError(_("This registration is not active any more."))
    was_confirmed = reg.state == State.CONFIRMED
    _transition(reg, to=State.REMOVED, actor=by, reason=reason)
    _audit_registration(reg, by=by, verb="removed", message=reason)
    if was_confirmed:
        _promote(workshop, actor=None)
    return reg


# --- called by the scheduling service ------------------------------------------------------


@transaction.atomic
def fill_free_seats(*, workshop_id: int, by: User | None = None) -> list[Registration]:
    """Promote waitlisted officers into free seats (e.g. after the capacity was raised)."""
    workshop = _lock_workshop(workshop_id)
    return _promote(workshop, actor=by)


def count_clashing_confirmations(*, workshop: Workshop) -> int:
    """How many officers confirmed for `workshop` are confirmed for another workshop whose
    sessions overlap its sessions as the caller's transaction has them (a reschedule not yet
    committed). Caller holds the workshop's row lock. Each officer is checked as for a
    promotion (`find_clash(lock=True)`): a registration of theirs elsewhere in flight is
    waited for and seen, and one made after sees the new times."""
    officer_ids = (
        Registration.objects.filter(workshop=workshop, state=State.CONFIRMED)
        .order_by("officer_id")
        .values_list("officer_id", flat=True)
    )
    return sum(1 for pk in officer_ids if find_clash(officer_id=pk, workshop=workshop, lock=True))


@transaction.atomic
def cancel_workshop_registrations(*, workshop_id: int, by: User | None, reason: str) -> int:
    """Cancel every active registration of a cancelled workshop and tell each officer."""
    workshop = _lock_workshop(workshop_id)
    regs = Registration.objects.filter(workshop=workshop).active().select_related("officer")
    count = 0
    for reg in regs:
        _transition(
            reg,
            to=State.CANCELLED,
            actor=by,
            reason=reason or _("The workshop has been cancelled."),
        )
        count += 1
    return count


@transaction.atomic
def withdraw_registrations(*, officer: User, by: User | None, reason: str) -> int:
    """Cancel every active registration of `officer` for a workshop not over yet (their account
    is being closed; what they attended stays on record), each through the usual steps: history
    row, e-mail, calendar, and the waitlist moves up. Every workshop is locked first, in id
    order, and only then the promotions, which lock officers: the lock order of seats.py, so no
    deadlock with a registration. Returns how many."""
    active = (
        Registration.objects.filter(officer=officer)
        .active()
        .exclude(workshop__status=Workshop.Status.COMPLETED)
        .exclude(workshop__ends_at__lt=timezone.now())
        .order_by("workshop_id")
    )
    workshops = {r.workshop_id: _lock_workshop(r.workshop_id) for r in active}
    withdrawn = 0
    for registration in active.select_related("officer", "workshop"):
        was_confirmed = registration.state == State.CONFIRMED
        _transition(registration, to=State.CANCELLED, actor=by, reason=reason)
        if was_confirmed:
            _promote(workshops[registration.workshop_id], actor=None)
        withdrawn += 1
    return withdrawn


@transaction.atomic
def fill_seats_waited_by(*, officers: Iterable[User]) -> list[Registration]:
    """Fill the free seats of every workshop `officers` wait for, now that their access is
    back (vetting renewed, agency reactivated): a seat they were passed over for may have
    stayed free. The workshops are locked first, in id order, then the promotions: the lock
    order of seats.py (the caller may hold the accounts' or the agency's row)."""
    workshop_ids = (
        Registration.objects.filter(officer__in=officers, state=State.WAITLISTED)
        .values_list("workshop_id", flat=True)
        .order_by("workshop_id")
        .distinct()
    )
    workshops = [_lock_workshop(pk) for pk in workshop_ids]
    return [reg for workshop in workshops for reg in _promote(workshop, actor=None)]
