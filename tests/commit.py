"""Tests run inside a transaction that never commits, so work queued for after commit (the
outbox's send of a mail, a Celery task) runs only where a test asks for it, as a commit would."""

from django.test import TestCase


def after_commit():
    """`with after_commit(): client.post(...)`: what the request queued on commit runs, nested
    work included (a task that queues mail)."""
    return TestCase.captureOnCommitCallbacks(execute=True)
