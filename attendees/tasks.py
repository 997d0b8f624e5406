import logging
from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from outbox import conf as outbox_conf
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
# A registration change wakes the mailer of its workshop instead of queueing a task of its own:
# when registration opens, a thousand changes in a few seconds make one or two tasks, and the web
# processes skip a Celery publish per request (a fifth of a registration's CPU). The event rows
# are the outbox: a change committed before a drain's read is sent by that drain, and the outbox
# sweep sends whatever a lost wake-up left behind.
WAKE_SECONDS = 10


def _wake_key(workshop_id: int) -> str:
    return f"registration-mail:wake:{workshop_id}"


def queue_registration_emails(workshop_id: int) -> None:
    """Once the caller's transaction commits, make sure a drain of the workshop's unsent
    registration e-mails is queued (at most one per WAKE_SECONDS is published while the
    earlier one has not started)."""

    def wake() -> None:
        key = _wake_key(workshop_id)
        # Set before publishing: changes committed from now on see it and rely on this drain,
        # which deletes it before reading, so it reads every change that saw the key.
        if not cache.add(key, 1, WAKE_SECONDS):
            return
        try:
            send_registration_emails.delay(workshop_id)
        except Exception:
            cache.delete(key)  # the next change publishes again; the sweep covers this one
            logger.warning("Could not queue registration e-mails of workshop #%s", workshop_id)
            raise

    transaction.on_commit(wake, robust=True)


@shared_task
def send_registration_emails(workshop_id: int) -> int:
    """Send every registration e-mail of the workshop not sent yet, oldest first; safe to run
    twice or concurrently (each e-mail is claimed once, see outbox.once). It leaves alone what
    the outbox sweep leaves alone: events older than OUTBOX_MAX_AGE_HOURS, given-up e-mails and
    e-mails attempted within the grace period, so wake-ups during a mail outage do not burn
    through an e-mail's attempts; the sweep retries failures after the grace period. One
    refused address does not hold up the others. Returns how many this run sent."""
    from outbox.services import held_deliveries

    from .models import RegistrationEvent

    cache.delete(_wake_key(workshop_id))
    held = held_deliveries(kind=Delivery.Kind.REGISTRATION_EVENT)
    oldest = timezone.now() - timedelta(hours=outbox_conf.max_age_hours())
    pending = (
        RegistrationEvent.objects.filter(
            registration__workshop_id=workshop_id, notified_at__isnull=True, created_at__gte=oldest
        )
        .exclude(pk__in=held.values("object_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent, failed = 0, 0
    for event_id in list(pending):
        try:
            sent += _send_registration_event(event_id)
            failed = 0
        except Exception:  # recorded in the outbox by send_once; the sweep retries it
            logger.warning("Registration e-mail #%s failed", event_id, exc_info=True)
            failed += 1
            if failed >= 3:
                break  # the mail server is down: no use trying every e-mail now
    return sent


@shared_task(**MAIL_RETRY)
def send_registration_event_email(event_id: int) -> bool:
    """One registration e-mail, with retries: how the outbox sweep and the failed-deliveries
    page send it."""
    return _send_registration_event(event_id)


def _send_registration_event(event_id: int) -> bool:
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
