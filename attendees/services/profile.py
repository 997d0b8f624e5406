"""An officer's own profile: the parts they may change themselves."""

from __future__ import annotations

from django.db import transaction

from attendees.models import User

EDITABLE_FIELDS = ("full_name", "rank", "unit", "time_zone", "language")


@transaction.atomic
def update_profile(
    *,
    user: User,
    full_name: str,
    rank: str,
    unit: str,
    time_zone: str,
    language: str,
    work_mail: str | None = None,
) -> User:
    """Agency and e-mail are never edited here: the agency follows the confirmed e-mail. The
    full name is the display name: certificates keep the vetted name until a focal point or
    coordinator accepts the change (attendees/services/names.py). `work_mail` (None: unchanged)
    is how staff hear of work waiting for them."""
    user.full_name, user.rank, user.unit = full_name.strip(), rank.strip(), unit.strip()
    user.time_zone, user.language = time_zone, language
    fields = list(EDITABLE_FIELDS)
    if work_mail is not None:
        user.work_mail = work_mail
        fields.append("work_mail")
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=fields)
    return user


@transaction.atomic
def set_language(*, user: User, language: str) -> User:
    """The user's language, chosen with the site's language switcher: the site and their
    e-mails speak it. `language` is one of settings.LANGUAGES (the caller checked)."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
