"""Walk-ins: a verified officer added to the roster on the day."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.access import can_exceed_capacity, workshops_run_by
from attendance.models import WalkIn
from attendees.models import Registration, RegistrationEvent, User
from trainingsite.errors import ServiceError

from .marking import lock_closure


class WalkInError(ServiceError):
    pass


@transaction.atomic
def add_walk_in(*, workshop_id: int, by: User, email: str, reason: str) -> Registration:
    """Confirm a verified officer who turned up. Trainers may fill free seats; only coordinators
    of the region may go over capacity, and the history says so."""
    if not reason.strip():
        raise WalkInError(_("Give a reason for the walk-in: it is kept in the history."))
    workshop = workshops_run_by(by).select_for_update(of=("self",)).filter(pk=workshop_id).first()
    if workshop is None:
        raise WalkInError(_("You do not run this workshop."))
    if lock_closure(workshop.pk).is_closed:
        raise WalkInError(_("This workshop is closed: re-open it to add a walk-in."))
    officer = (
        User.objects.officers().filter(email__iexact=email.strip()).select_related("agency").first()
    )
    if officer is None or not officer.has_program_access:
        raise WalkInError(_("No verified officer with program access has this e-mail address."))
    registration = (
        Registration.objects.select_for_update().filter(workshop=workshop, officer=officer).first()
    )
    if registration is not None and registration.state == Registration.State.CONFIRMED:
        raise WalkInError(_("This officer is already on the confirmed roster."))
    confirmed = Registration.objects.filter(
        workshop=workshop, state=Registration.State.CONFIRMED
    ).count()
    over_capacity = confirmed >= workshop.capacity
    if over_capacity and not can_exceed_capacity(by, workshop):
        raise WalkInError(
            _("The workshop is full: only a coordinator of the region can add a walk-in.")
        )
    now = timezone.now()
    old_state = registration.state if registration else ""
    if registration is None:
        registration = Registration.objects.create(
            workshop=workshop, officer=officer, state=Registration.State.CONFIRMED, created_at=now
        )
    registration.state, registration.confirmed_at = Registration.State.CONFIRMED, now
    registration.save(update_fields=["state", "confirmed_at", "updated_at"])
    label = _("Walk-in (over capacity)") if over_capacity else _("Walk-in")
    RegistrationEvent.objects.create(
        registration=registration,
        actor=by,
        from_state=old_state,
        to_state=Registration.State.CONFIRMED,
        reason=f"{label}: {reason.strip()}",
        notified_at=now,  # the officer is in the room: no e-mail, and the outbox sweep skips it
    )
    WalkIn.objects.update_or_create(
        registration=registration,
        defaults={"added_by": by, "reason": reason.strip(), "over_capacity": over_capacity},
    )
    from invites.tasks import sync_registration_invites

    sync_registration_invites.delay_on_commit(registration.pk)
    return registration
