from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops.models import Workshop


class RegistrationQuerySet(models.QuerySet):
    def of_officer(self, user) -> RegistrationQuerySet:
        """An officer's own registrations; nobody else's are ever reachable this way."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(officer=user)

    def managed_by(self, user) -> RegistrationQuerySet:
        """Registrations of workshops in the coordinator's regions (all for program admins)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_program_admin:
            return self
        return self.filter(workshop__region__in=user.coordinated_region_ids)

    def decidable_by(self, user) -> RegistrationQuerySet:
        """Registrations a coordinator may decide (`managed_by`): never their own, as an officer
        of an agency (another coordinator decides it)."""
        return self.managed_by(user).exclude(officer_id=user.pk)

    def visible_to(self, user) -> RegistrationQuerySet:
        """Registrations the pages show `user`: their own (My training); a focal point's
        agency's officers' (the agency's record); the confirmed roster of the workshops a
        trainer teaches; a coordinator's regions' (`managed_by`, all for program admins)."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        # `nominations_for` is the focal point's agency less themself, whom `of_officer` adds.
        scope = self.of_officer(user) | self.nominations_for(user) | self.managed_by(user)
        if user.is_trainer:
            scope |= self.filter(
                workshop__in=Workshop.objects.taught_by(user).values("pk"),
                state=Registration.State.CONFIRMED,
            )
        return scope

    def active(self) -> RegistrationQuerySet:
        return self.filter(state__in=Registration.ACTIVE_STATES)

    def nominations_for(self, user) -> RegistrationQuerySet:
        """Nominations a focal point may endorse: their own agency's officers only."""
        if not user.is_authenticated or not user.is_focal_point or user.agency_id is None:
            return self.none()
        return self.filter(officer__agency_id=user.agency_id).exclude(officer=user)

    def with_waitlist_position(self) -> RegistrationQuerySet:
        """Annotate `waitlist_position` (1-based) on waitlisted rows, None on the others: the
        subquery then runs for waitlisted rows only (an officer's 200 past registrations)."""
        ahead = (
            Registration.objects.filter(
                workshop=OuterRef("workshop"), state=Registration.State.WAITLISTED
            )
            .filter(
                Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
                | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
            )
            .order_by()
            .values("workshop")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            waitlist_position=Case(
                When(state=Registration.State.WAITLISTED, then=Coalesce(Subquery(ahead), 0) + 1),
                default=None,
                output_field=models.IntegerField(),
            )
        )

    def waitlist(self) -> RegistrationQuerySet:
        """First come, first served: ordered by the time of joining the waitlist."""
        return self.filter(state=Registration.State.WAITLISTED).order_by("waitlisted_at", "pk")


