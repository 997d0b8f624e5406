"""The issuer's public documents: its DID document and JWKS (the public keys that verify its
credentials), its Open Badges profile, and the signed revocation status list. Nothing here
depends on who asks; verifiers' software fetches them, signed in or not."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_safe

from ..keys import issuer_did, key_ring
from ..openbadges import CONTEXTS, issuer_profile
from ..signing import ALGORITHM
from ..statuslist import signed_status_list

# Short, so a rotation or a revocation reaches verifiers' caches soon.
DOCUMENT_MAX_AGE = 300
STATUS_LIST_MAX_AGE = 60


def _public(body: str, content_type: str, max_age: int) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={max_age}"
    # Browser-based wallets and verifiers read these from other origins.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(data: dict[str, Any], content_type: str = "application/json") -> HttpResponse:
    return _public(json.dumps(data, indent=2), content_type, DOCUMENT_MAX_AGE)


def did_document_data() -> dict[str, Any]:
    """The did:web document: every published key (the current one and the retired ones, which
    still verify what they signed) as a JsonWebKey verification method for assertions."""
    did = issuer_did()
    keys = key_ring().published
    return {
        "@context": ["https://www.w3.org/ns/did/v1.1"],
        "id": did,
        "verificationMethod": [
            {
                "id": key.verification_method,
                "type": "JsonWebKey",
                "controller": did,
                "publicKeyJwk": key.public_jwk(),
            }
            for key in keys
        ],
        "assertionMethod": [key.verification_method for key in keys],
    }


def jwks_data() -> dict[str, Any]:
    return {
        "keys": [
            {**key.public_jwk(), "kid": key.verification_method, "alg": ALGORITHM, "use": "sig"}
            for key in key_ring().published
        ]
    }


@login_not_required
@require_safe
def did_document(request):
    return _json(did_document_data(), "application/did+json")


@login_not_required
@require_safe
def jwks(request):
    return _json(jwks_data(), "application/jwk-set+json")


@login_not_required
@require_safe
def issuer(request):
    return _json({"@context": list(CONTEXTS), **issuer_profile()})


@login_not_required
@require_safe
def status_list(request):
    return _public(signed_status_list(), "application/vc+jwt", STATUS_LIST_MAX_AGE)
