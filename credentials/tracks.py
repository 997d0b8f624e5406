"""Track credentials: the credential of a whole curriculum track, earned by completing every
module of it, across workshops.

Rules:
- A track is complete for a holder when it has at least one live module and the holder
  completed every live module of it (`credentials.completed`: a workshop certificate, not
  revoked, of a workshop that taught the module).
- One credential per holder and track: while one is held (not revoked), nothing more is issued.
  An expired one is not renewed here.
- The credential lists the modules it was earned with (`printed["modules"]`, each with its
  `module_id`). It is revoked when one of those is no longer completed: a workshop certificate
  it relied on was revoked. A module added to the track later (created in it, moved into it,
  or published) does not revoke a credential already issued: that credential attests to the
  track as it was when earned.
- Erased or deactivated accounts are issued nothing.

Reviews run after the workshop certificate's change committed (`tasks`), one holder at a time:
each locks the holder's account row first (the lock order of registrations' `locking`), so two
reviews of one holder take turns and the second sees what the first did and every certificate
committed before it. Reviewing again changes nothing: the management command
`review_track_credentials` reviews everyone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import Certificate
from attendance.services.certificates import issue_track_certificate, revoke_certificate
from attendees.models import User
from workshops.models import Module, Track, WorkshopModule

from .completed import completed_modules, completing_workshop_modules


@dataclass
class TrackReview:
    issued: list[Certificate] = field(default_factory=list)
    revoked: list[Certificate] = field(default_factory=list)

    def add(self, other: TrackReview) -> None:
        self.issued += other.issued
        self.revoked += other.revoked


def lock_holder(holder_id: int) -> User | None:
    """The holder's account row, locked until the transaction ends (NO KEY UPDATE: rows that
    merely point at the account, a certificate being inserted, never wait for it)."""
    return (
        User.objects.select_for_update(no_key=True, of=("self",))
        .select_related("agency")
        .filter(pk=holder_id)
        .first()
    )


def live_modules_by_track(track_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
    """track id → ids of its live modules, in the order the curriculum lists them (one query;
    every track when `track_ids` is None)."""
    modules = Module.objects.live()
    if track_ids is not None:
        modules = modules.filter(track_id__in=list(track_ids))
    live: dict[int, list[int]] = defaultdict(list)
    for module_id, track_id in modules.order_by("title", "pk").values_list("pk", "track_id"):
        live[track_id].append(module_id)
    return live


def _completed_on(wm: WorkshopModule) -> str:
    """The completing workshop's last day, in its own zone (ISO 8601)."""
    ended = wm.workshop.ends_at or timezone.now()
    return ended.astimezone(wm.workshop.tzinfo).date().isoformat()


def build_track_printed(*, holder: User, track: Track, module_ids: list[int]) -> dict:
    """What the track credential prints, frozen at issue: each module as the latest workshop
    that completed it taught it."""
    latest = completing_workshop_modules(holder, module_ids)
    modules = [
        {
            "module_id": module_id,
            "title": latest[module_id].revision.title,
            "minutes": latest[module_id].revision.duration_minutes,
            "workshop_title": latest[module_id].workshop.title,
            "completed_on": _completed_on(latest[module_id]),
        }
        for module_id in module_ids
        if module_id in latest
    ]
    agency = holder.agency
    return {
        "kind": "track",
        "program": settings.PROGRAM_NAME,
        # The vetted name, never the display name the officer may retype on their profile.
        "officer_name": holder.name_of_record,
        "agency": agency.name if agency else "",
        "agency_country": agency.country.code if agency and agency.country else "",
        "track_name": track.name,
        "track_id": track.pk,
        "modules": modules,
        "total_minutes": sum(m["minutes"] for m in modules),
    }


def _relied_on(credential: Certificate) -> set[int]:
    return {
        int(m["module_id"])
        for m in credential.printed.get("modules", [])
        if isinstance(m, dict) and m.get("module_id") is not None
    }


def _review(holder: User, track_ids: set[int], live: dict[int, list[int]]) -> TrackReview:
    result = TrackReview()
    if not track_ids:
        return result
    completed = completed_modules(holder)
    credentials = Certificate.objects.of_tracks().active()
    held = {c.track_id: c for c in credentials.filter(holder=holder, track_id__in=track_ids)}
    for track_id in sorted(track_ids):
        credential = held.get(track_id)
        if credential is not None:
            if not _relied_on(credential) <= completed:
                result.revoked.append(
                    revoke_certificate(
                        certificate=credential,
                        reason=_("A workshop certificate it relied on was revoked."),
                    )
                )
            continue
        modules = live.get(track_id, [])
        if modules and completed.issuperset(modules) and holder.is_active:
            track = Track.objects.get(pk=track_id)
            printed = build_track_printed(holder=holder, track=track, module_ids=modules)
            result.issued.append(
                issue_track_certificate(holder=holder, track=track, printed=printed)
            )
    return result


def review_track_credentials(*, holder: User, track_ids: Iterable[int]) -> TrackReview:
    """Issue the credential of each of `track_ids` the holder now completes and does not hold;
    revoke each they hold whose modules they no longer all completed (the rules above).
    The caller holds the holder's lock (`lock_holder`). A few queries, whatever the holder's
    history, plus those of each credential issued or revoked."""
    track_ids = set(track_ids)
    return _review(holder, track_ids, live_modules_by_track(track_ids) if track_ids else {})


def tracks_of_workshop(workshop_id: int) -> set[int]:
    return set(
        Module.objects.filter(revisions__workshop_uses__workshop_id=workshop_id)
        .values_list("track_id", flat=True)
        .distinct()
    )


@transaction.atomic
def review_after_certificate(*, certificate_id: int) -> TrackReview:
    """The review a workshop certificate's issue or revocation calls for: its holder's
    credentials of the tracks its workshop taught. Nothing for a track credential or an id
    that no longer exists."""
    row = (
        Certificate.objects.of_workshops()
        .filter(pk=certificate_id)
        .values("holder_id", "registration__workshop_id")
        .first()
    )
    if row is None:
        return TrackReview()
    holder = lock_holder(row["holder_id"])
    if holder is None:
        return TrackReview()
    track_ids = tracks_of_workshop(row["registration__workshop_id"])
    return review_track_credentials(holder=holder, track_ids=track_ids)


def review_everyone() -> TrackReview:
    """Review every holder of a certificate against every track (the backfill; safe to run
    again: it then changes nothing). One transaction per holder."""
    track_ids = set(Track.objects.values_list("pk", flat=True))
    live = live_modules_by_track()
    holder_ids = sorted(
        set(Certificate.objects.active().values_list("holder_id", flat=True).distinct())
    )
    result = TrackReview()
    for holder_id in holder_ids:
        with transaction.atomic():
            holder = lock_holder(holder_id)
            if holder is not None:
                result.add(_review(holder, track_ids, live))
    return result
