"""What /verify/ tells about a certificate: its status and the facts a verifier may see.

Read only. The holder appears as initials and the country of their agency; their full printed
name only through a live share link they made (`shared=True`), and never on a revoked
certificate: a certificate may be revoked because it named the wrong person.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django_countries import countries

from attendance.hours import format_hours, hours
from attendance.models import Certificate
from attendance.models.certificates import normalize_certificate_number
from credentials.keys import issuer_did
from credentials.models import CredentialShare

VALID, REVOKED, EXPIRED, UNKNOWN = "valid", "revoked", "expired", "unknown"
# Share tokens are `secrets.token_urlsafe(24)`: anything else is not one.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _certificates() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("holder__agency", "registration__workshop")


def find_certificate(number: str) -> Certificate | None:
    """The certificate of a number as people type it (any case, spaces, hyphens or not);
    None for an unknown or malformed number."""
    canonical = normalize_certificate_number(number)
    if canonical is None:
        return None
    return _certificates().filter(number=canonical).first()


def find_share(token: str) -> CredentialShare | None:
    """The live share link of a token; None if unknown, revoked or expired (alike: a link
    that stopped working says nothing about why)."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    return (
        CredentialShare.objects.live()
        .select_related("certificate__holder__agency", "certificate__registration__workshop")
        .filter(token=token)
        .first()
    )


def parse_moment(value: Any) -> dt.datetime | None:
    """A moment as credentials and printed facts write it (ISO 8601, or JWT seconds since the
    epoch), aware (UTC when no zone is given); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return dt.datetime.fromtimestamp(value, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def iso_day(value: dt.datetime | None) -> str | None:
    """The UTC day of a moment, as JSON answers give it."""
    return value.astimezone(dt.UTC).date().isoformat() if value is not None else None


def _number(hours: Decimal) -> int | float:
    return int(hours) if hours == hours.to_integral_value() else float(hours)


@dataclass(frozen=True)
class PrintedModule:
    """A module a track credential lists, as printed on it."""

    title: str
    hours_text: str


def _printed_modules(printed: dict) -> tuple[PrintedModule, ...]:
    return tuple(
        PrintedModule(
            title=str(m.get("title") or ""),
            hours_text=format_hours(hours(int(m.get("minutes") or 0))),
        )
        for m in printed.get("modules") or []
        if isinstance(m, dict)
    )


@dataclass(frozen=True)
class Verification:
    """One certificate as a verifier sees it. Dates are datetimes (the templates format them
    through trainingsite.when); `dates_text` is the English text of certificates issued before
    their workshop's first and last moments were recorded."""

    number: str
    status: str
    kind: str  # "workshop" or "track"
    name: str
    starts: dt.datetime | None
    ends: dt.datetime | None
    time_zone: str
    dates_text: str
    hours: Decimal
    hours_text: str
    issued_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    initials: str
    agency_country: str
    holder_name: str | None = None
    # A track credential's modules (not in the JSON: the achievement is the track).
    modules: tuple[PrintedModule, ...] = ()
    # The post-test score (%) the completion rule required; the holder's own score is theirs
    # and never shown here.
    post_test_required: int | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == VALID

    @property
    def country_name(self) -> str:
        """The agency's country in the reader's language."""
        return str(countries.name(self.agency_country)) if self.agency_country else ""

    def as_json(self) -> dict[str, Any]:
        holder: dict[str, Any] = {
            "initials": self.initials,
            "agency_country": self.agency_country or None,
        }
        if self.holder_name is not None:
            holder = {"name": self.holder_name, **holder}
        achievement: dict[str, Any] = {
            "type": self.kind,
            "name": self.name,
            "hours": _number(self.hours),
        }
        if self.post_test_required is not None:
            achievement["post_test_required_percent"] = self.post_test_required
        return {
            "number": self.number,
            "status": self.status,
            "issuer": {"id": issuer_id(), "name": settings.PROGRAM_NAME},
            "achievement": achievement,
            "issued": iso_day(self.issued_at),
            "valid_until": iso_day(self.expires_at),
            "revoked": iso_day(self.revoked_at),
            "holder": holder,
        }


def issuer_id() -> str:
    """Who issues the program's certificates, as a machine names it: the did:web that signs
    their Open Badges credentials."""
    return issuer_did()


def status_of(certificate: Certificate) -> str:
    if certificate.revoked_at is not None:
        return REVOKED
    if certificate.is_expired:
        return EXPIRED
    return VALID


def _agency_country(certificate: Certificate) -> str:
    printed = certificate.printed
    if "agency_country" in printed:
        return printed["agency_country"] or ""
    # Issued before the agency's country was printed: the holder's agency today, unless the
    # holder's facts were erased (then nothing about them is shown).
    if "officer_name" not in printed:
        return ""
    agency = certificate.holder.agency
    return agency.country.code if agency is not None and agency.country else ""


def verify(certificate: Certificate, *, shared: bool = False) -> Verification:
    """What the verification page and its JSON say about `certificate`; `shared`: opened
    through one of the holder's live share links, so their full printed name is shown unless
    the certificate was revoked."""
    printed = certificate.printed
    status = status_of(certificate)
    starts, ends = parse_moment(printed.get("starts")), parse_moment(printed.get("ends"))
    time_zone = printed.get("time_zone") or ""
    if certificate.is_track_credential:
        kind, name = "track", printed.get("track_name") or str(certificate.track or "")
    else:
        kind, name = "workshop", printed.get("workshop_title", "")
        workshop = certificate.registration.workshop if certificate.registration else None
        if starts is None and workshop is not None and workshop.starts_at is not None:
            # Printed before the workshop's own moments were: its schedule, in its zone.
            starts, ends, time_zone = workshop.starts_at, workshop.ends_at, workshop.time_zone
    modules: tuple[PrintedModule, ...] = ()
    if kind == "track":
        modules = _printed_modules(printed)
    holder_name = None
    if shared and status != REVOKED:
        holder_name = printed.get("officer_name") or ""
    return Verification(
        number=certificate.number,
        status=status,
        kind=kind,
        name=name,
        starts=starts,
        ends=ends or starts,
        time_zone=time_zone,
        dates_text=printed.get("dates", "") if starts is None else "",
        hours=certificate.training_hours,
        hours_text=certificate.total_hours,
        issued_at=certificate.issued_at,
        expires_at=certificate.expires_at,
        revoked_at=certificate.revoked_at,
        initials=certificate.holder_initials,
        agency_country=_agency_country(certificate),
        holder_name=holder_name,
        modules=modules,
        post_test_required=certificate.post_test_required,
    )
