"""Questionnaire writes: editing (versions), answering, and the invitations to answer."""

from .answering import AnswerError, clean_answers, submit_feedback, submit_follow_up
from .editing import QuestionnaireError, create_questionnaire, publish_version
from .invitations import send_feedback_reminders, send_follow_up_surveys

__all__ = [
    "AnswerError",
    "QuestionnaireError",
    "clean_answers",
    "create_questionnaire",
    "publish_version",
    "send_feedback_reminders",
    "send_follow_up_surveys",
    "submit_feedback",
    "submit_follow_up",
]
