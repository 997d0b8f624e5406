from celery import shared_task
from django.conf import settings

from . import sending
from .models import Mail


@shared_task
def send_mails(mail_ids: list[int]) -> int:
    """Send these outbox mails (queued on commit by outbox.services)."""
    return sending.send_mails(mail_ids)


@shared_task
def sweep_outbox() -> int:
    """Beat, every OUTBOX_SWEEP_SECONDS: mails whose send was lost, is due for a retry, or
    whose sender died mid-send. Returns how many mails it handed to senders."""
    sending.release_stale_claims()
    ids = sending.due_ids()
    size = settings.OUTBOX_BATCH_SIZE
    for start in range(0, len(ids), size):
        send_mails.delay(ids[start : start + size])
    return len(ids)


@shared_task
def purge_mails() -> int:
    """Beat, daily: delete mails past OUTBOX_KEEP_DAYS."""
    deleted, _by_model = Mail.objects.expired().delete()
    return deleted
