"""What registrations tell the apps above them, which connect receivers in their
AppConfig.ready(); registrations never imports them."""

from django.dispatch import Signal

# An officer took or gave up a seat (a move to or from "confirmed"), inside the transaction of
# the change. Argument: registration.
seat_changed = Signal()

# A registration moved to another state (every move goes through one place), inside the
# transaction of the change, often under the workshop's lock: receivers only write a row or
# two. Argument: event (the RegistrationEvent just saved, its registration loaded).
registration_changed = Signal()

# The officer's "My training" page is being built. Argument: user. Each receiver returns a dict
# of extra template context (the training record, from attendance).
my_training_context = Signal()

# An officer is about to be given a registration for a workshop: they register, their agency
# nominates them, they accept a nomination, or a trainer admits them as a walk-in. Sent inside
# the transaction, under the workshop's lock, once the registration's own rules passed and
# before the row is written. Arguments: officer, workshop, by (who asks: the officer, or the
# focal point or trainer acting for them). A receiver refuses by raising RegistrationError with
# a message for `by` (credentials: prerequisite modules not completed); receivers only read.
# Approvals and waitlist promotions of a registration already requested send nothing: it was
# asked when the registration was requested.
registration_requested = Signal()

# Which officers lack prerequisite modules of a workshop: the coordinator's registrations page
# flags their rows, and a waiver is refused to an officer who lacks none. Arguments: workshop,
# officer_ids, required (the workshop's prerequisite modules when the sender loaded them
# already, else None). Each receiver returns {officer_id: [module titles missing]} for the
# officers who lack one and hold no waiver for the workshop (credentials: the completion rule),
# in a bounded number of queries whatever the number of officers; receivers only read.
prerequisite_gaps = Signal()
