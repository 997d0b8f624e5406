"""A workshop's pre- and post-test, the attempts officers make and the answers they give.

A test draws its questions from the frozen banks of the revisions the workshop teaches
(workshops.Question). Each attempt freezes its own draw (questions and option order) when it
starts, so a later change to the test's settings never changes an attempt in progress. The
score an officer keeps for a test is their best sent attempt (`Attempt.objects.best`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_ATTEMPTS = 5


class WorkshopTest(models.Model):
    """A workshop's pre-test (open from the officer's confirmation until the first session
    starts) or post-test (open from the start of the last session until the end of the
    `closes_after_days`-th day after it, in the workshop's time zone): assessments/windows.py."""

    class Kind(models.TextChoices):
        PRE = "pre", _("Pre-test")
        POST = "post", _("Post-test")

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="tests"
    )
    kind = models.CharField(_("test"), max_length=4, choices=Kind)
    # Empty: every question of the workshop's modules' banks; else a random subset this size,
    # drawn per attempt.
    question_count = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Leave empty to ask every question of the modules' banks."),
    )
    shuffle_options = models.BooleanField(_("shuffle the options"), default=True)
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ATTEMPTS)],
        help_text=_("With more than one, the best score is kept."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Leave empty for no time limit."),
    )
    # Post-test only.
    closes_after_days = models.PositiveSmallIntegerField(
        _("open for (days after the last session)"),
        default=7,
        validators=[MaxValueValidator(60)],
    )
    # Post-test only: the score (best attempt) the completion rule requires besides
    # attendance; empty: the post-test is not part of the completion rule.
    pass_percent = models.PositiveSmallIntegerField(
        _("score required to complete (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Leave empty if the certificate does not depend on the post-test."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workshop", "kind"]
        verbose_name = _("workshop test")
        verbose_name_plural = _("workshop tests")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "kind"], name="workshoptest_once"),
            models.CheckConstraint(
                condition=Q(max_attempts__gte=1, max_attempts__lte=MAX_ATTEMPTS),
                name="workshoptest_attempts_1_5",
            ),
            models.CheckConstraint(
                condition=Q(pass_percent__isnull=True)
                | Q(kind="post", pass_percent__gte=1, pass_percent__lte=100),
                name="workshoptest_pass_on_post_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.workshop_id}"

    @property
    def is_pre(self) -> bool:
        return self.kind == self.Kind.PRE


class AttemptQuerySet(models.QuerySet):
    def submitted(self) -> AttemptQuerySet:
        return self.filter(submitted_at__isnull=False)

    def of_officer(self, user) -> AttemptQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(registration__officer=user)

    def best(self) -> AttemptQuerySet:
        """Each registration's best sent attempt per test (the score it keeps); ties go to the
        earlier attempt."""
        best_pk = (
            Attempt.objects.submitted()
            .filter(test=OuterRef("test"), registration=OuterRef("registration"))
            .order_by("-percent", "number")
            .values("pk")[:1]
        )
        return self.submitted().filter(pk=Subquery(best_pk))


class Attempt(models.Model):
    """One officer's attempt at a test. Sent once (`submitted_at`), then scored; an attempt
    whose deadline passed is sent with the answers saved so far."""

    test = models.ForeignKey(WorkshopTest, on_delete=models.CASCADE, related_name="attempts")
    registration = models.ForeignKey(
        "registrations.Registration", on_delete=models.CASCADE, related_name="test_attempts"
    )
    number = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    # When it is sent at the latest: the time limit, or the test's closing, whichever is first.
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Filled when sent: right answers, questions asked, and their share (0–100, 2 decimals).
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(default=0)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["test", "registration", "number"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            # Two tabs starting at once make one attempt, never two.
            models.UniqueConstraint(
                fields=["test", "registration", "number"], name="attempt_number_once"
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="attempt_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=F("max_score")),
                name="attempt_score_at_most_max",
            ),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.registration_id} at {self.test_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @staticmethod
    def percent_of(score: int, max_score: int) -> Decimal:
        if not max_score:
            return Decimal(0)
        return (Decimal(100) * score / max_score).quantize(Decimal("0.01"))


class AttemptAnswer(models.Model):
    """One question drawn for an attempt, in the order shown, with the officer's answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        "workshops.Question", on_delete=models.PROTECT, related_name="answers"
    )
    position = models.PositiveSmallIntegerField()
    # The options as shown: indices into question.choices (identity without shuffling).
    option_order = models.JSONField(default=list, blank=True)
    # The officer's answer: a list of option indices (choice), true/false, or the number
    # typed (a string, parsed at scoring); None while unanswered.
    response = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Filled when the attempt is sent.
    correct = models.BooleanField(null=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="attemptanswer_once"),
            models.UniqueConstraint(
                fields=["attempt", "position"], name="attemptanswer_position_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"
