from __future__ import annotations

import zoneinfo
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from attendees.validators import validate_name

from . import access
from .access import AccessState
from .agency import Agency

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class UserQuerySet(models.QuerySet):
    def officers(self) -> UserQuerySet:
        return self.filter(agency__isnull=False)

    def verified(self) -> UserQuerySet:
        return self.filter(status=User.Status.VERIFIED)

    def vettable_by(self, user) -> UserQuerySet:
        """Officers whose vetting `user` may decide: by region for coordinators, own agency for
        focal points. Never the user themself."""
        if not user.is_authenticated:
            return self.none()
        qs = self.officers().exclude(pk=user.pk)
        if user.is_program_admin:
            return qs
        scope = Q(agency__region__in=user.coordinated_region_ids)
        if user.is_focal_point and user.has_program_access:
            scope |= Q(agency_id=user.agency_id)
        return qs.filter(scope)

    def managed_by(self, user) -> UserQuerySet:
        """Officers of the agencies a coordinator administers (all for a program admin)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_program_admin:
            return self.officers()
        return self.officers().filter(agency__region__in=user.coordinated_region_ids)

    def in_workspace_of(self, user) -> UserQuerySet:
        """Officers (any status) of the agencies whose workspace and training record `user`
        may see (`Agency.workspace_for`): a focal point's own agency, a coordinator's regions,
        every agency for a program admin; as the record's officers section lists them."""
        return self.officers().filter(agency__in=Agency.objects.workspace_for(user))

    def search(self, text: str) -> UserQuerySet:
        # PostgreSQL refuses a NUL in a query parameter; no name or address contains one.
        text = text.replace("\x00", "").strip()
        if not text:
            return self
        return self.filter(Q(full_name__icontains=text) | Q(email__icontains=text))

    def coordinating(self, region_id: int) -> UserQuerySet:
        """Who manages a region's workshops and agencies: its coordinators and the program
        admins (the inverse of `managed_by`)."""
        return self.filter(Q(is_program_admin=True) | Q(coordinated_regions=region_id)).distinct()

    def focal_points(self) -> UserQuerySet:
        """Focal points in office (verified, active); scope with `agency_id=`."""
        return self.officers().verified().filter(is_focal_point=True, is_active=True)

    def vetters_of(self, agency) -> UserQuerySet:
        """Who newcomers of `agency` wait for to be vetted: its focal points, or when it has
        none, the coordinators of its region (both may decide, `vettable_by`)."""
        focal_points = self.focal_points().filter(agency_id=agency.pk)
        if focal_points.exists():
            return focal_points
        return self.coordinating(agency.region_id)

    def name_change_requests(self) -> UserQuerySet:
        """Verified officers whose display name differs from their vetted name and was not
        declined: changes that wait for a focal point or coordinator (scope with vettable_by)."""
        return (
            self.officers()
            .verified()
            .exclude(full_name=F("vetted_name"))
            .exclude(full_name=F("declined_name"))
        )


