"""Walk-ins: a verified officer added to the roster on the day, kept as a `WalkIn` record.

The seat itself is the registration service's (`admit_walk_in`): the same rules as every other
way to a seat, under the same lock."""

from __future__ import annotations

from django.db import transaction

from attendance.models import WalkIn
from attendees.models import User
from registrations.models import Registration
from registrations.services.registration import admit_walk_in


@transaction.atomic
def add_walk_in(*, workshop_id: int, by: User, email: str, reason: str) -> Registration:
    """Confirm a verified officer who turned up (RegistrationError if a rule refuses) and
    record who added them, why, and whether it went beyond the seats."""
    admitted = admit_walk_in(workshop_id=workshop_id, email=email, by=by, reason=reason)
    WalkIn.objects.update_or_create(
        registration=admitted.registration,
        defaults={
            "added_by": by,
            "reason": reason.strip(),
            "over_capacity": admitted.over_capacity,
        },
    )
    return admitted.registration
