"""Calendar invite tasks. Contract used by registration and scheduling services:

- `sync_registration_invites.delay_on_commit(registration_id)` after any change of a
  registration's state (confirmed → invites; cancelled/removed → cancellations).
- `sync_workshop_invites.delay_on_commit(workshop_id)` after a change of a workshop's sessions,
  venue or status (reschedule → updates; cancelled → cancellations).

Both bring what each recipient has in their calendar in line with the database, so running them
twice sends nothing new.
"""

from celery import shared_task


@shared_task
def sync_registration_invites(registration_id: int) -> int:
    # Implemented by the calendar-invites issue (#6); returns the number of messages sent.
    return 0


@shared_task
def sync_workshop_invites(workshop_id: int) -> int:
    # Implemented by the calendar-invites issue (#6); returns the number of messages sent.
    return 0
