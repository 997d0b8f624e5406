"""Waiving a workshop's prerequisite modules for one officer (the requirement itself is
enforced above this app, when a registration is requested: `registration_requested`).

A coordinator of the workshop's region decides it, with a reason; it is recorded (the waiver
row, with its author and date, and the audit log) and lets the officer register, be nominated
or be admitted without the modules; the officer is told by e-mail. One waiver per officer and
workshop: granting it again returns the one recorded. An officer who lacks no module needs none:
it is refused. Revoking it does not undo a registration already made.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from attendees.models import User
from audit.services import record_audit
from outbox.services import queue_mail
from registrations.mails import prerequisite_waiver_mail
from registrations.models import PrerequisiteWaiver
from registrations.signals import prerequisite_gaps
from workshops.models import Module, Workshop

from .seats import RegistrationError


def _check_manages(workshop_id: int, by: User) -> None:
    try:
        managed = Workshop.objects.editable_by(by).filter(pk=workshop_id).exists()
    except (ValueError, TypeError):
        managed = False
    if not by.is_coordinator or not managed:
        raise RegistrationError(_("You cannot manage this workshop."))


def lacking_prerequisites(
    *, workshop: Workshop, officer_ids: Iterable[int], required: list[Module] | None = None
) -> dict[int, list[str]]:
    """{officer_id: [titles of the modules missing]} for those of `officer_ids` who lack
    prerequisite modules of `workshop` and hold no waiver for it, as the apps above answer
    `prerequisite_gaps` (the completion rule is theirs)."""
    ids = sorted(set(officer_ids))
    gaps: dict[int, list[str]] = {}
    if not ids:
        return gaps
    answers = prerequisite_gaps.send(
        sender=PrerequisiteWaiver, workshop=workshop, officer_ids=ids, required=required
    )
    for _receiver, answer in answers:
        if not isinstance(answer, dict):
            continue
        for officer_id, titles in answer.items():
            known = gaps.setdefault(officer_id, [])
            known.extend(title for title in titles if title not in known)
    return gaps


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
    workshop = Workshop.objects.get(pk=workshop_id)
    if officer.pk not in lacking_prerequisites(workshop=workshop, officer_ids=[officer.pk]):
        raise RegistrationError(
            _("This officer has already completed every prerequisite: no waiver is needed.")
        )
    try:
        with transaction.atomic():
            waiver = PrerequisiteWaiver.objects.create(
                workshop=workshop, officer=officer, granted_by=by, reason=reason
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
    queue_mail(
        prerequisite_waiver_mail(waiver),
        kind="prerequisite_waiver",
        recipient=officer,
        workshop=workshop,
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
