"""Writes for attendance, one module per concept, re-exported here."""

from .certificates import CertificateNotFound
from .checkin import CheckInError, check_in, get_or_create_checkin_code, regenerate_checkin_code
from .closing import ClosingError, close_workshop, reopen_workshop, update_attendance_settings
from .feedback import FeedbackError, submit_feedback
from .marking import AttendanceError, mark_all_present, record_marks
from .walkins import add_walk_in

__all__ = [
    "AttendanceError",
    "CertificateNotFound",
    "CheckInError",
    "ClosingError",
    "FeedbackError",
    "add_walk_in",
    "check_in",
    "close_workshop",
    "get_or_create_checkin_code",
    "mark_all_present",
    "record_marks",
    "regenerate_checkin_code",
    "reopen_workshop",
    "submit_feedback",
    "update_attendance_settings",
]
