"""Waiving a workshop's prerequisite modules for one officer (the requirement itself is
enforced above this app, when a registration is requested: `registration_requested`).

A coordinator of the workshop's region decides it, with a reason; it is recorded (the waiver
row, with its author and date, and the audit log) and lets the officer register, be nominated
or be admitted without the modules. One waiver per officer and workshop: granting it again
returns the one recorded. Revoking it does not undo a registration already made.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from attendees.models import User
from audit.services import record_audit
from registrations.models import PrerequisiteWaiver
from workshops.models import Workshop

from .seats import RegistrationError


def _check_manages(workshop_id: int, by: User) -> None:
    try:
        managed = Workshop.objects.editable_by(by).filter(pk=workshop_id).exists()
    except (ValueError, TypeError):
        managed = False
    if not by.is_coordinator or not managed:
        raise RegistrationError(_("You cannot manage this workshop."))


@transaction.atomic
def grant_prerequisite_waiver(
    *, workshop_id: int, officer_email: str, by: User, reason: str
) -> PrerequisiteWaiver:
    """Let a verified officer register for a workshop without its prerequisite modules."""
    _check_manages(workshop_id, by)
    reason = (reason or "").strip()
    if not reason:
        raise RegistrationError(_("Give a reason for the waiver: it is kept in the record."))
    email = (officer_email or "").strip()
    officer = User.objects.officers().verified().filter(email__iexact=email).first()
    if officer is None:
        raise RegistrationError(_("No verified officer has this e-mail address."))
    if officer.pk == by.pk:
        raise RegistrationError(_("Your own waiver is decided by another coordinator, not by you."))
    existing = PrerequisiteWaiver.objects.filter(workshop_id=workshop_id, officer=officer).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            waiver = PrerequisiteWaiver.objects.create(
                workshop_id=workshop_id, officer=officer, granted_by=by, reason=reason
            )
    except IntegrityError:
        # Granted by another coordinator meanwhile: theirs is the record.
        return PrerequisiteWaiver.objects.get(workshop_id=workshop_id, officer=officer)
    record_audit(
        actor=by,
        action="registration.prerequisites_waived",
        summary=f"Prerequisites of workshop #{workshop_id} waived for officer #{officer.pk}",
        target=waiver,
        workshop=workshop_id,
        officer=officer.pk,
        reason=reason[:500],
    )
    return waiver


@transaction.atomic
def revoke_prerequisite_waiver(*, waiver_id: int, by: User) -> PrerequisiteWaiver:
    """Revoke a waiver: the officer's next request is checked again. A registration already
    made stays."""
    waiver = PrerequisiteWaiver.objects.managed_by(by).filter(pk=waiver_id).first()
    if waiver is None or not by.is_coordinator:
        raise RegistrationError(_("You cannot manage this workshop."))
    record_audit(
        actor=by,
        action="registration.prerequisite_waiver_revoked",
        summary=(
            f"Prerequisite waiver of workshop #{waiver.workshop_id} for officer "
            f"#{waiver.officer_id} revoked"
        ),
        target=waiver,
        workshop=waiver.workshop_id,
        officer=waiver.officer_id,
        reason=waiver.reason[:500],
    )
    waiver.delete()
    return waiver
