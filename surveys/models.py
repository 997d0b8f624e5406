"""Questionnaires coordinators write: the workshop feedback form and the follow-up survey.

A questionnaire is program-wide or belongs to one track (a track's own replaces the
program's for that track's workshops). Its questions live in immutable versions: editing
publishes a new version, and every response points at the version it answered, so an old
answer keeps the questions it was given.

The feedback form always starts with the program's fixed ratings (attendance.Feedback:
overall, trainers, each module), which the program report compares across years; the
questionnaire's questions follow them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

QUESTION_KINDS = ("rating", "choice", "multiple", "text")
MAX_QUESTIONS = 30


class Questionnaire(models.Model):
    class Kind(models.TextChoices):
        FEEDBACK = "feedback", _("Workshop feedback")
        FOLLOW_UP = "follow_up", _("Follow-up survey")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    # Empty: program-wide; set: this track's workshops use it instead.
    track = models.ForeignKey(
        "workshops.Track",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questionnaires",
        verbose_name=_("track"),
    )
    # Follow-up only: how many days after completion the survey is sent.
    follow_up_days = models.PositiveSmallIntegerField(_("sent (days after completion)"), default=90)
    current_version = models.ForeignKey(
        "surveys.QuestionnaireVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "track__position", "pk"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["kind", "track"], name="questionnaire_once_per_track"),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(track__isnull=True),
                name="questionnaire_once_program_wide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.track or _('program-wide')})"


class QuestionnaireVersion(models.Model):
    """The questions as published: [{"key": "q1", "kind": "rating"|"choice"|"multiple"|"text",
    "text": "...", "choices": ["..."], "required": true}, ...]. Never changed once saved."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    questions = models.JSONField(default=list)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["questionnaire", "-number"]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaireversion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"

    def save(self, *args, **kwargs):
        # Responses point at a version: the questions they answered must never change.
        if not self._state.adding:
            raise ValueError("A questionnaire version is immutable once published.")
        super().save(*args, **kwargs)


class SurveyResponse(models.Model):
    """One officer's answers to one questionnaire for one workshop: {key: answer}. Shown to
    staff only in aggregate, and only from FEEDBACK_MIN_ANSWERS answers."""

    registration = models.ForeignKey(
        "registrations.Registration", on_delete=models.CASCADE, related_name="survey_responses"
    )
    kind = models.CharField(max_length=10, choices=Questionnaire.Kind)
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses"
    )
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="surveyresponse_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.registration_id}"


class SurveyInvitation(models.Model):
    """A mail asking an officer to answer (the feedback reminder or the follow-up survey),
    recorded so each is sent once, even with two workers."""

    registration = models.ForeignKey(
        "registrations.Registration", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    kind = models.CharField(max_length=10, choices=Questionnaire.Kind)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="surveyinvitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} invitation {self.registration_id}"
