"""Writes of the assessments app: setting up a workshop's tests, and officers taking them."""

from .setup import configure_test, remove_test
from .taking import (
    AnswerErrors,
    save_answer,
    save_answers,
    send_overdue_attempt,
    send_overdue_attempts,
    start_attempt,
    submit_attempt,
)

__all__ = [
    "AnswerErrors",
    "configure_test",
    "remove_test",
    "save_answer",
    "save_answers",
    "send_overdue_attempt",
    "send_overdue_attempts",
    "start_attempt",
    "submit_attempt",
]