class Registration(models.Model):
    """One officer's place (or request for one) in one workshop."""

    class State(models.TextChoices):
        # Put forward by the agency's focal point: the officer accepts (then it goes on as an
        # endorsed nomination) or declines.
        OFFERED = "offered", _("Nominated by your agency: awaiting your answer")
        NOMINATION = "nomination", _("Awaiting agency endorsement")
        PENDING = "pending", _("Pending approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        REMOVED = "removed", _("Removed by coordinator")

    ACTIVE_STATES = (
        State.OFFERED,
        State.NOMINATION,
        State.PENDING,
        State.CONFIRMED,
        State.WAITLISTED,
    )

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="registrations"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrations"
    )
    state = models.CharField(_("state"), max_length=12, choices=State, db_index=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # First come, first served: the waitlist is ordered by the time of joining it.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # First stage of a nominated registration: the agency focal point who endorsed it.
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("endorsed by"),
    )
    endorsed_at = models.DateTimeField(_("endorsed at"), null=True, blank=True)
    # The focal point who put the officer forward (a nomination by the agency, not a request
    # by the officer); on acceptance they are also `endorsed_by`.
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    nominated_at = models.DateTimeField(_("nominated at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    # Not a column: 1-based place on the waitlist, on rows read through
    # `with_waitlist_position()` and on the one `register()` waitlists; unset elsewhere.
    waitlist_position: int | None

    class Meta:
        # The table kept its name when the model moved here from attendees.
        db_table = "attendees_registration"
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One row per officer and workshop; re-registering reuses it, so a double click or
            # a replayed POST can never create a second registration.
            models.UniqueConstraint(
                fields=["workshop", "officer"], name="registration_unique_officer"
            )
        ]
        indexes = [models.Index(fields=["workshop", "state", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.officer} → {self.workshop} ({self.get_state_display()})"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES


class RegistrationEvent(models.Model):
    """Append-only history of a registration: who moved it from which state to which, and why."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(max_length=12, choices=Registration.State, blank=True)
    to_state = models.CharField(max_length=12, choices=Registration.State)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "attendees_registrationevent"
        ordering = ["created_at", "pk"]
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state}"


class SeatReservationQuerySet(models.QuerySet):
    def held(self) -> SeatReservationQuerySet:
        """Not yet returned to the open pool (the release job or a coordinator sets
        `released_at`; until then the unfilled seats stay the agency's, even past `until`)."""
        return self.filter(released_at__isnull=True)

    def managed_by(self, user) -> SeatReservationQuerySet:
        """Reservations of workshops in the coordinator's regions (all for program admins)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_program_admin:
            return self
        return self.filter(workshop__region__in=user.coordinated_region_ids)

    def of_agency_of(self, user) -> SeatReservationQuerySet:
        """A focal point's own agency's reservations; nobody else's. Not those of a draft
        workshop: its agency sees it once it is published (officers never see drafts)."""
        if not user.is_authenticated or not user.is_focal_point or user.agency_id is None:
            return self.none()
        return self.filter(agency_id=user.agency_id).exclude(workshop__status=Workshop.Status.DRAFT)

    def with_filled(self) -> SeatReservationQuerySet:
        """Annotate `filled`: the agency's officers confirmed on the workshop with the agency's
        endorsement (the registrations that take reserved seats), however many were reserved."""
        filled = (
            Registration.objects.filter(
                workshop=OuterRef("workshop"),
                officer__agency=OuterRef("agency"),
                state=Registration.State.CONFIRMED,
                endorsed_by__isnull=False,
            )
            .order_by()
            .values("workshop")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(filled=Coalesce(Subquery(filled), 0))


class SeatReservation(models.Model):
    """Seats of a workshop held for one agency until a date: only officers the agency endorsed
    (its nominations) take them; at `until` the unfilled ones return to the open pool."""

    workshop = models.ForeignKey(
        "workshops.Workshop",
        on_delete=models.CASCADE,
        related_name="seat_reservations",
        verbose_name=_("workshop"),
    )
    agency = models.ForeignKey(
        "attendees.Agency",
        on_delete=models.CASCADE,
        related_name="seat_reservations",
        verbose_name=_("agency"),
    )
    seats = models.PositiveIntegerField(_("seats"))
    until = models.DateTimeField(_("held until"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(_("returned to the pool at"), null=True, blank=True)
    # None with `released_at` set: returned by the release job at `until`.
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SeatReservationQuerySet.as_manager()

    class Meta:
        ordering = ["until", "pk"]
        verbose_name = _("seat reservation")
        verbose_name_plural = _("seat reservations")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "agency"],
                condition=Q(released_at__isnull=True),
                name="seatreservation_one_held_per_agency",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="seatreservation_seats_min_1"),
        ]
        indexes = [models.Index(fields=["released_at", "until"])]

    def __str__(self) -> str:
        return f"{self.seats} × {self.workshop} → {self.agency}"


class PrerequisiteWaiverQuerySet(models.QuerySet):
    def managed_by(self, user) -> PrerequisiteWaiverQuerySet:
        """Waivers of workshops the coordinator schedules (`Workshop.editable_by`)."""
        return self.filter(workshop__in=Workshop.objects.editable_by(user).values("pk"))


class PrerequisiteWaiver(models.Model):
    """A coordinator's decision that an officer may register for a workshop without the
    prerequisite modules they have not completed (recorded, with its reason and author)."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="prerequisite_waivers"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prerequisite_waivers"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=timezone.now)

    objects = PrerequisiteWaiverQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("prerequisite waiver")
        verbose_name_plural = _("prerequisite waivers")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "officer"], name="prerequisite_waiver_once")
        ]

    def __str__(self) -> str:
        return f"waiver {self.workshop_id}/{self.officer_id}"