# A base mypy cannot type: django-stubs builds the class only for `X = M.from_queryset(Q)`, and
# loses even that when mypy re-analyses this module (python/mypy#17402). It is Any to mypy.
class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("is_program_admin", True)
        extra.setdefault("status", User.Status.VERIFIED)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: agency officers and program staff. E-mail is the login."""

    class WorkMail(models.TextChoices):
        # Each item by default: what waits for staff is someone waiting for them (an officer for
        # a seat or their vetting), so the first mail should come when it starts waiting. Those
        # who get many choose the digest.
        EACH = "each", _("An e-mail for each item")
        DIGEST = "digest", _("One e-mail a day with everything waiting")
        WEEKLY = "weekly", _("One e-mail a week with everything waiting")
        NONE = "none", _("No e-mail: I check the site")

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("E-mail not confirmed")
        PENDING = "pending", _("Pending vetting")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    email = models.EmailField(_("e-mail address"), unique=True)
    # The display name: the officer edits it freely on their profile.
    full_name = models.CharField(_("full name"), max_length=200, validators=[validate_name])
    # The name certificates print and restricted PDFs are stamped with. Only vetting sets it
    # (verification, approval, reinstatement, an accepted name change), from the name the
    # vetting saw, so an officer cannot title themself "Director General" on a certificate.
    vetted_name = models.CharField(
        _("vetted name"), max_length=200, blank=True, validators=[validate_name]
    )
    # A display name the vetting declined: it is not asked for again.
    declined_name = models.CharField(
        _("declined name"), max_length=200, blank=True, validators=[validate_name]
    )
    rank = models.CharField(_("rank or title"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    # Derived from the e-mail domain at sign-up, never chosen freely. Null for program staff.
    agency = models.ForeignKey(
        "attendees.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("agency"),
    )
    country: Country = CountryField(_("country"), blank=True)  # type: ignore[assignment]
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="UTC"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )

    # How staff hear of work waiting for them (registrations to approve, officers to vet,
    # nominations to endorse, modules to review or back from review).
    work_mail = models.CharField(
        _("e-mails about work waiting for you"),
        max_length=6,
        choices=WorkMail,
        default=WorkMail.EACH,
    )
    # The first day (in the user's time zone) of the period whose digest was last made (sent, or
    # nothing to tell): that day for a daily digest, the ISO week's Monday for a weekly one.
    # One a period at most.
    last_digest_on = models.DateField(null=True, blank=True, editable=False)

    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.UNCONFIRMED, db_index=True
    )
    # When the agency e-mail was last vetted or re-confirmed; vetting expires after
    # settings.VETTING_VALIDITY from here.
    vetted_at = models.DateTimeField(_("vetted at"), null=True, blank=True)

    # Roles. Coordinators are scoped to regions; a program admin sees every region.
    is_focal_point = models.BooleanField(_("agency focal point"), default=False)
    is_trainer = models.BooleanField(_("trainer"), default=False)
    is_program_admin = models.BooleanField(_("program administrator"), default=False)
    coordinated_regions = models.ManyToManyField(
        "attendees.Region",
        blank=True,
        related_name="coordinators",
        verbose_name=_("coordinated regions"),
    )

    is_staff = models.BooleanField(_("Django admin access"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def name_of_record(self) -> str:
        """The name certificates print and PDFs are stamped with: the vetted name. Program staff
        (never vetted, created by an administrator) carry their display name; an officer without
        a vetted name carries a placeholder, never the display name they may retype. Never the
        e-mail address: certificates and stamped pages are shown to others."""
        if self.vetted_name:
            return self.vetted_name
        if self.agency_id is None and self.full_name:
            return self.full_name
        return gettext("Name not vetted")

    @property
    def name_change_pending(self) -> bool:
        """The rule of UserQuerySet.name_change_requests, for one loaded user."""
        return (
            self.agency_id is not None
            and self.status == self.Status.VERIFIED
            and self.full_name not in (self.vetted_name, self.declined_name)
        )

    @property
    def name_change_declined(self) -> bool:
        return (
            self.agency_id is not None
            and self.status == self.Status.VERIFIED
            and self.full_name != self.vetted_name
            and self.full_name == self.declined_name
        )

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower()

    @cached_property
    def coordinated_region_ids(self) -> list[int]:
        if not self.pk:
            return []
        return list(self.coordinated_regions.values_list("pk", flat=True))

    @property
    def is_coordinator(self) -> bool:
        return self.is_program_admin or bool(self.coordinated_region_ids)

    @property
    def may_have_work_waiting(self) -> bool:
        """Roles that things wait for (approvals, vetting, endorsements, reviews): the ones
        asked how they want to hear of them."""
        return self.is_coordinator or self.is_focal_point or self.is_trainer

    @property
    def vetting_expires_at(self):
        if self.vetted_at is None:
            return None
        return self.vetted_at + settings.VETTING_VALIDITY

    @cached_property
    def access_state(self) -> AccessState:
        return access.access_state(self)

    @property
    def has_program_access(self) -> bool:
        return self.access_state == AccessState.OK


class VettingDecision(models.Model):
    """Append-only record of every vetting event: who, when, what and why."""

    class Action(models.TextChoices):
        AUTO_VERIFIED = "auto_verified", _("Verified automatically")
        SUBMITTED = "submitted", _("Submitted for vetting")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")
        REINSTATED = "reinstated", _("Reinstated")
        RECONFIRMED = "reconfirmed", _("Agency e-mail re-confirmed")
        FOCAL_NAMED = "focal_named", _("Named focal point")
        FOCAL_REMOVED = "focal_removed", _("Removed as focal point")
        NAME_APPROVED = "name_approved", _("Name change accepted")
        NAME_DECLINED = "name_declined", _("Name change declined")

    officer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="vetting_decisions")
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    reason = models.TextField(_("reason"), blank=True)
    # The name this decision vetted (verification, approval, reinstatement, an accepted name
    # change) or declined.
    name = models.CharField(_("name"), max_length=200, blank=True, validators=[validate_name])
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("vetting decision")
        verbose_name_plural = _("vetting decisions")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.officer}"
