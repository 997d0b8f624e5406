"""Closing a workshop: its completion rule, open/closed state with history, completions."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.models import Registration

from .certificates import percent_display


class WorkshopClosureQuerySet(models.QuerySet):
    def closed(self) -> WorkshopClosureQuerySet:
        return self.filter(closed_at__isnull=False)


class WorkshopClosure(models.Model):
    """Per-workshop attendance settings and whether attendance is closed (final)."""

    workshop = models.OneToOneField(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="attendance_closure"
    )
    completion_threshold = models.PositiveSmallIntegerField(
        _("completion threshold (percentage of session time)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    checkin_opens_minutes = models.PositiveSmallIntegerField(
        _("self check-in opens (minutes before a session)"),
        default=30,
        validators=[MaxValueValidator(240)],
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The workshop status before closing set it to COMPLETED; re-opening restores it.
    status_before_close = models.CharField(max_length=10, blank=True)

    objects = WorkshopClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop closure")
        verbose_name_plural = _("workshop closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(completion_threshold__gte=1, completion_threshold__lte=100),
                name="closure_threshold_1_100",
            )
        ]

    def __str__(self) -> str:
        return f"closure of {self.workshop_id}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ClosureEvent(models.Model):
    class Action(models.TextChoices):
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Re-opened")

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="closure_events"
    )
    action = models.CharField(max_length=10, choices=Action)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    summary = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("closure event")
        verbose_name_plural = _("closure events")

    def __str__(self) -> str:
        return f"{self.workshop_id} {self.action}"


class CompletionQuerySet(models.QuerySet):
    def completed(self) -> CompletionQuerySet:
        return self.filter(completed=True)

    def of_officer(self, user) -> CompletionQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(registration__officer=user)

    def visible_to(self, user) -> CompletionQuerySet:
        """Completions of the registrations the pages show `user` (`Registration.visible_to`):
        the officer's record, the agency's record, the roster, the coordinator's pages."""
        return self.filter(registration__in=Registration.objects.visible_to(user).values("pk"))


class Completion(models.Model):
    """Whether a confirmed registration completed its workshop, as computed at closing."""

    registration = models.OneToOneField(
        "registrations.Registration", on_delete=models.CASCADE, related_name="completion"
    )
    completed = models.BooleanField(default=False)
    attended_minutes = models.PositiveIntegerField(default=0)
    total_minutes = models.PositiveIntegerField(default=0)
    threshold = models.PositiveSmallIntegerField(default=75)
    # The best sent post-test score once the post-test had closed, and the score the rule
    # required (None: attendance alone), both as they stood at closing.
    test_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    test_required = models.PositiveSmallIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    objects = CompletionQuerySet.as_manager()

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")

    def __str__(self) -> str:
        return f"{self.registration_id}: {'completed' if self.completed else 'not completed'}"

    @property
    def test_percent_text(self) -> str:
        return percent_display(self.test_percent) if self.test_percent is not None else ""

    @property
    def attended_percent(self) -> int:
        if not self.total_minutes:
            return 0
        return round(100 * self.attended_minutes / self.total_minutes)
