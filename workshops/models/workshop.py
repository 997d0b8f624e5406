from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from attendees.models.user import TIME_ZONE_CHOICES


class WorkshopQuerySet(models.QuerySet):
    def visible_to(self, user) -> WorkshopQuerySet:
        """Coordinators see every workshop of their regions, trainers the ones they teach, and
        verified officers published ones plus any they are registered for."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        if user.is_program_admin:
            return self
        scope = Q(status__in=[Workshop.Status.PUBLISHED, Workshop.Status.COMPLETED])
        scope |= Q(registrations__officer=user)
        if user.is_trainer:
            scope |= Q(trainers=user)
        if user.coordinated_region_ids:
            scope |= Q(region__in=user.coordinated_region_ids)
        return self.filter(pk__in=self.filter(scope).values("pk"))

    def editable_by(self, user) -> WorkshopQuerySet:
        """Only coordinators schedule, and only in their own regions."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        if user.is_program_admin:
            return self
        return self.filter(region__in=user.coordinated_region_ids)

    def taught_by(self, user) -> WorkshopQuerySet:
        return self.filter(trainers=user)

    def run_by(self, user) -> WorkshopQuerySet:
        """Workshops a staff member runs on the day (roster, attendance, walk-ins): trainers the
        ones they teach, coordinators their regions' (all for program admins)."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        scope = Q(pk__in=Workshop.objects.editable_by(user).values("pk"))
        if user.is_trainer:
            scope |= Q(pk__in=Workshop.objects.taught_by(user).values("pk"))
        return self.filter(scope)

    def published(self) -> WorkshopQuerySet:
        return self.filter(status=Workshop.Status.PUBLISHED)

    def upcoming(self, since: dt.datetime | None = None) -> WorkshopQuerySet:
        """Not over at `since` (default now), and never a cancelled one: it will not happen."""
        return self.exclude(status=Workshop.Status.CANCELLED).filter(
            ends_at__gte=since or timezone.now()
        )

    def past(self, before: dt.datetime | None = None) -> WorkshopQuerySet:
        """Over before `before` (default now); cancelled ones are listed apart."""
        return self.exclude(status=Workshop.Status.CANCELLED).filter(
            ends_at__lt=before or timezone.now()
        )

    def cancelled(self) -> WorkshopQuerySet:
        return self.filter(status=Workshop.Status.CANCELLED)

    def with_seat_counts(self) -> WorkshopQuerySet:
        """Annotate live `confirmed_count`, `waitlist_count` and `reserved_count` (the unfilled
        seats held for agencies; correlated subqueries, so other joins on the queryset can
        never multiply them)."""
        return self.annotate(
            confirmed_count=_registration_count("confirmed"),
            waitlist_count=_registration_count("waitlisted"),
            reserved_count=_reserved_count(),
        )

    def with_state_of(self, user) -> WorkshopQuerySet:
        """Annotate `my_state`: the state of `user`'s own registration for each workshop, or
        None. A correlated subquery (one registration per officer and workshop), so a page of
        cards costs no query per card."""
        if not user.is_authenticated:
            return self.annotate(my_state=models.Value(None, output_field=models.CharField()))
        own = (
            registration_model()
            ._default_manager.filter(workshop=OuterRef("pk"), officer=user)
            .order_by()
            .values("state")[:1]
        )
        return self.annotate(my_state=Subquery(own, output_field=models.CharField()))

    def for_catalog(self, user) -> WorkshopQuerySet:
        """Published workshops that have not ended, as the viewer may see them: anyone with
        program access sees every published workshop (`visible_to`), so the catalog needs
        none of its joins."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        return self.published().upcoming()


def registration_model() -> type[models.Model]:
    """registrations.Registration, which points at Workshop: reached through the reverse
    relation, as its app sits above this one and is never imported here."""
    return Workshop._meta.get_field("registrations").related_model


def _reserved_count():
    """The unfilled seats of the workshop's held reservations (`SeatReservation.with_filled`,
    reached through the reverse relation: the registrations app sits above this one)."""
    reservations: Any = Workshop._meta.get_field("seat_reservations").related_model
    unfilled = (
        reservations.objects.filter(workshop=OuterRef("pk"))
        .held()
        .with_filled()
        .order_by()
        .values("workshop")
        .annotate(n=Sum(Greatest(F("seats") - F("filled"), 0)))
        .values("n")
    )
    return Coalesce(Subquery(unfilled, output_field=models.IntegerField()), 0)


def _registration_count(state: str):
    counts = (
        registration_model()
        ._default_manager.filter(workshop=OuterRef("pk"), state=state)
        .order_by()
        .values("workshop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=models.IntegerField()), 0)


class Workshop(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    region = models.ForeignKey(
        "attendees.Region", on_delete=models.PROTECT, related_name="workshops"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    format = models.CharField(_("format"), max_length=10, choices=Format, default=Format.IN_PERSON)
    language = models.CharField(
        _("language of instruction"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    # Sessions are entered in this zone (the venue's, or the host's for online workshops).
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country: Country = CountryField(_("country"), blank=True)  # type: ignore[assignment]
    # Shown only to confirmed attendees, trainers and coordinators.
    online_url = models.URLField(_("joining link"), blank=True)
    online_details = models.TextField(_("joining details"), blank=True)

    capacity = models.PositiveIntegerField(_("capacity"))
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    cancellation_deadline = models.DateTimeField(
        _("officers may cancel until"), null=True, blank=True
    )
    requires_approval = models.BooleanField(_("registrations need approval"), default=False)
    requires_nomination = models.BooleanField(
        _("registrations need agency nomination"), default=False
    )
    agency_seat_cap = models.PositiveIntegerField(
        _("seats per agency"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    host_agency = models.ForeignKey(
        "attendees.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_workshops",
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="taught_workshops"
    )
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    # Denormalised from the sessions (kept by the scheduling service) so catalog filters and
    # ordering need no join.
    starts_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_online(self) -> bool:
        return self.format == self.Format.ONLINE

    @property
    def place(self) -> str:
        """ "City, Country" or "Online" for cards."""
        if self.is_online:
            return str(_("Online"))
        return ", ".join(p for p in (self.city, self.country.name if self.country else "") if p)

    @property
    def seats_taken(self) -> int:
        confirmed = getattr(self, "confirmed_count", None)
        if confirmed is None:
            # Live count when the queryset was not annotated (a single object).
            confirmed = self.registrations.filter(state="confirmed").count()
        return confirmed

    @property
    def registration_opens_later(self) -> bool:
        return timezone.now() < self.registration_opens_at

    @property
    def seats_reserved(self) -> int:
        """Seats held for agencies and not yet filled: free for nobody registering."""
        reserved = getattr(self, "reserved_count", None)
        if reserved is None:
            reserved = Workshop.objects.filter(pk=self.pk).with_seat_counts()[0].reserved_count
        return reserved

    @property
    def seats_left(self) -> int:
        """Seats an officer registering may take: none held for an agency (the seat rule of
        the registrations app; an agency fills its own by nomination)."""
        return max(self.capacity - self.seats_taken - self.seats_reserved, 0)


class WorkshopModule(models.Model):
    """The modules a workshop teaches, in order, pinned to the revision taught."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="workshop_modules"
    )
    revision = models.ForeignKey(
        "workshops.ModuleRevision", on_delete=models.PROTECT, related_name="workshop_uses"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["workshop", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "revision"], name="workshopmodule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id}#{self.position}"


class WorkshopSession(models.Model):
    """One day or block of a workshop. Times are stored in UTC."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id}: {self.starts_at:%Y-%m-%d %H:%M}"
