"""The holder's own signed credential, as a compact VC-JWT or as a JSON file (a VC 2.0
EnvelopedVerifiableCredential around the same JWT) for wallets that import JSON."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from attendance.models import Certificate

from ..services import enveloped, holders_jwt


def _holders_jwt(request, pk: int) -> tuple[Certificate, str]:
    """The signed credential of one of the holder's own certificates, not revoked; signed now
    if it was issued before credentials were. Anyone else's, or a revoked one, is a 404."""
    certificate = get_object_or_404(Certificate.objects.of_officer(request.user).active(), pk=pk)
    token = holders_jwt(certificate=certificate)
    if token is None:
        raise Http404
    return certificate, token


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
    return _attachment(
        json.dumps(enveloped(token), indent=2),
        "application/json",
        f"credential-{certificate.number}.json",
    )
