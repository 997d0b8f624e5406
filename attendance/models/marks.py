"""Attendance per session: the current mark, its full change history, check-in codes, walk-ins."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.models import Registration


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


# Statuses that count as attended time for completion: a late arrival still sat the session
# (a trainer marks someone who missed most of it absent instead).
ATTENDED_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class MarkSource(models.TextChoices):
    TRAINER = "trainer", _("Marked by staff")
    BULK = "bulk", _("Marked all present")
    CHECK_IN = "check_in", _("Self check-in")
    # Marked on a trainer's device without a network, applied when it synced.
    OFFLINE = "offline", _("Synced offline")
    # Ticked from a printed sign-in sheet after the session.
    PAPER = "paper", _("From a paper sign-in sheet")


class AttendanceMarkQuerySet(models.QuerySet):
    def for_session(self, session) -> AttendanceMarkQuerySet:
        return self.filter(session=session)

    def visible_to(self, user) -> AttendanceMarkQuerySet:
        """Marks of the registrations the pages show `user` (`Registration.visible_to`)."""
        return self.filter(registration__in=Registration.objects.visible_to(user).values("pk"))


class AttendanceMark(models.Model):
    """The current attendance of one registration at one session (one row, updated in place)."""

    registration = models.ForeignKey(
        "registrations.Registration", on_delete=models.CASCADE, related_name="attendance_marks"
    )
    session = models.ForeignKey(
        "workshops.WorkshopSession", on_delete=models.CASCADE, related_name="attendance_marks"
    )
    status = models.CharField(_("status"), max_length=10, choices=AttendanceStatus)
    source = models.CharField(max_length=10, choices=MarkSource, default=MarkSource.TRAINER)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    objects = AttendanceMarkQuerySet.as_manager()

    class Meta:
        ordering = ["session", "registration"]
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="attendancemark_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}@{self.session_id}: {self.status}"


class AttendanceChange(models.Model):
    """Append-only history: every change of a mark, who made it, when, old → new."""

    registration = models.ForeignKey(
        "registrations.Registration", on_delete=models.CASCADE, related_name="attendance_changes"
    )
    session = models.ForeignKey(
        "workshops.WorkshopSession", on_delete=models.CASCADE, related_name="attendance_changes"
    )
    old_status = models.CharField(max_length=10, choices=AttendanceStatus, blank=True)
    new_status = models.CharField(max_length=10, choices=AttendanceStatus)
    source = models.CharField(max_length=10, choices=MarkSource)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    # A mark made on a device without a network: the id the device gave it (so a resent mark
    # is applied once) and when it reached the server (`changed_at` is the device's time).
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A synced mark made before the session's current one (two devices disagreeing): kept in
    # the history, but the current mark stays the one made last.
    superseded = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("attendance change")
        verbose_name_plural = _("attendance changes")

    def __str__(self) -> str:
        return f"{self.old_status or '—'} → {self.new_status}"


class CheckInCode(models.Model):
    """The short code (and QR) a trainer shows in the room; valid only around its session."""

    session = models.OneToOneField(
        "workshops.WorkshopSession", on_delete=models.CASCADE, related_name="check_in_code"
    )
    code = models.CharField(max_length=12, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("check-in code")
        verbose_name_plural = _("check-in codes")

    def __str__(self) -> str:
        return self.code

    @property
    def display_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"


class WalkIn(models.Model):
    """An officer added to the roster on the day by staff, and whether it exceeded capacity."""

    registration = models.OneToOneField(
        "registrations.Registration", on_delete=models.CASCADE, related_name="walk_in"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    over_capacity = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("walk-in")
        verbose_name_plural = _("walk-ins")

    def __str__(self) -> str:
        return f"walk-in {self.registration_id}"
