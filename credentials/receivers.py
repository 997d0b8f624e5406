"""Receivers of the signals the layers below send about certificates and registrations."""

import logging

from django.dispatch import receiver

from attendance.models import Certificate
from attendance.signals import certificate_issued, certificate_revoked
from attendees.signals import access_restored
from outbox.services import withdraw_mails
from registrations.signals import prerequisite_gaps, registration_requested

from . import keys, prerequisites, reminders, tasks
from .services import StatusListFull, sign_certificate
from .statuslist import forget_status_list

logger = logging.getLogger(__name__)


@receiver(certificate_issued, dispatch_uid="credentials.sign_issued_certificate")
def sign_issued_certificate(sender, certificate, **kwargs):
    """Sign the new certificate's credential in the transaction that issues it. Without a
    signing key (a deployment that ignored the system check) or a free status bit, the
    certificate is still issued: its credential is signed on its first download once fixed."""
    if not keys.can_sign():
        logger.error("Certificate %s issued unsigned: no credential signing key", certificate.pk)
        return
    try:
        sign_certificate(certificate=certificate)
    except StatusListFull:
        logger.error("Certificate %s issued unsigned: the status list is full", certificate.pk)


@receiver(certificate_revoked, dispatch_uid="credentials.publish_revocation")
def publish_revocation(sender, certificate, **kwargs):
    """The published status list shows the revocation from the next request on; an expiry
    reminder not sent yet is withdrawn (a revoked certificate is never reminded)."""
    if keys.can_sign():
        forget_status_list()
    for days in reminders.reminder_days():
        withdraw_mails(topic=reminders.mail_topic(certificate, days))


@receiver([certificate_issued, certificate_revoked], dispatch_uid="credentials.review_tracks")
def review_track_credentials(sender, certificate, **kwargs):
    """A workshop certificate issued or revoked may complete a track or break a track
    credential: its holder's are reviewed once it committed (`tracks`), in a task of their own,
    so closing a workshop costs no query more per officer. Track credentials are ignored."""
    if certificate.registration_id is not None:
        tasks.review_tracks_after_certificate.delay_on_commit(certificate.pk)


@receiver(access_restored, dispatch_uid="credentials.review_tracks_of_restored")
def review_tracks_of_restored(sender, officers, **kwargs):
    """A track credential is issued only to a holder with program access: those who got it
    back are reviewed (a task each, after commit), if they hold a workshop certificate."""
    holder_ids = (
        Certificate.objects.of_workshops()
        .active()
        .filter(holder__in=officers)
        .order_by("holder_id")
        .values_list("holder_id", flat=True)
        .distinct()
    )
    for holder_id in holder_ids:
        tasks.review_tracks_of_holder.delay_on_commit(holder_id)


@receiver(registration_requested, dispatch_uid="credentials.prerequisites")
def refuse_without_prerequisites(sender, officer, workshop, by=None, **kwargs):
    prerequisites.refuse_missing_prerequisites(officer=officer, workshop=workshop, by=by)


@receiver(prerequisite_gaps, dispatch_uid="credentials.prerequisite_gaps")
def answer_prerequisite_gaps(sender, workshop, officer_ids, required=None, **kwargs):
    return prerequisites.prerequisite_gaps(
        workshop=workshop, officer_ids=officer_ids, required=required
    )
