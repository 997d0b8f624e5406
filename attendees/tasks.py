import logging

from celery import shared_task
from django.utils import timezone

from outbox.models import Delivery
from outbox.retry import MAIL_RETRY
from outbox.services import record_failure, record_sent
from trainingsite.mail import build_templated_email

from .models import VettingDecision

logger = logging.getLogger(__name__)


@shared_task
def send_vetting_decision_email(decision_id: int) -> bool:
    """Tell the officer about a vetting decision, once: the conditional update claims it."""
    claimed = VettingDecision.objects.filter(pk=decision_id, notified_at=None).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False
    decision = VettingDecision.objects.select_related("officer").get(pk=decision_id)
    officer = decision.officer
    message = build_templated_email(
        to=officer.email,
        template="attendees/email/vetting_decision",
        context={"decision": decision, "officer": officer},
        language=officer.language,
    )
    try:
        message.send()
    except Exception:
        # Release the claim so a retry can send it.
        VettingDecision.objects.filter(pk=decision_id).update(notified_at=None)
        raise
    return True


# --- registration (issue #5) ---
@shared_task(**MAIL_RETRY)
def send_registration_event_email(event_id: int) -> bool:
    """Tell the officer about a change of their registration, once: the update claims it.
    A change into or out of a confirmed seat also queues the invite sync (which sends only what
    the officer's calendar lacks, so running it twice is harmless)."""
    from .models import Registration, RegistrationEvent

    claimed = RegistrationEvent.objects.filter(pk=event_id, notified_at=None).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False
    event = RegistrationEvent.objects.select_related(
        "registration__officer", "registration__workshop"
    ).get(pk=event_id)
    registration = event.registration
    officer = registration.officer
    message = build_templated_email(
        to=officer.email,
        template="attendees/email/registration_event",
        context={
            "event": event,
            "registration": registration,
            "workshop": registration.workshop,
            "officer": officer,
        },
        language=officer.language,
    )
    try:
        message.send()
    except Exception as exc:
        # Release the claim so a retry (backoff, or the outbox sweep) can send it.
        RegistrationEvent.objects.filter(pk=event_id).update(notified_at=None)
        record_failure(kind=Delivery.Kind.REGISTRATION_EVENT, object_id=event_id, error=exc)
        raise
    finally:
        # Even when this e-mail failed: the invites do not wait for its retries.
        if Registration.State.CONFIRMED in (event.from_state, event.to_state):
            _queue_invite_sync(registration.pk)
    record_sent(kind=Delivery.Kind.REGISTRATION_EVENT, object_id=event_id)
    return True


def _queue_invite_sync(registration_id: int) -> None:
    from invites.tasks import sync_registration_invites

    try:
        sync_registration_invites.delay(registration_id)
    except Exception:  # an eager run that failed (dev): logged, never hides the e-mail's outcome
        logger.exception("Invite sync for registration #%s failed", registration_id)


# --- end registration ---
