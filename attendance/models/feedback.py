"""Post-workshop evaluation: one answer per attendee, shown to staff only in aggregate."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Feedback(models.Model):
    registration = models.OneToOneField(
        "registrations.Registration", on_delete=models.CASCADE, related_name="feedback"
    )
    overall = models.PositiveSmallIntegerField(_("overall rating"), validators=RATING_VALIDATORS)
    trainer_rating = models.PositiveSmallIntegerField(_("trainers"), validators=RATING_VALIDATORS)
    comments = models.TextField(_("comments"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overall__gte=1, overall__lte=5), name="feedback_overall_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(trainer_rating__gte=1, trainer_rating__lte=5),
                name="feedback_trainer_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"feedback {self.registration_id}"


class FeedbackModuleRating(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="module_ratings")
    workshop_module = models.ForeignKey(
        "workshops.WorkshopModule", on_delete=models.CASCADE, related_name="feedback_ratings"
    )
    usefulness = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "workshop_module"], name="feedbackmodulerating_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(usefulness__gte=1, usefulness__lte=5),
                name="feedbackmodulerating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id}/{self.workshop_module_id}: {self.usefulness}"
