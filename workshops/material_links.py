"""Short-lived, user-bound download URLs for restricted materials.

Pages link to a stable URL; the file itself is only served under a token that names the
material and the user and expires after a few minutes, so a forwarded or logged link is useless
to anyone else and soon to everyone."""

from __future__ import annotations

from django.core import signing

SALT = "workshops.material-download"
MAX_AGE_SECONDS = 300


def make_token(material_id: int, user_id: int) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{material_id}:{user_id}")


def token_is_valid(token: str | None, material_id: int, user_id: int) -> bool:
    if not token:
        return False
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return value == f"{material_id}:{user_id}"


def stamp_text(user, when) -> str:
    """The vetted name (never the display name the user may retype), agency and time."""
    agency = user.agency.name if user.agency_id else ""
    parts = [user.name_of_record, agency, when.strftime("%Y-%m-%d %H:%M UTC")]
    return " · ".join(p for p in parts if p)
