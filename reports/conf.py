"""Export and report settings with defaults; override any of them in settings.py."""

from django.conf import settings

DEFAULTS = {
    # Exports with more rows than this run as a Celery task and are e-mailed as a link.
    "REPORTS_ASYNC_EXPORT_ROWS": 50_000,
    # How long the e-mailed download link (and the stored file) stays valid.
    "REPORTS_EXPORT_LINK_HOURS": 24,
    # Rows fetched per database round trip while streaming an export.
    "REPORTS_EXPORT_CHUNK_SIZE": 2_000,
    # A build running longer than this is taken for dead (worker killed): the outbox sweep
    # queues it again.
    "REPORTS_EXPORT_STALE_MINUTES": 30,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
