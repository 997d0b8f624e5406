"""What registrations tell the apps above them, which connect receivers in their
AppConfig.ready(); registrations never imports them."""

from django.dispatch import Signal

# An officer took or gave up a seat (a move to or from "confirmed"), inside the transaction of
# the change. Argument: registration.
seat_changed = Signal()

# The officer's "My training" page is being built. Argument: user. Each receiver returns a dict
# of extra template context (the training record, from attendance).
my_training_context = Signal()
