"""Certificates to sign, and an independent verifier (jwcrypto) for the credential tests."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

from django.utils import timezone
from jsonschema import Draft201909Validator, FormatChecker
from jwcrypto import jwk, jws

from attendance.models import Certificate
from attendance.services.certificates import issue_certificate, issue_track_certificate
from tests.factories import (
    ModuleFactory,
    ModuleRevisionFactory,
    RegistrationFactory,
    TrackFactory,
    WorkshopFactory,
)
from workshops.models import WorkshopModule

SCHEMA = json.loads(
    (Path(__file__).parent / "ob_v3p0_achievementcredential_schema.json").read_text()
)


def schema_errors(credential: dict) -> list[str]:
    validator = Draft201909Validator(SCHEMA, format_checker=FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(credential)]


def issue_workshop_certificate(officer, *, title: str = "Tracing Bitcoin") -> Certificate:
    """A two-session workshop already given, two modules of two tracks, its certificate issued
    through the service (so the credential receiver runs)."""
    now = timezone.now().replace(microsecond=0)
    ago = dt.timedelta
    workshop = WorkshopFactory(
        title=title,
        language="pt-br",
        sessions=[(now - ago(hours=52), now - ago(hours=48)), (now - ago(hours=28), now)],
    )
    forensics = TrackFactory(name="Blockchain forensics", slug="forensics")
    basics = TrackFactory(name="Crypto fundamentals", slug="basics")
    for position, (name, minutes, track) in enumerate(
        [("UTXO tracing", 120, forensics), ("Wallets and keys", 630, basics)]
    ):
        revision = ModuleRevisionFactory(
            module=ModuleFactory(title=name, duration_minutes=minutes, track=track),
            duration_minutes=minutes,
        )
        WorkshopModule.objects.create(workshop=workshop, revision=revision, position=position)
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    return issue_certificate(registration=registration, workshop=workshop)


# The facts a workshop certificate prints since certificates carry their dates, place, rule and
# language (the printed contract); older certificates lack them.
NEW_WORKSHOP_FACTS = {
    "kind": "workshop",
    "starts": "2026-11-02T01:00:00+00:00",
    "ends": "2026-11-03T09:30:00Z",
    "time_zone": "Asia/Singapore",
    "online": False,
    "venue_name": "Training Centre",
    "city": "Singapore",
    "country": "SG",
    "agency_country": "PT",
    "completion_threshold": 75,
    "workshop_language": "pt-br",
    "wording_track_id": None,
}


def track_printed(officer, track) -> dict:
    return {
        "kind": "track",
        "program": "Crypto Investigations Training Program",
        "officer_name": officer.name_of_record,
        "agency": officer.agency.name,
        "agency_country": "PT",
        "track_name": track.name,
        "track_id": track.pk,
        "modules": [
            {
                "title": "UTXO tracing",
                "minutes": 120,
                "workshop_title": "Tracing Bitcoin",
                "completed_on": "2026-10-01",
            },
            {
                "title": "Mixers and bridges",
                "minutes": 90,
                "workshop_title": "Following the money",
                "completed_on": "2026-11-12",
            },
        ],
        "total_minutes": 210,
    }


def issue_track(officer, *, validity_months: int | None = 36) -> Certificate:
    track = TrackFactory(name="Blockchain forensics", slug="forensics")
    if validity_months:
        track.validity_months = validity_months
        track.save(update_fields=["validity_months"])
    return issue_track_certificate(
        holder=officer, track=track, printed=track_printed(officer, track)
    )


def published_key(client, kid: str, *, source: str) -> jwk.JWK:
    """The public key `kid` names, as a verifier gets it: from the JWKS or the DID document."""
    if source == "jwks":
        keys = client.get("/.well-known/jwks.json").json()["keys"]
        found = [k for k in keys if k["kid"] == kid]
        assert len(found) == 1, (kid, keys)
        return jwk.JWK(**found[0])
    document = json.loads(client.get("/.well-known/did.json").content)
    assert kid in document["assertionMethod"]
    found = [m for m in document["verificationMethod"] if m["id"] == kid]
    assert len(found) == 1, (kid, document)
    return jwk.JWK(**found[0]["publicKeyJwk"])


def header_of(token: str) -> dict:
    segment = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def jwcrypto_verify(token: str, key: jwk.JWK) -> dict:
    """The payload, if the signature verifies (jwcrypto raises otherwise)."""
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(key, alg="EdDSA")
    return json.loads(signed.payload)
