from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendees.models.user import UserQuerySet

from .workshop import WorkshopModule, registration_model

PUBLISH_PERMISSION = "workshops.publish_module"


def can_publish_modules(user) -> bool:
    """Coordinators publish; so does a trainer granted `workshops.publish_module`."""
    if not user.is_authenticated or not user.has_program_access:
        return False
    return user.is_coordinator or (user.is_trainer and user.has_perm(PUBLISH_PERMISSION))


def publisher_candidates(users: UserQuerySet) -> UserQuerySet:
    """Narrow `users` to those who may hold publish rights (`can_publish_modules` says for
    each): coordinators, and trainers granted the permission directly, by a group or as
    superusers."""
    app_label, codename = PUBLISH_PERMISSION.split(".")
    direct = Q(user_permissions__codename=codename)
    direct &= Q(user_permissions__content_type__app_label=app_label)
    by_group = Q(groups__permissions__codename=codename)
    by_group &= Q(groups__permissions__content_type__app_label=app_label)
    granted = direct | by_group | Q(is_superuser=True)
    coordinators = Q(is_program_admin=True) | Q(coordinated_regions__isnull=False)
    return users.filter(coordinators | (Q(is_trainer=True) & granted)).distinct()


class Track(models.Model):
    """A curriculum track (crypto fundamentals, forensics, ...); coordinators add more."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # How long a certificate of this track's workshops (and the track credential) stays valid;
    # empty: it never expires.
    validity_months = models.PositiveSmallIntegerField(
        _("certificates valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if certificates of this track never expire."),
    )
    # The certificate's sentence per site language ({"es": "...", ...}), with placeholders;
    # a language left out prints the site's own translated wording.
    certificate_wording = models.JSONField(_("certificate wording"), default=dict, blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")

    def __str__(self) -> str:
        return self.name


def prerequisites_required(revisions: Iterable[ModuleRevision]) -> set[int]:
    """The ids of the modules a workshop teaching `revisions` requires: every prerequisite
    those revisions list (frozen when each was published), less the modules it teaches itself
    (a module learnt in the same workshop is no prerequisite of it)."""
    taught: set[int] = set()
    required: set[int] = set()
    for revision in revisions:
        taught.add(revision.module_id)
        required.update(int(pk) for pk in revision.prerequisite_ids or ())
    return required - taught


class ModuleQuerySet(models.QuerySet):
    def required_for(self, workshop_id: int) -> ModuleQuerySet:
        """The modules the workshop requires before registering (`prerequisites_required`)."""
        revisions = ModuleRevision.objects.filter(workshop_uses__workshop_id=workshop_id).only(
            "module", "prerequisite_ids"
        )
        required = prerequisites_required(revisions)
        return self.filter(pk__in=required) if required else self.none()

    def live(self) -> ModuleQuerySet:
        """Modules with a published revision that are not archived: what officers may read."""
        return self.filter(published_revision__isnull=False).exclude(status=Module.Status.ARCHIVED)

    def visible_to(self, user) -> ModuleQuerySet:
        """Live modules for everyone with program access; working copies only for their authors,
        publishers (what is in review) and coordinators."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        if user.is_coordinator:
            return self
        scope = Q(published_revision__isnull=False) & ~Q(status=Module.Status.ARCHIVED)
        scope |= Q(pk__in=Module.objects.filter(authors=user).values("pk"))
        if can_publish_modules(user):
            scope |= Q(status=Module.Status.IN_REVIEW)
        return self.filter(scope)

    def editable_by(self, user) -> ModuleQuerySet:
        """Coordinators edit every module; trainers the ones they author."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        if user.is_coordinator:
            return self
        if user.is_trainer:
            return self.filter(pk__in=Module.objects.filter(authors=user).values("pk"))
        return self.none()

    def reviewable_by(self, user) -> ModuleQuerySet:
        """Modules waiting in review, for users with publish rights."""
        if not can_publish_modules(user):
            return self.none()
        return self.filter(status=Module.Status.IN_REVIEW)

    def manageable_by(self, user) -> ModuleQuerySet:
        """The working copies a user may open: what they may edit or review."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        if user.is_coordinator:
            return self
        scope = Q(pk__in=self.editable_by(user).values("pk"))
        if can_publish_modules(user):
            scope |= Q(status=Module.Status.IN_REVIEW)
        return self.filter(scope)


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
    track = models.ForeignKey(
        Track, on_delete=models.PROTECT, related_name="modules", verbose_name=_("track")
    )
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
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        verbose_name=_("prerequisites"),
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
    # The publisher's comment when a module is sent back to draft; cleared on the next submit.
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["track__position", "title"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        permissions = [("publish_module", _("Can publish curriculum modules"))]

    def __str__(self) -> str:
        return self.title

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    @property
    def is_live(self) -> bool:
        return self.published_revision_id is not None and self.status != self.Status.ARCHIVED


class ModuleRevisionQuerySet(models.QuerySet):
    def visible_to(self, user) -> ModuleRevisionQuerySet:
        """Revisions of the modules the user may see; published snapshots are readable to
        anyone who may read the module."""
        return self.filter(module__in=Module.objects.visible_to(user).values("pk"))

    def current(self) -> ModuleRevisionQuerySet:
        """Each live module's latest published revision (what a new workshop should teach)."""
        return self.filter(
            module__published_revision=models.F("pk"),
        ).exclude(module__status=Module.Status.ARCHIVED)


class ModuleRevision(models.Model):
    """An immutable, published snapshot of a module; workshops teach a given revision."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="revisions")
    # The module's track as published: which track a live module counts towards (its track
    # credential, a certificate's validity and printed facts) follows this, never a draft.
    track = models.ForeignKey(
        Track, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("track")
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=15, choices=Module.Level)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    duration_minutes = models.PositiveIntegerField()
    objectives = models.TextField()
    body = models.TextField(blank=True)
    prerequisite_ids = models.JSONField(default=list, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    objects = ModuleRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["module", "-number"]
        verbose_name = _("module revision")
        verbose_name_plural = _("module revisions")
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="modulerevision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (r{self.number})"

    def save(self, *args, **kwargs):
        # Workshops cite a revision as what they taught: it must never change after the fact.
        if not self._state.adding:
            raise ValueError("A module revision is immutable once published.")
        super().save(*args, **kwargs)

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]


def material_upload_to(instance: Material, filename: str) -> str:
    # The stored name is random: the user's filename is kept only as metadata.
    return f"materials/{instance.module_id}/{uuid.uuid4().hex}"


class MaterialQuerySet(models.QuerySet):
    def released(self) -> MaterialQuerySet:
        """Materials already there when the module's current revision was published: like the
        content, a new upload reaches officers only with the next publish."""
        return self.filter(created_at__lte=models.F("module__published_revision__published_at"))

    def downloadable_by(self, user) -> MaterialQuerySet:
        """Who may download: coordinators and the module's authors always; for live modules,
        released materials (see `released()`) to everyone with program access, except
        `attendees_only` files, which only officers with a confirmed registration for a
        workshop teaching the module (any revision) and that workshop's trainers get."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        if user.is_coordinator:
            return self
        authored = Module.objects.filter(authors=user).values("pk")
        live = Module.objects.live().values("pk")
        attended_workshops = (
            registration_model()
            ._default_manager.filter(officer=user, state="confirmed")
            .values("workshop")
        )
        taught = WorkshopModule.objects.filter(
            Q(workshop__in=attended_workshops) | Q(workshop__trainers=user)
        ).values("revision__module")
        released = Q(created_at__lte=models.F("module__published_revision__published_at"))
        scope = Q(module__in=authored)
        scope |= Q(module__in=live, attendees_only=False) & released
        scope |= Q(module__in=live, attendees_only=True) & Q(module__in=taught) & released
        return self.filter(scope)


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

    objects = MaterialQuerySet.as_manager()

    class Meta:
        ordering = ["module", "title"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title
