"""Track credentials: the credential of a whole curriculum track, earned by completing every
module of it, across workshops.

Rules:
- A module is in the track its published revision was published in (`ModuleRevision.track`):
  a move in an unpublished draft changes nothing until it is published.
- A track is complete for a holder when it has at least one live module and the holder
  completed every live module of it with a certificate in its validity (`credentials.completed`:
  a workshop certificate, neither revoked nor expired, of a workshop that taught the module).
  Prerequisites count expired certificates too; a track credential says the training is current.
- Its validity ends no later than the completion it was earned with: the track's own validity
  (`validity_months`), cut short at the earliest of its modules' completion ends (for each
  module, the latest expiry among the certificates completing it; none if one never expires).
- Only a holder with program access (`User.has_program_access`) is issued one: erased,
  deactivated, suspended, rejected or not yet vetted accounts, a lapsed vetting, an agency whose
  access is withdrawn get nothing. When their access returns (`attendees.signals.access_restored`)
  they are reviewed again; after a reinstatement, at their next certificate or by the command.
- One credential per holder and track: while one is held (not revoked), nothing more is issued.
  An expired one is not renewed here.
- The credential lists the modules it was earned with (`printed["modules"]`, each with its
  `module_id`). It is revoked when a module it lists is no longer completed by a valid
  certificate: while the credential is in its validity, one neither revoked nor expired (a
  certificate it relied on was revoked, or expired before it); once it has expired, one not
  revoked (its own expiry already says the rest). A module added to the track later (created
  in it, moved into it, or published) does not revoke a credential already issued: that
  credential attests to the track as it was when earned. A module moved out of the track
  since does not spare it: a workshop certificate's review covers every credential of the
  holder that lists one of the workshop's modules, whatever track the module is in now.

Reviews run after the workshop certificate's change committed (`tasks`), one holder at a time:
each locks the holder's account row first (the lock order of registrations' `locking`), so two
reviews of one holder take turns and the second sees what the first did and every certificate
committed before it. Reviewing again changes nothing: the management command
`review_track_credentials` reviews everyone.
"""

from __future__ import annotations

import datetime as dt
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

from .completed import completing_workshop_modules, completion_ends


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
    """track id → ids of its live modules, each under the track of its published revision,
    in the order the curriculum lists them (one query; every track when `track_ids` is None)."""
    modules = Module.objects.live()
    if track_ids is not None:
        modules = modules.filter(published_revision__track_id__in=list(track_ids))
    live: dict[int, list[int]] = defaultdict(list)
    rows = modules.order_by("title", "pk").values_list("pk", "published_revision__track_id")
    for module_id, track_id in rows:
        live[track_id].append(module_id)
    return live


def _completed_on(wm: WorkshopModule) -> str:
    """The completing workshop's last day, in its own zone (ISO 8601)."""
    ended = wm.workshop.ends_at or timezone.now()
    return ended.astimezone(wm.workshop.tzinfo).date().isoformat()


def build_track_printed(
    *, holder: User, track: Track, module_ids: list[int], valid_at: dt.datetime | None = None
) -> dict:
    """What the track credential prints, frozen at issue: each module as the latest workshop
    that completed it taught it (with `valid_at`, among certificates in their validity then)."""
    latest = completing_workshop_modules(holder, module_ids, valid_at=valid_at)
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


def held_credentials(holder: User) -> dict[int, Certificate]:
    """Track id → the holder's track credential of it that is not revoked (one query)."""
    return {c.track_id: c for c in Certificate.objects.of_tracks().active().filter(holder=holder)}


def _current(end: dt.datetime | None, now: dt.datetime) -> bool:
    return end is None or end > now


def _revoke_reason(
    credential: Certificate, ends: dict[int, dt.datetime | None], now: dt.datetime
) -> str | None:
    """Why `credential` must be revoked now, or None (the rules above)."""
    relied_on = _relied_on(credential)
    if not relied_on <= ends.keys():
        return _("A workshop certificate it relied on was revoked.")
    if not credential.is_expired and not all(_current(ends[m], now) for m in relied_on):
        return _("A workshop certificate it relied on is no longer valid.")
    return None


def _lapses_at(modules: list[int], ends: dict[int, dt.datetime | None]) -> dt.datetime | None:
    """When the completion of all of `modules` stops being current (None: never)."""
    return min((end for module in modules if (end := ends[module]) is not None), default=None)


def _review(
    holder: User,
    track_ids: set[int],
    live: dict[int, list[int]],
    held: dict[int, Certificate],
) -> TrackReview:
    result = TrackReview()
    if not track_ids:
        return result
    now = timezone.now()
    ends = completion_ends(holder)
    for track_id in sorted(track_ids):
        credential = held.get(track_id)
        if credential is not None:
            reason = _revoke_reason(credential, ends, now)
            if reason is not None:
                result.revoked.append(revoke_certificate(certificate=credential, reason=reason))
            continue
        modules = live.get(track_id, [])
        complete = all(m in ends and _current(ends[m], now) for m in modules)
        if modules and complete and holder.has_program_access:
            track = Track.objects.get(pk=track_id)
            printed = build_track_printed(
                holder=holder, track=track, module_ids=modules, valid_at=now
            )
            result.issued.append(
                issue_track_certificate(
                    holder=holder,
                    track=track,
                    printed=printed,
                    expires_at=_lapses_at(modules, ends),
                )
            )
    return result


def modules_of_workshop(workshop_id: int) -> dict[int, int]:
    """Module id → the id of the track it is published in now, for each module the workshop
    taught that still has a published revision."""
    return dict(
        Module.objects.filter(
            revisions__workshop_uses__workshop_id=workshop_id, published_revision__isnull=False
        )
        .values_list("pk", "published_revision__track_id")
        .distinct()
    )


@transaction.atomic
def review_after_certificate(*, certificate_id: int) -> TrackReview:
    """The review a workshop certificate's issue or revocation calls for: its holder's
    credentials of the tracks its workshop's modules are published in now, and every
    credential of theirs that lists one of those modules (wherever the module has moved
    since). Nothing for a track credential or an id that no longer exists."""
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
    modules = modules_of_workshop(row["registration__workshop_id"])
    held = held_credentials(holder)
    track_ids = set(modules.values()) | {
        track_id for track_id, credential in held.items() if _relied_on(credential) & modules.keys()
    }
    live = live_modules_by_track(track_ids) if track_ids else {}
    return _review(holder, track_ids, live, held)


@transaction.atomic
def review_holder(*, holder_id: int) -> TrackReview:
    """Review one holder against every track (their access returned). Nothing for an id that
    no longer exists."""
    holder = lock_holder(holder_id)
    if holder is None:
        return TrackReview()
    live = live_modules_by_track()
    return _review(
        holder, set(Track.objects.values_list("pk", flat=True)), live, held_credentials(holder)
    )


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
                result.add(_review(holder, track_ids, live, held_credentials(holder)))
    return result
