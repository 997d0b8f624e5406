"""What a workshop's changes tell the apps above it. They connect receivers in their
AppConfig.ready(); workshops never imports them. Each signal is sent inside the transaction of
the change, so a receiver's writes commit or roll back with it."""

from django.dispatch import Signal

# What officers' calendars show of a published or cancelled workshop changed (sessions, title,
# place, status). Argument: workshop.
calendar_changed = Signal()

# A workshop's sessions were moved, written but not committed, under its row lock. A receiver
# refuses the move by raising SchedulingError. Argument: workshop.
sessions_moved = Signal()

# A workshop was cancelled; every registrant is to be told in this transaction.
# Arguments: workshop, actor, reason.
workshop_cancelled = Signal()

# A published workshop got more seats (capacity raised or agency cap loosened).
# Arguments: workshop, actor.
seats_added = Signal()
