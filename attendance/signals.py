"""What attendance tells the apps above it (credentials, webhooks), which connect receivers in their
AppConfig.ready(); attendance never imports them."""

from django.dispatch import Signal

# A certificate (of a workshop or of a track) was issued, inside the transaction that created
# it. Argument: certificate. Credentials signs it and reviews the holder's track credentials.
certificate_issued = Signal()

# A certificate was revoked, inside the transaction. Argument: certificate.
certificate_revoked = Signal()

# A workshop's attendance was closed (completions computed, certificates issued or revoked),
# inside the transaction, under the workshop's lock. Argument: workshop.
workshop_closed = Signal()
