"""Signing a certificate's Open Badges 3.0 credential."""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction

from attendance.models import Certificate

from . import keys
from .models import Credential
from .openbadges import credential_for
from .signing import sign

logger = logging.getLogger(__name__)

# Random draws before falling back to a draw among the free bits (only a nearly full list
# needs it: raise CREDENTIAL_STATUS_LIST_SIZE well before that).
_RANDOM_DRAWS = 16


class StatusListFull(RuntimeError):
    pass


def _free_index(size: int) -> int:
    used = set(Credential.objects.values_list("status_index", flat=True))
    free = [i for i in range(size) if i not in used]
    if not free:
        raise StatusListFull("Every status list bit is taken: raise CREDENTIAL_STATUS_LIST_SIZE.")
    return secrets.choice(free)


@transaction.atomic
def sign_certificate(*, certificate: Certificate) -> Credential:
    """The certificate's signed credential, made now if it has none: a status list bit drawn
    at random among the free ones (the list's order then says nothing about who was issued
    what, or when), the credential signed with the current key. Signed once: a certificate that
    has one keeps it (a concurrent call waits for the first, then returns its credential)."""
    Certificate.objects.select_for_update().filter(pk=certificate.pk).first()
    existing = Credential.objects.filter(certificate=certificate).first()
    if existing is not None:
        return existing
    size = settings.CREDENTIAL_STATUS_LIST_SIZE
    for attempt in range(_RANDOM_DRAWS + 1):
        index = secrets.randbelow(size) if attempt < _RANDOM_DRAWS else _free_index(size)
        if attempt < _RANDOM_DRAWS and Credential.objects.filter(status_index=index).exists():
            continue
        token, key_id = sign(credential_for(certificate, status_index=index))
        try:
            with transaction.atomic():
                return Credential.objects.create(
                    certificate=certificate, status_index=index, jwt=token, key_id=key_id
                )
        except IntegrityError:
            # Another credential took this bit between the check and the insert.
            continue
    raise StatusListFull("No free status list bit could be taken.")


def holders_jwt(*, certificate: Certificate) -> str | None:
    """The certificate's signed VC-JWT for its holder's download, signed now if it was issued
    before credentials were; None (logged) when it cannot be: no signing key, a full list."""
    if not keys.can_sign():
        logger.error(
            "No credential signing key: certificate %s cannot be downloaded", certificate.pk
        )
        return None
    try:
        credential = sign_certificate(certificate=certificate)
    except StatusListFull:
        logger.error("The status list is full: certificate %s cannot be signed", certificate.pk)
        return None
    return credential.jwt or None


def enveloped(token: str) -> dict:
    """The credential file of a VC-JWT (VC 2.0 EnvelopedVerifiableCredential), for wallets that
    import JSON."""
    return {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": f"data:application/vc+jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }
