"""A module's question bank: the questions its pre- and post-tests draw from.

The bank is part of the module's working copy: authors edit rows with no revision, and
publishing copies them into rows of the new ModuleRevision, which never change. A workshop
teaches a revision, so its tests draw from that revision's frozen bank, and an answer always
points at the exact question the officer read. Coordinators review a bank with its module.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .curriculum import Module, ModuleRevision

MAX_CHOICES = 8


class QuestionQuerySet(models.QuerySet):
    def working(self) -> QuestionQuerySet:
        """The working copies authors edit (not yet frozen in a revision)."""
        return self.filter(revision__isnull=True)

    def frozen(self) -> QuestionQuerySet:
        return self.filter(revision__isnull=False)

    def of_revisions(self, revision_ids) -> QuestionQuerySet:
        return self.filter(revision_id__in=revision_ids)

    def visible_to(self, user) -> QuestionQuerySet:
        """Questions (with their answers) are staff material: the module's editors and
        reviewers see working copies (`Module.manageable_by`), and trainers and coordinators
        see the frozen banks of modules they may read. Officers see a question only inside
        their own attempt, never through this."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        if user.is_coordinator:
            return self
        scope = Q(module__in=Module.objects.manageable_by(user).values("pk"))
        if user.is_trainer:
            scope |= Q(revision__isnull=False, module__in=Module.objects.visible_to(user))
        return self.filter(scope)


class Question(models.Model):
    """One question; scored 1 if answered right, else 0 (a multiple choice only when exactly
    the right options are chosen, a number when within the tolerance)."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")
        NUMERIC = "numeric", _("Numeric answer")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    # Empty: the module's working copy. Set: frozen in that published revision.
    revision = models.ForeignKey(
        ModuleRevision,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questions",
    )
    # The same question across revisions: a published copy keeps its working copy's key, so
    # statistics can follow a question whose wording was corrected.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("type"), max_length=10, choices=Kind, default=Kind.SINGLE)
    text = models.TextField(_("question"), max_length=1000)
    # One of the module's learning objectives, as written there (weak topics are read by it).
    objective = models.CharField(_("learning objective"), max_length=300, blank=True)
    # Single and multiple choice: [{"text": "...", "correct": true}, ...], 2 to MAX_CHOICES.
    choices = models.JSONField(_("options"), default=list, blank=True)
    # True or false: the right answer.
    true_answer = models.BooleanField(_("the statement is true"), null=True, blank=True)
    # Number: the right answer and how far from it an answer may be and still count.
    numeric_answer = models.DecimalField(
        _("right answer"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    numeric_tolerance = models.DecimalField(
        _("accepted difference"), max_digits=18, decimal_places=6, default=Decimal(0)
    )
    explanation = models.TextField(
        _("explanation"),
        max_length=2000,
        blank=True,
        help_text=_("Shown to the officer with the right answer once their attempt is sent."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["module", "revision", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "key"], name="question_key_once_per_revision"
            ),
            models.UniqueConstraint(
                fields=["module", "key"],
                condition=Q(revision__isnull=True),
                name="question_key_once_in_working_copy",
            ),
            models.CheckConstraint(
                condition=Q(numeric_tolerance__gte=0), name="question_tolerance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args, **kwargs):
        # Answers point at a frozen question: what the officer read must never change.
        if not self._state.adding and self.revision_id is not None:
            raise ValueError("A published question is immutable.")
        super().save(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.revision_id is not None

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)

    @property
    def correct_indices(self) -> list[int]:
        return [i for i, choice in enumerate(self.choices or ()) if choice.get("correct")]
