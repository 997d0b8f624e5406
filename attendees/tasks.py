import logging

from celery import shared_task

from outbox.models import Delivery
from outbox.once import send_once
from outbox.retry import MAIL_RETRY
from trainingsite.mail import build_templated_email

from .models import VettingDecision

logger = logging.getLogger(__name__)


@shared_task
def send_vetting_decision_email(decision_id: int) -> bool:
    """Tell the officer about a vetting decision, once (see outbox.once)."""

    def send(decision):
        officer = decision.officer
        build_templated_email(
            to=officer.email,
            template="attendees/email/vetting_decision",
            context={"decision": decision, "officer": officer},
            language=officer.language,
        ).send()

    sent = send_once(
        VettingDecision,
        decision_id,
        unsent={"notified_at": None},
        mark_field="notified_at",
        send=send,
        select_related=("officer",),
    )
    return sent is not None


# --- registration (issue #5) ---
@shared_task(**MAIL_RETRY)
def send_registration_event_email(event_id: int) -> bool:
    """Tell the officer about a change of their registration, once (see outbox.once).
    A change into or out of a confirmed seat then queues the invite sync, whose work the
    registration already recorded (an InviteRequest row the invite sweep owns), so a lost
    message here delays the invite but never loses it."""
    from .models import RegistrationEvent

    def send(event):
        registration = event.registration
        officer = registration.officer
        build_templated_email(
            to=officer.email,
            template="attendees/email/registration_event",
            context={
                "event": event,
                "registration": registration,
                "workshop": registration.workshop,
                "officer": officer,
            },
            language=officer.language,
        ).send()

    try:
        event = send_once(
            RegistrationEvent,
            event_id,
            unsent={"notified_at": None},
            mark_field="notified_at",
            send=send,
            kind=Delivery.Kind.REGISTRATION_EVENT,
            select_related=("registration__officer", "registration__workshop"),
        )
    except Exception:
        # The invites do not wait for this e-mail's retries.
        event = RegistrationEvent.objects.filter(pk=event_id).first()
        _queue_invite_sync_if_seat_changed(event)
        raise
    if event is None:
        return False  # sent already, or another worker is sending it
    _queue_invite_sync_if_seat_changed(event)
    return True


def _queue_invite_sync_if_seat_changed(event) -> None:
    from invites.tasks import sync_registration_invites

    from .models import Registration

    if event is None or Registration.State.CONFIRMED not in (event.from_state, event.to_state):
        return
    try:
        sync_registration_invites.delay(event.registration_id)
    except Exception:  # an eager run that failed (dev): logged, never hides the e-mail's outcome
        logger.exception("Invite sync for registration #%s failed", event.registration_id)


# --- end registration ---
