"""What decisions about officers tell the apps above (registrations), which connect receivers
in their AppConfig.ready(); attendees never imports them. Sent inside the decision's
transaction, so the receivers' writes commit or roll back with it."""

from django.dispatch import Signal

# An officer was suspended or rejected: their registrations are withdrawn.
# Arguments: officer, by, reason.
officer_withdrawn = Signal()

# Officers got their program access back (vetting renewed, agency reactivated): the waitlists
# that passed them over may seat them now. Argument: officers (an iterable of users).
access_restored = Signal()

# The dashboard is being built. Argument: user. Each receiver returns a dict of extra template
# context (the inbox: what waits for the user, their next workshop, their scope's figures).
dashboard_context = Signal()
