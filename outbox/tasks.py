from celery import shared_task

from .services import sweep


@shared_task
def sweep_outbox() -> int:
    """Beat, every 5 minutes: re-enqueue the e-mails whose own task never ran or failed."""
    return sweep()
