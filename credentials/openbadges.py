"""A certificate as an Open Badges 3.0 OpenBadgeCredential (a W3C Verifiable Credential 2.0).

Everything said about the achievement and the holder comes from the certificate's `printed`
facts, frozen at issue, so the credential says what the PDF says; certificates printed before a
fact was recorded simply leave that member out. The wording is English, as a credential read by
software across borders is; titles stay as they were written.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import to_locale

from attendance.models import Certificate

from .keys import issuer_did

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# The namespace of this program's credential and achievement ids (uuid5): fixed for good, so
# an id computed again is always the same.
ID_NAMESPACE = uuid.UUID("5b0f3c52-8d4e-4f55-a1c1-0d6f2f4e9a37")
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def status_list_url() -> str:
    return site_url(reverse("credentials:status_list"))


def credential_id(certificate: Certificate) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, certificate.number)}"


def issuer_profile(name: str | None = None) -> dict[str, Any]:
    """The issuer's Open Badges Profile (also served at credentials:issuer)."""
    return {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": name or settings.PROGRAM_NAME,
        "url": settings.SITE_URL,
    }


def timestamp(value: dt.datetime) -> str:
    """A UTC date-time as credentials write it: 2026-12-02T16:05:32Z."""
    return value.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _printed_timestamp(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return timestamp(parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC))


def duration_text(minutes: int) -> str:
    """750 → "12 h 30", 300 → "5 h", 45 → "45 min"."""
    whole, rest = divmod(max(int(minutes or 0), 0), 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h {rest:02d}" if rest else f"{whole} h"


def language_tag(code: Any) -> str | None:
    """A site language code as a BCP 47 tag ("pt-br" → "pt-BR"), None if it is not one."""
    if not isinstance(code, str) or not code:
        return None
    tag = to_locale(code).replace("_", "-")
    return tag if _LANGUAGE_TAG.match(tag) else None


def _unique(values: list[str]) -> list[str]:
    return [v for i, v in enumerate(values) if v and v not in values[:i]]


def _modules(printed: dict) -> list[dict]:
    return [m for m in printed.get("modules") or [] if isinstance(m, dict)]


def _workshop_achievement(certificate: Certificate, printed: dict) -> dict[str, Any]:
    modules = _modules(printed)
    total = duration_text(printed.get("total_minutes", 0))
    lines = [f"{m.get('title', '')} ({duration_text(m.get('minutes', 0))})" for m in modules]
    description = (f"Modules: {'; '.join(lines)}. " if lines else "") + f"Total: {total}."
    threshold = printed.get("completion_threshold")
    if isinstance(threshold, int) and threshold > 0:
        narrative = (
            f"Attended at least {threshold} % of the workshop's session time ({total} of training)."
        )
    else:
        narrative = f"Completed the workshop ({total} of training)."
    required = certificate.post_test_required
    if required is not None:
        narrative += f" Scored at least {required} % in the post-test (best attempt)."
    workshop_id = certificate.registration.workshop_id if certificate.registration else None
    achievement: dict[str, Any] = {
        "id": f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{issuer_did()}/workshop/{workshop_id}')}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": printed.get("workshop_title", ""),
        "description": description,
        "criteria": {"narrative": narrative},
        "tag": _unique([str(m.get("track") or "") for m in modules]),
    }
    if required is not None:
        achievement["resultDescription"] = [
            {
                "id": post_test_result_id(workshop_id),
                "type": ["ResultDescription"],
                "name": "Post-test score (best attempt)",
                "resultType": "Percent",
                "requiredValue": str(required),
                "valueMin": "0",
                "valueMax": "100",
            }
        ]
    language = language_tag(printed.get("workshop_language"))
    if language:
        achievement["inLanguage"] = language
    return achievement


def post_test_result_id(workshop_id: int | None) -> str:
    """The id of a workshop's post-test ResultDescription, which the holder's Result names."""
    return (
        f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{issuer_did()}/workshop/{workshop_id}/post-test')}"
    )


def _track_achievement(certificate: Certificate, printed: dict) -> dict[str, Any]:
    modules = _modules(printed)
    name = printed.get("track_name", "")
    total = duration_text(printed.get("total_minutes", 0))
    lines = []
    for m in modules:
        done = f", completed on {m['completed_on']}" if m.get("completed_on") else ""
        where = f" in {m['workshop_title']}" if m.get("workshop_title") else ""
        lines.append(f"{m.get('title', '')} ({duration_text(m.get('minutes', 0))}{done}{where})")
    description = (f"Modules: {'; '.join(lines)}. " if lines else "") + f"Total: {total}."
    count = len(modules)
    narrative = (
        f"Completed every module of the track {name} "
        f"({count} module{'' if count == 1 else 's'}, {total} of training)."
    )
    track_id = printed.get("track_id") or certificate.track_id
    return {
        "id": f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{issuer_did()}/track/{track_id}')}",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": name,
        "description": description,
        "criteria": {"narrative": narrative},
        "tag": _unique([name]),
    }


def credential_for(certificate: Certificate, *, status_index: int | None = None) -> dict:
    """The unsigned OpenBadgeCredential of a certificate. `status_index`: its bit in the
    revocation status list (default: the one its signed credential holds, if any)."""
    printed = certificate.printed or {}
    if certificate.is_track_credential:
        achievement = _track_achievement(certificate, printed)
    else:
        achievement = _workshop_achievement(certificate, printed)
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if printed.get("officer_name"):
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": printed["officer_name"],
            }
        ]
    if not certificate.is_track_credential:
        starts = _printed_timestamp(printed.get("starts"))
        ends = _printed_timestamp(printed.get("ends"))
        if starts:
            subject["activityStartDate"] = starts
        if ends:
            subject["activityEndDate"] = ends
    subject["achievement"] = achievement
    percent = certificate.post_test_percent
    if achievement.get("resultDescription") and percent is not None:
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": achievement["resultDescription"][0]["id"],
                "value": percent,
                "status": "Completed",
            }
        ]
    credential: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": credential_id(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(printed.get("program")),
        "validFrom": timestamp(certificate.issued_at),
    }
    if certificate.expires_at:
        credential["validUntil"] = timestamp(certificate.expires_at)
    credential["name"] = achievement["name"]
    credential["credentialSubject"] = subject
    if status_index is None:
        held = getattr(certificate, "credential", None) if certificate.pk else None
        status_index = held.status_index if held is not None else None
    if status_index is not None:
        url = status_list_url()
        credential["credentialStatus"] = {
            "id": f"{url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": url,
        }
    return credential
