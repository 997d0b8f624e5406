"""Name changes of verified officers: the display name is the officer's to edit, the name on
certificates changes only when a focal point of their agency or a coordinator accepts it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from attendees.models import User, VettingDecision

from .vetting import VettingError, _lock_vettable, _record, vet_name


def _lock_request(officer_id: int, by: User, name: str) -> User:
    """Lock the officer if `by` may vet them and a name change waits; `name` is the requested
    name the decider was shown."""
    officer = _lock_vettable(officer_id, by)
    if officer.status != User.Status.VERIFIED or officer.full_name == officer.vetted_name:
        raise VettingError(_("No name change of this officer waits for a decision."))
    if name != officer.full_name:
        raise VettingError(
            _("The officer changed their name since you opened this page: check it again.")
        )
    return officer


@transaction.atomic
def accept_name_change(*, officer_id: int, by: User, name: str) -> User:
    """The officer's display name becomes the name their certificates carry."""
    officer = _lock_request(officer_id, by, name)
    vet_name(officer, name)
    officer.save(update_fields=["vetted_name", "declined_name"])
    _record(
        officer=officer,
        action=VettingDecision.Action.NAME_APPROVED,
        by=by,
        notify=True,
        name=officer.vetted_name,
    )
    return officer


@transaction.atomic
def decline_name_change(*, officer_id: int, by: User, name: str, reason: str) -> User:
    """Certificates keep the vetted name; the declined name is not listed again."""
    if not reason.strip():
        raise VettingError(_("Give a reason: it is sent to the officer."))
    officer = _lock_request(officer_id, by, name)
    if officer.declined_name == officer.full_name:
        raise VettingError(_("This name change was declined already."))
    officer.declined_name = officer.full_name
    officer.save(update_fields=["declined_name"])
    _record(
        officer=officer,
        action=VettingDecision.Action.NAME_DECLINED,
        by=by,
        reason=reason,
        notify=True,
        name=officer.declined_name,
    )
    return officer
