from .certificates import Certificate
from .closure import ClosureEvent, Completion, WorkshopClosure
from .feedback import Feedback, FeedbackModuleRating
from .marks import AttendanceChange, AttendanceMark, CheckInCode, WalkIn

__all__ = [
    "AttendanceChange",
    "AttendanceMark",
    "Certificate",
    "CheckInCode",
    "ClosureEvent",
    "Completion",
    "Feedback",
    "FeedbackModuleRating",
    "WalkIn",
    "WorkshopClosure",
]
