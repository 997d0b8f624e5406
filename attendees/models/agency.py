from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from attendees.validators import validate_name


class Region(models.Model):
    """A program region (Asia-Pacific, Europe, Americas); coordinators are scoped by it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class AgencyQuerySet(models.QuerySet):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)

    def search(self, text: str) -> AgencyQuerySet:
        """By name or e-mail domain; a subquery, so counts annotated later are not multiplied."""
        text = text.strip()
        if not text:
            return self
        by_domain = AgencyDomain.objects.filter(domain__icontains=text).values("agency_id")
        return self.filter(models.Q(name__icontains=text) | models.Q(pk__in=by_domain))

    def managed_by(self, user) -> AgencyQuerySet:
        """Agencies a coordinator administers: their regions, or all for a program admin."""
        if not user.is_authenticated:
            return self.none()
        if user.is_program_admin:
            return self
        return self.filter(region__in=user.coordinated_region_ids)


class Agency(models.Model):
    class VettingMode(models.TextChoices):
        AUTO = "auto", _("Automatic (a confirmed agency e-mail is enough)")
        REVIEW = "review", _("Review (a focal point or coordinator approves each officer)")

    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    country: Country = CountryField(_("country"))  # type: ignore[assignment]
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("region")
    )
    vetting_mode = models.CharField(
        _("vetting mode"), max_length=10, choices=VettingMode, default=VettingMode.REVIEW
    )
    # A suspended agency loses access for all its officers at once.
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="agency_unique_name_country")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})"


class AgencyDomainQuerySet(models.QuerySet):
    def for_email(self, email: str) -> AgencyDomainQuerySet:
        domain = email.rsplit("@", 1)[-1].strip().lower()
        return self.filter(domain=domain, agency__is_active=True)


class AgencyDomain(models.Model):
    """An e-mail domain owned by an agency; a domain belongs to exactly one agency."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("e-mail domain"), max_length=253)

    objects = AgencyDomainQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]
        verbose_name = _("agency domain")
        verbose_name_plural = _("agency domains")
        constraints = [models.UniqueConstraint(Lower("domain"), name="agencydomain_unique_domain")]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)


class OnboardingRequest(models.Model):
    """An agency not yet in the program asks to join; it reaches the coordinators."""

    full_name = models.CharField(_("your full name"), max_length=200, validators=[validate_name])
    email = models.EmailField(_("work e-mail"))
    agency_name = models.CharField(_("agency name"), max_length=200, validators=[validate_name])
    country: Country = CountryField(_("country"))  # type: ignore[assignment]
    message = models.TextField(_("message"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("onboarding request")
        verbose_name_plural = _("onboarding requests")

    def __str__(self) -> str:
        return f"{self.agency_name} ({self.country.code})"


class AgencyEvent(models.Model):
    """Append-only record of every change a coordinator makes to an agency: who, when, what."""

    class Action(models.TextChoices):
        SUSPENDED = "suspended", _("Agency suspended")
        REACTIVATED = "reactivated", _("Agency reactivated")
        DOMAIN_ADDED = "domain_added", _("E-mail domain added")
        DOMAIN_REMOVED = "domain_removed", _("E-mail domain removed")
        VETTING_MODE = "vetting_mode", _("Vetting mode changed")
        FOCAL_NAMED = "focal_named", _("Focal point named")
        FOCAL_REMOVED = "focal_removed", _("Focal point removed")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        "attendees.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("agency event")
        verbose_name_plural = _("agency events")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.agency}"
