"""Receivers of the signals the layers below send about certificates."""

from django.dispatch import receiver

from attendance.signals import certificate_issued, certificate_revoked
from registrations.signals import registration_requested

from . import prerequisites, tasks


@receiver([certificate_issued, certificate_revoked])
def review_track_credentials(sender, certificate, **kwargs):
    """A workshop certificate issued or revoked may complete a track or break a track
    credential: its holder's are reviewed once it committed (`tracks`), in a task of their own,
    so closing a workshop costs no query more per officer. Track credentials are ignored."""
    if certificate.registration_id is not None:
        tasks.review_tracks_after_certificate.delay_on_commit(certificate.pk)


@receiver(registration_requested)
def refuse_without_prerequisites(sender, officer, workshop, by=None, **kwargs):
    prerequisites.refuse_missing_prerequisites(officer=officer, workshop=workshop, by=by)
