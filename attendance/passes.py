"""Codes a trainer's device scans to check an officer in: the officer's personal check-in pass
(a QR code on their phone, on "My training") and a row of a printed sign-in sheet.

Neither carries personal data: only signed ids, in Django's signed-object format
(`django.core.signing.dumps`): the base64url JSON list, a colon, the time it was made, a colon
and the signature. A pass says `[registration_id]`, a sheet row `[session_id, registration_id]`.
A device reads the ids without the key, to find the officer on the roster it keeps; the server
checks the signature when the marks come back."""

from __future__ import annotations

from django.core import signing

PASS_SALT = "attendance.check-in-pass"
SHEET_SALT = "attendance.sign-in-sheet"
# Far longer than any code we make: a longer text is not one of ours.
MAX_LENGTH = 200


class BadScanCode(Exception):
    pass


def pass_token(registration_id: int) -> str:
    """What an officer's check-in pass for one registration says."""
    return signing.dumps([registration_id], salt=PASS_SALT)


def sheet_token(session_id: int, registration_id: int) -> str:
    """What one row's QR code on a session's sign-in sheet says."""
    return signing.dumps([session_id, registration_id], salt=SHEET_SALT)


def _ids(token: object, salt: str, count: int) -> list[int]:
    if not isinstance(token, str) or len(token) > MAX_LENGTH:
        raise BadScanCode("not a check-in code")
    try:
        value = signing.loads(token, salt=salt)
    except signing.BadSignature as err:
        raise BadScanCode(str(err)) from err
    if (
        not isinstance(value, list)
        or len(value) != count
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise BadScanCode("not a check-in code")
    return value


def read_sheet_token(token: object) -> tuple[int, int]:
    """(session id, registration id) of a sheet row's code; BadScanCode if not one of ours."""
    session_id, registration_id = _ids(token, SHEET_SALT, 2)
    return session_id, registration_id


def read_scanned(token: object) -> tuple[int | None, int]:
    """(session id or None, registration id) of a scanned pass or sheet row; BadScanCode if
    the code is neither."""
    try:
        return None, _ids(token, PASS_SALT, 1)[0]
    except BadScanCode:
        return read_sheet_token(token)
