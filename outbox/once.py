"""Send the message of one outbox row at most once per commit, and never lose it.

The row is locked (skip-locked: another worker already has it) while the message goes out and is
marked sent in the same transaction. A worker killed mid-send rolls back, so the row stays unsent
for the sweep: the message is delivered at least once. A duplicate needs the process to die
between the SMTP server's acceptance and the commit; marking the row first (and committing) would
instead lose the message for good, which is what the soak benchmark caught.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import models, transaction
from django.utils import timezone

from .services import record_failure, record_sent


def send_once(
    model: type[models.Model],
    pk: int,
    *,
    unsent: dict,
    mark_field: str,
    send: Callable[[models.Model], None],
    kind: str | None = None,
    select_related: Sequence[str] = (),
) -> models.Model | None:
    """Lock the row `pk` if it matches `unsent`, `send(row)`, mark `mark_field` and commit.
    Returns the row when this call sent it, None when there was nothing (left) to send. A
    failure is counted in the outbox under `kind` (if given) and re-raised for the task's
    retry policy."""
    try:
        with transaction.atomic():
            row = (
                model.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related(*select_related)
                .filter(pk=pk, **unsent)
                .first()
            )
            if row is None:
                return None
            send(row)
            model.objects.filter(pk=pk).update(**{mark_field: timezone.now()})
    except Exception as exc:
        if kind is not None:
            record_failure(kind=kind, object_id=pk, error=exc)
        raise
    if kind is not None:
        record_sent(kind=kind, object_id=pk)
    return row
