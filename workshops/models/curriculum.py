from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Track(models.Model):
    """A curriculum track (crypto fundamentals, forensics, ...); coordinators add more."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")

    def __str__(self) -> str:
        return self.name


class ModuleQuerySet(models.QuerySet):
    def visible_to(self, user) -> ModuleQuerySet:
        """Published modules for verified users; drafts only for their authors and coordinators."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        if user.is_coordinator:
            return self
        return self.filter(
            Q(status__in=[Module.Status.PUBLISHED, Module.Status.ARCHIVED])
            | Q(published_revision__isnull=False)
            | Q(authors=user)
        ).distinct()

    def editable_by(self, user) -> ModuleQuerySet:
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        if user.is_coordinator:
            return self
        if user.is_trainer:
            return self.filter(authors=user).distinct()
        return self.none()

    def published(self) -> ModuleQuerySet:
        return self.filter(status=Module.Status.PUBLISHED, published_revision__isnull=False)


class Module(models.Model):
    """A curriculum module. Its fields are the working copy; publishing snapshots them into an
    immutable ModuleRevision, so published content is never silently changed."""

    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="modules")
    level = models.CharField(_("level"), max_length=15, choices=Level, default=Level.INTRODUCTORY)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    language = models.CharField(
        _("content language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    title = models.CharField(_("title"), max_length=200)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    objectives = models.TextField(_("learning objectives"), help_text=_("One per line."))
    body = models.TextField(_("content (Markdown)"), blank=True)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by"
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="authored_modules", verbose_name=_("authors")
    )
    published_revision = models.ForeignKey(
        "workshops.ModuleRevision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["track__position", "title"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return self.title


class ModuleRevision(models.Model):
    """An immutable, published snapshot of a module; workshops teach a given revision."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=15, choices=Module.Level)
    duration_minutes = models.PositiveIntegerField()
    objectives = models.TextField()
    body = models.TextField(blank=True)
    prerequisite_ids = models.JSONField(default=list, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["module", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="modulerevision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (r{self.number})"


def material_upload_to(instance: Material, filename: str) -> str:
    # The stored name is random: the user's filename is kept only as metadata.
    import uuid

    return f"materials/{instance.module_id}/{uuid.uuid4().hex}"


class Material(models.Model):
    """A restricted file (slides, handout, case file), served only through a checking view."""

    class Kind(models.TextChoices):
        SLIDES = "slides", _("Slides")
        HANDOUT = "handout", _("Handout")
        CASE_FILE = "case_file", _("Case file")
        OTHER = "other", _("Other")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.HANDOUT)
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    attendees_only = models.BooleanField(
        _("attendees only"),
        default=False,
        help_text=_("Only officers registered for a workshop teaching this module may download."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["module", "title"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title
