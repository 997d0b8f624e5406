"""Demo attendance for the demo's past workshops: marks, closing, certificates, feedback.

Idempotent: marks are only added where missing, closed workshops are left closed, feedback is
created once per registration.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from attendees.models import User
from registrations.models import Registration, RegistrationEvent
from workshops.models import Workshop

from .models import AttendanceMark, Feedback, FeedbackModuleRating, WorkshopClosure
from .models.marks import AttendanceStatus, MarkSource
from .services.closing import close_workshop
from .services.marking import apply_marks

DEMO_OFFICER = "officer@spf.example.sg"


def _actor(workshop: Workshop) -> User | None:
    return (
        workshop.trainers.first()
        or User.objects.filter(is_program_admin=True, status=User.Status.VERIFIED).first()
    )


def seed() -> list:
    now = timezone.now()
    workshops = list(
        Workshop.objects.filter(
            Q(status=Workshop.Status.COMPLETED)
            | Q(status=Workshop.Status.PUBLISHED, ends_at__lt=now)
        )
        .filter(sessions__isnull=False)
        .distinct()
        .order_by("ends_at")
    )
    if not workshops:
        return []
    demo_officer = User.objects.filter(email=DEMO_OFFICER).first()
    for index, workshop in enumerate(workshops):
        actor = _actor(workshop)
        if actor is None:
            continue
        if index == 0 and demo_officer is not None:
            registration, created = Registration.objects.get_or_create(
                workshop=workshop,
                officer=demo_officer,
                defaults={"state": Registration.State.CONFIRMED, "confirmed_at": now},
            )
            if registration.state != Registration.State.CONFIRMED:
                old = registration.state
                registration.state, registration.confirmed_at = Registration.State.CONFIRMED, now
                registration.save(update_fields=["state", "confirmed_at", "updated_at"])
                RegistrationEvent.objects.create(
                    registration=registration,
                    actor=actor,
                    from_state=old,
                    to_state=registration.state,
                    reason="Demo: attended the past workshop",
                )
        closure, _created = WorkshopClosure.objects.get_or_create(workshop=workshop)
        if closure.is_closed:
            continue
        roster = list(
            Registration.objects.filter(
                workshop=workshop, state=Registration.State.CONFIRMED
            ).order_by("pk")
        )
        sessions = list(workshop.sessions.all())
        for number, session in enumerate(sessions):
            statuses = {}
            for position, registration in enumerate(roster):
                # Most attend; every fifth officer misses the later sessions.
                if position % 5 == 4 and number > 0:
                    status = AttendanceStatus.ABSENT if number % 2 else AttendanceStatus.EXCUSED
                elif position % 7 == 3 and number == 0:
                    status = AttendanceStatus.LATE
                else:
                    status = AttendanceStatus.PRESENT
                statuses[registration.pk] = status.value
            existing = set(
                AttendanceMark.objects.filter(session=session).values_list(
                    "registration_id", flat=True
                )
            )
            missing = {k: v for k, v in statuses.items() if k not in existing}
            if missing:
                apply_marks(session=session, statuses=missing, by=actor, source=MarkSource.TRAINER)
        if sessions and max(s.ends_at for s in sessions) <= now:
            close_workshop(workshop_id=workshop.pk, by=_staff_closer(workshop, actor))
        _seed_feedback(workshop, roster)
    return []


def _staff_closer(workshop: Workshop, actor: User) -> User:
    admin = User.objects.filter(is_program_admin=True, status=User.Status.VERIFIED).first()
    return actor if workshop.trainers.filter(pk=actor.pk).exists() else admin or actor


COMMENTS = [
    "Very practical; the tracing exercises were the highlight.",
    "More time for the hands-on lab, please.",
    "Excellent trainers, clear explanations of mixers and bridges.",
    "",
    "Useful for our unit's current cases.",
    "The case study on ransomware payments was great.",
]


def _seed_feedback(workshop: Workshop, roster: list[Registration]) -> None:
    modules = list(workshop.workshop_modules.all())
    for position, registration in enumerate(roster):
        if registration.officer.email == DEMO_OFFICER:
            continue  # left for the demo officer to fill in
        completion = getattr(registration, "completion", None)
        if completion is None or not completion.attended_minutes:
            continue
        if Feedback.objects.filter(registration=registration).exists():
            continue
        feedback = Feedback.objects.create(
            registration=registration,
            overall=5 - position % 3,
            trainer_rating=5 - position % 2,
            comments=COMMENTS[position % len(COMMENTS)],
        )
        FeedbackModuleRating.objects.bulk_create(
            FeedbackModuleRating(
                feedback=feedback, workshop_module=wm, usefulness=4 + (position + i) % 2
            )
            for i, wm in enumerate(modules)
        )
