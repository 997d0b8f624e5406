"""Attendance settings with defaults; override any of them in settings.py."""

from django.conf import settings

DEFAULTS = {
    # Self check-in is accepted this many minutes after a session started before "late".
    "ATTENDANCE_LATE_AFTER_MINUTES": 15,
    # Wrong check-in codes an officer may type per window before being told to wait.
    "ATTENDANCE_CHECKIN_GUESSES": 10,
    "ATTENDANCE_CHECKIN_WINDOW_SECONDS": 15 * 60,
    # Certificate look-ups per IP address per window on the public verification page.
    "CERTIFICATE_VERIFY_LIMIT": 30,
    "CERTIFICATE_VERIFY_WINDOW_SECONDS": 10 * 60,
    # Feedback results are shown to staff only from this many answers on.
    "FEEDBACK_MIN_ANSWERS": 5,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
