"""Receivers of the signals the layers below send about certificates."""

import logging

from django.dispatch import receiver

from attendance.signals import certificate_issued, certificate_revoked

from . import keys
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
    """The published status list shows the revocation from the next request on."""
    if keys.can_sign():
        forget_status_list()
