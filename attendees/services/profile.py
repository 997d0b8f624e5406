"""An officer's own profile: the parts they may change themselves."""

from __future__ import annotations

from django.db import transaction

from attendees.models import User

EDITABLE_FIELDS = ("full_name", "rank", "unit", "time_zone", "language")


@transaction.atomic
def update_profile(
    *, user: User, full_name: str, rank: str, unit: str, time_zone: str, language: str
) -> User:
    """Agency and e-mail are never edited here: the agency follows the confirmed e-mail."""
    user.full_name, user.rank, user.unit = full_name.strip(), rank.strip(), unit.strip()
    user.time_zone, user.language = time_zone, language
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=list(EDITABLE_FIELDS))
    return user
