"""The holder's own signed credential, as a compact VC-JWT or as a JSON file (a VC 2.0
EnvelopedVerifiableCredential around the same JWT) for wallets that import JSON."""

from __future__ import annotations

import json
import logging

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from attendance.models import Certificate

from .. import keys
from ..services import StatusListFull, sign_certificate

logger = logging.getLogger(__name__)


def _holders_jwt(request, pk: int) -> tuple[Certificate, str]:
    """The signed credential of one of the holder's own certificates, not revoked; signed now
    if it was issued before credentials were. Anyone else's, or a revoked one, is a 404."""
    certificate = get_object_or_404(Certificate.objects.of_officer(request.user).active(), pk=pk)
    if not keys.can_sign():
        logger.error("No credential signing key: certificate %s cannot be downloaded", pk)
        raise Http404
    try:
        credential = sign_certificate(certificate=certificate)
    except StatusListFull:
        logger.error("The status list is full: certificate %s cannot be signed", pk)
        raise Http404 from None
    if not credential.jwt:
        raise Http404
    return certificate, credential.jwt


def _attachment(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def credential_jwt(request, pk: int):
    certificate, token = _holders_jwt(request, pk)
    return _attachment(token, "application/vc+jwt", f"credential-{certificate.number}.jwt")


@require_safe
def credential_json(request, pk: int):
    certificate, token = _holders_jwt(request, pk)
    envelope = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": f"data:application/vc+jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }
    return _attachment(
        json.dumps(envelope, indent=2), "application/json", f"credential-{certificate.number}.json"
    )
