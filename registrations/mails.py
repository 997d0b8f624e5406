"""The e-mails about registrations, rendered in the recipient's language."""

from __future__ import annotations

from django.core.mail import EmailMessage

from attendees.models import User
from trainingsite.mail import build_templated_email

from .models import PrerequisiteWaiver, RegistrationEvent


def registration_event_mail(event_id: int) -> EmailMessage:
    """Rendered at the first attempt to send it (outbox.services.queue_render), then stored:
    the event row says what the change did; the workshop and officer are read as they are
    then, and a resend repeats that."""
    event = RegistrationEvent.objects.select_related(
        "registration__officer", "registration__workshop", "actor"
    ).get(pk=event_id)
    registration = event.registration
    officer = registration.officer
    return build_templated_email(
        to=officer.email,
        template="registrations/email/registration_event",
        context={
            "event": event,
            "registration": registration,
            "workshop": registration.workshop,
            "officer": officer,
        },
        language=officer.language,
    )


def registration_waiting_mail(event_id: int, member_id: int) -> EmailMessage:
    """To a coordinator (an approval) or focal point (an endorsement): a registration waits
    for them. Rendered when sent from the event row, which never changes."""
    event = RegistrationEvent.objects.select_related(
        "registration__officer__agency", "registration__workshop"
    ).get(pk=event_id)
    member = User.objects.get(pk=member_id)
    registration = event.registration
    return build_templated_email(
        to=member.email,
        template="registrations/email/registration_waiting",
        context={
            "event": event,
            "registration": registration,
            "workshop": registration.workshop,
            "officer": registration.officer,
            "member": member,
        },
        language=member.language,
        time_zone=member.time_zone,
    )


def nomination_declined_mail(event_id: int, member_id: int) -> EmailMessage:
    """To a focal point: an officer of their agency declined its nomination. Rendered when
    sent from the event row, which never changes."""
    event = RegistrationEvent.objects.select_related(
        "registration__officer__agency", "registration__workshop"
    ).get(pk=event_id)
    member = User.objects.get(pk=member_id)
    registration = event.registration
    return build_templated_email(
        to=member.email,
        template="registrations/email/nomination_declined",
        context={
            "event": event,
            "registration": registration,
            "workshop": registration.workshop,
            "officer": registration.officer,
            "member": member,
        },
        language=member.language,
        time_zone=member.time_zone,
    )


def prerequisite_waiver_mail(waiver: PrerequisiteWaiver) -> EmailMessage:
    """To the officer: a coordinator waived the workshop's prerequisite modules for them, so
    they may register now (the reason stays in the record, for staff)."""
    officer = waiver.officer
    return build_templated_email(
        to=officer.email,
        template="registrations/email/prerequisite_waiver",
        context={"waiver": waiver, "workshop": waiver.workshop, "officer": officer},
        language=officer.language,
        time_zone=officer.time_zone,
    )
