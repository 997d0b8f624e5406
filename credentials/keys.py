"""The issuer's Ed25519 keys, read from settings, and the issuer's identity (did:web).

`CREDENTIAL_SIGNING_KEY` ("<key id>:<base64url 32-byte private seed>") signs; each entry of
`CREDENTIAL_RETIRED_KEYS` ("<key id>:<base64url raw 32-byte public key>") only verifies: rotation
moves the old current key there (its public half), so what it signed keeps verifying. Without a
key, DEBUG (decided when the settings load: `CREDENTIAL_DEV_KEY`) gives a development key derived
from SECRET_KEY, so a restart still verifies what was signed before.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_KEY_ID = "dev"
KEY_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
_DEV_SALT = b"trainingsite credential development key"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    text = text.strip().rstrip("=")
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class IssuerKey:
    key_id: str
    public: Ed25519PublicKey
    private: Ed25519PrivateKey | None = None

    @property
    def public_bytes(self) -> bytes:
        return self.public.public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def verification_method(self) -> str:
        """The key's id in the DID document: the JWT's `kid`."""
        return f"{issuer_did()}#{self.key_id}"

    def public_jwk(self) -> dict[str, str]:
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(self.public_bytes)}


@dataclass(frozen=True)
class KeyRing:
    current: IssuerKey | None
    retired: tuple[IssuerKey, ...]

    @property
    def published(self) -> tuple[IssuerKey, ...]:
        """Every key a verifier may meet: the current one first."""
        return ((self.current,) if self.current else ()) + self.retired

    def by_key_id(self, key_id: str) -> IssuerKey | None:
        return next((k for k in self.published if k.key_id == key_id), None)


def _key_id(value: str, what: str) -> str:
    if not KEY_ID_RE.match(value):
        raise ImproperlyConfigured(
            f"{what}: the key id {value!r} must be 1 to 40 letters, digits, '.', '_' or '-'."
        )
    return value


def parse_signing_key(line: str) -> IssuerKey:
    """ "<key id>:<base64url 32-byte seed>" → the signing key."""
    key_id, sep, seed_text = line.strip().partition(":")
    if not sep:
        raise ImproperlyConfigured(
            "CREDENTIAL_SIGNING_KEY must be '<key id>:<base64url 32-byte Ed25519 seed>' "
            "(`manage.py credential_key` makes one)."
        )
    _key_id(key_id, "CREDENTIAL_SIGNING_KEY")
    try:
        seed = b64url_decode(seed_text)
    except (ValueError, binascii.Error):
        seed = b""
    if len(seed) != 32:
        raise ImproperlyConfigured(
            "CREDENTIAL_SIGNING_KEY: the seed must be 32 bytes in base64url (43 characters)."
        )
    private = Ed25519PrivateKey.from_private_bytes(seed)
    return IssuerKey(key_id=key_id, public=private.public_key(), private=private)


def parse_retired_key(entry: str) -> IssuerKey:
    """ "<key id>:<base64url raw 32-byte public key>" → a verify-only key."""
    key_id, sep, public_text = entry.strip().partition(":")
    if not sep:
        raise ImproperlyConfigured(
            "CREDENTIAL_RETIRED_KEYS entries must be '<key id>:<base64url public key>'."
        )
    _key_id(key_id, "CREDENTIAL_RETIRED_KEYS")
    try:
        raw = b64url_decode(public_text)
    except (ValueError, binascii.Error):
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"CREDENTIAL_RETIRED_KEYS: the public key of {key_id!r} must be 32 bytes in base64url."
        )
    return IssuerKey(key_id=key_id, public=Ed25519PublicKey.from_public_bytes(raw))


def development_key(secret_key: str) -> IssuerKey:
    """The DEBUG key: HKDF of SECRET_KEY, so it is the same after every restart."""
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=_DEV_SALT, info=b"ed25519").derive(
        secret_key.encode()
    )
    private = Ed25519PrivateKey.from_private_bytes(seed)
    return IssuerKey(key_id=DEV_KEY_ID, public=private.public_key(), private=private)


@functools.lru_cache(maxsize=8)
def _ring(signing: str, retired: tuple[str, ...], dev: bool, secret_key: str) -> KeyRing:
    if signing.strip():
        current: IssuerKey | None = parse_signing_key(signing)
    elif dev:
        current = development_key(secret_key)
    else:
        current = None
    old = tuple(parse_retired_key(entry) for entry in retired if entry.strip())
    ids = [k.key_id for k in ((current,) if current else ()) + old]
    if len(ids) != len(set(ids)):
        raise ImproperlyConfigured("Credential key ids must differ from each other.")
    return KeyRing(current=current, retired=old)


def key_ring() -> KeyRing:
    """The issuer's keys as the settings give them (ImproperlyConfigured when malformed)."""
    return _ring(
        settings.CREDENTIAL_SIGNING_KEY,
        tuple(settings.CREDENTIAL_RETIRED_KEYS),
        settings.CREDENTIAL_DEV_KEY,
        settings.SECRET_KEY,
    )


def current_key() -> IssuerKey:
    key = key_ring().current
    if key is None:
        raise ImproperlyConfigured(
            "CREDENTIAL_SIGNING_KEY is not set: credentials cannot be signed."
        )
    return key


def can_sign() -> bool:
    try:
        return key_ring().current is not None
    except ImproperlyConfigured:
        return False


def new_key_line(key_id: str) -> tuple[str, str]:
    """A fresh signing key: (the CREDENTIAL_SIGNING_KEY value, its retired-key entry)."""
    _key_id(key_id, "key id")
    seed = secrets.token_bytes(32)
    key = parse_signing_key(f"{key_id}:{b64url(seed)}")
    return f"{key_id}:{b64url(seed)}", f"{key_id}:{b64url(key.public_bytes)}"


def did_web(site_url: str) -> str:
    """did:web of a site address: the host, a port as %3A, each path segment after a ':'
    (https://example.org:8443/training → did:web:example.org%3A8443:training)."""
    parts = urlsplit(site_url)
    host = (parts.hostname or "").lower()
    if not host:
        raise ImproperlyConfigured(f"SITE_URL {site_url!r} has no host name.")
    did = "did:web:" + quote(host, safe=".-")
    if parts.port:
        did += f"%3A{parts.port}"
    for segment in parts.path.split("/"):
        if segment:
            did += ":" + quote(segment, safe="")
    return did


def issuer_did() -> str:
    return did_web(settings.SITE_URL)
