"""VC-JWT signing and verification with the issuer's keys (joserfc).

Open Badges 3.0 §8.2: the JWT payload is the credential itself, its members at top level, with
the registered claims derived from it; the JOSE header names the algorithm (EdDSA over Ed25519)
and, as `kid`, the verification method of the key in the issuer's DID document.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

from django.utils.translation import gettext as _
from joserfc import jws, jwt
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey

from trainingsite.errors import ServiceError

from .keys import IssuerKey, current_key, issuer_did, key_ring

ALGORITHM = "EdDSA"
# Open Badges 3.0 and the VC-JWT verifiers in use name the algorithm "EdDSA"; joserfc warns on
# every use that RFC 9864 prefers "Ed25519", which those verifiers do not understand yet.
warnings.filterwarnings("ignore", message="EdDSA is deprecated", category=SecurityWarning)


class InvalidCredential(ServiceError):
    pass


def _timestamp(value: str) -> int:
    return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def registered_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The JWT claims a VC-JWT carries besides the credential: iss, jti, nbf, exp, sub."""
    issuer = credential.get("issuer")
    claims: dict[str, Any] = {
        "iss": issuer.get("id") if isinstance(issuer, dict) else issuer,
        "jti": credential.get("id"),
        "nbf": _timestamp(credential["validFrom"]),
    }
    if credential.get("validUntil"):
        claims["exp"] = _timestamp(credential["validUntil"])
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and subject.get("id"):
        claims["sub"] = subject["id"]
    return {k: v for k, v in claims.items() if v is not None}


def _signing_key(key: IssuerKey) -> OKPKey:
    assert key.private is not None
    return OKPKey.import_key(key.private)


def sign(payload: dict[str, Any]) -> tuple[str, str]:
    """The compact VC-JWT of a credential, signed with the current key: (jwt, key id)."""
    key = current_key()
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": key.verification_method}
    claims = {**payload, **registered_claims(payload)}
    token = jwt.encode(header, claims, _signing_key(key), algorithms=[ALGORITHM])
    return token, key.key_id


def verify(token: str) -> dict[str, Any]:
    """The payload of a VC-JWT this issuer signed, with its current or a retired key; any other
    algorithm, key or a broken signature is InvalidCredential. Dates (nbf, exp) are left to the
    caller: an expired credential is still this issuer's."""
    token = (token or "").strip()
    try:
        header = jws.extract_compact(token.encode("ascii")).headers()
    except (JoseError, ValueError, UnicodeError):
        raise InvalidCredential(_("This is not a signed credential.")) from None
    kid = header.get("kid")
    did = issuer_did()
    key = None
    if isinstance(kid, str) and kid.startswith(did + "#"):
        key = key_ring().by_key_id(kid[len(did) + 1 :])
    if header.get("alg") != ALGORITHM or key is None:
        raise InvalidCredential(_("This credential was not signed by this program's keys."))
    try:
        decoded = jwt.decode(token, OKPKey.import_key(key.public), algorithms=[ALGORITHM])
    except (JoseError, ValueError):
        raise InvalidCredential(_("This credential's signature does not verify.")) from None
    return decoded.claims
