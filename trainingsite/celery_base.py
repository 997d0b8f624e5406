"""The base class of every task: enqueueing after commit can never undo or fail a request."""

from __future__ import annotations

import logging

from celery.contrib.django.task import DjangoTask
from django.db import transaction

logger = logging.getLogger(__name__)


class Task(DjangoTask):
    def delay_on_commit(self, *args, **kwargs) -> None:
        """Like Celery's, but a broker that is down (Redis stopped) or an eager task that fails
        (SMTP down in dev) is logged, not raised: the data is committed and the database row the
        task works from (an outbox) lets a periodic sweep send it when the service returns."""

        def enqueue() -> None:
            try:
                self.delay(*args, **kwargs)
            except Exception:
                logger.warning("Could not run %s%r; the outbox sweep will retry", self.name, args)
                raise

        transaction.on_commit(enqueue, robust=True)
