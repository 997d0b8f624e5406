from celery import shared_task

from .services import purge_unconfirmed_accounts


@shared_task
def purge_unconfirmed_accounts_task() -> int:
    """Beat, nightly: delete sign-ups never confirmed. A second run finds nothing left."""
    return purge_unconfirmed_accounts()
