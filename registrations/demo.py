"""Demo registrations across the demo workshops: confirmed, waitlisted on a full workshop,
pending approval, a nomination for the Dutch focal point, cancelled, and a past workshop; seats
held for the Dutch and Singaporean agencies with their focal points' nominations in each state
(awaiting the officer's answer, accepted and waiting for approval, confirmed in a held seat,
declined by the officer).

Idempotent: rows are keyed on (workshop, officer); history rows are written only when a
registration is first created, already marked as notified so seeding sends no e-mail.
Returns [] when there are no demo workshops (the scheduling demo did not run).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from attendees.demo import set_email_address
from attendees.models import AgencyDomain, User
from workshops.models import Workshop

from .models import Registration, RegistrationEvent, SeatReservation

State = Registration.State
DEMO_PASSWORD = "training-demo-2026"
# Extra officers who fill the smallest workshop so the demo officer can be waitlisted on it.
FILLER_DOMAINS = ["spf.example.sg", "pnp-acg.example.ph", "knpa.example.kr", "pj.example.pt"]
MAX_FILLERS = 40


def _officer(email: str, full_name: str, domain: str, rank: str = "Inspector") -> User:
    agency = AgencyDomain.objects.get(domain=domain).agency
    user, created = User.objects.update_or_create(
        email=email,
        defaults={
            "full_name": full_name,
            "vetted_name": full_name,
            "agency": agency,
            "country": agency.country,
            "rank": rank,
            "status": User.Status.VERIFIED,
            "vetted_at": timezone.now(),
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    set_email_address(user, verified=True)
    return user


def _put(workshop, officer: User, state: str, *, history: list[str] | None = None) -> None:
    now = timezone.now()
    reg, created = Registration.objects.get_or_create(
        workshop=workshop,
        officer=officer,
        defaults={
            "state": state,
            "confirmed_at": now if state == State.CONFIRMED else None,
            "waitlisted_at": now if state == State.WAITLISTED else None,
        },
    )
    if not created:
        return
    previous = ""
    for step in history or [state]:
        RegistrationEvent.objects.create(
            registration=reg,
            actor=officer if not previous else None,
            from_state=previous,
            to_state=step,
        )
        previous = step


def _nominated(workshop, officer: User, focal: User, state: str) -> None:
    """A nomination by `focal`, answered or not: OFFERED, then the officer's answer (accepted
    into `state`, or CANCELLED when declined)."""
    now = timezone.now()
    accepted = state not in (State.OFFERED, State.CANCELLED)
    reg, created = Registration.objects.get_or_create(
        workshop=workshop,
        officer=officer,
        defaults={
            "state": state,
            "nominated_by": focal,
            "nominated_at": now,
            "endorsed_by": focal if accepted else None,
            "endorsed_at": now if accepted else None,
            "confirmed_at": now if state == State.CONFIRMED else None,
        },
    )
    if not created:
        return
    RegistrationEvent.objects.create(registration=reg, actor=focal, to_state=State.OFFERED)
    if state != State.OFFERED:
        reason = "" if accepted else "I am on duty that week."
        RegistrationEvent.objects.create(
            registration=reg,
            actor=officer,
            from_state=State.OFFERED,
            to_state=state,
            reason=reason,
        )


def _hold(workshop, domain: str, seats: int, note: str) -> None:
    """Seats of `workshop` held for the agency of `domain` (one held reservation per pair)."""
    agency = AgencyDomain.objects.get(domain=domain).agency
    coordinator = User.objects.coordinating(workshop.region_id).order_by("pk").first()
    until = workshop.starts_at - dt.timedelta(days=3)
    if until <= timezone.now():
        until = workshop.starts_at - dt.timedelta(hours=1)
    SeatReservation.objects.held().get_or_create(
        workshop=workshop,
        agency=agency,
        defaults={"seats": seats, "until": until, "note": note, "created_by": coordinator},
    )


def _seed_agency_nominations(open_plain: list, approval) -> None:
    """The Dutch and Singaporean focal points' reservations and nominations."""
    try:
        nl_focal = User.objects.get(email="focal@politie.example.nl")
        sg_focal = User.objects.get(email="focal@spf.example.sg")
    except User.DoesNotExist:
        return
    nl = "politie.example.nl"
    sg = "spf.example.sg"
    europe = next((w for w in open_plain if w.region.slug == "europe"), None)
    apac = next((w for w in open_plain if w.region.slug == "apac"), None)
    if europe is not None:
        _hold(europe, nl, 3, "Agreed with the Dutch National Unit.")
        joost = _officer(f"joost.bakker@{nl}", "Joost Bakker", nl, "Rechercheur")
        lotte = _officer(f"lotte.smit@{nl}", "Lotte Smit", nl, "Inspecteur")
        milan = _officer(f"milan.deboer@{nl}", "Milan de Boer", nl, "Hoofdagent")
        _nominated(europe, lotte, nl_focal, State.CONFIRMED)
        _nominated(europe, joost, nl_focal, State.OFFERED)
        _nominated(europe, milan, nl_focal, State.CANCELLED)
    if apac is not None:
        _hold(apac, sg, 2, "Two places for the cybercrime command.")
        siti = _officer(f"siti.rahman@{sg}", "Siti Rahman", sg, "Inspector")
        wei = _officer(f"weiling.koh@{sg}", "Koh Wei Ling", sg, "Assistant Superintendent")
        _nominated(apac, siti, sg_focal, State.CONFIRMED)
        _nominated(apac, wei, sg_focal, State.OFFERED)
    if approval is not None:
        marcus = _officer(f"marcus.tan@{sg}", "Marcus Tan", sg, "Inspector")
        _nominated(approval, marcus, sg_focal, State.PENDING)


def seed() -> list[tuple[str, str, str]]:
    now = timezone.now()
    upcoming = Workshop.objects.filter(
        status=Workshop.Status.PUBLISHED,
        starts_at__gt=now,
        registration_opens_at__lte=now,
        registration_closes_at__gte=now,
    ).order_by("starts_at", "pk")
    open_plain = list(
        upcoming.filter(requires_approval=False, requires_nomination=False).select_related("region")
    )
    approval = upcoming.filter(requires_approval=True, requires_nomination=False).first()
    nomination = upcoming.filter(requires_nomination=True).first()
    past = (
        Workshop.objects.filter(
            Q(status=Workshop.Status.COMPLETED) | Q(status=Workshop.Status.PUBLISHED),
            ends_at__lt=now,
        )
        .order_by("-ends_at")
        .first()
    )
    if not (open_plain or approval or nomination or past):
        return []

    try:
        daniel = User.objects.get(email="officer@spf.example.sg")
        ana = User.objects.get(email="officer@pj.example.pt")
    except User.DoesNotExist:
        return []
    eva = _officer("officer@politie.example.nl", "Eva Visser", "politie.example.nl", "Rechercheur")
    logins = [("Officer (Netherlands, nominated)", eva.email, DEMO_PASSWORD)]

    # The smallest open workshop is filled to capacity; Daniel waits on it.
    full = min(open_plain, key=lambda w: w.capacity) if open_plain else None
    if full is not None and full.capacity <= MAX_FILLERS:
        confirmed = Registration.objects.filter(workshop=full, state=State.CONFIRMED).count()
        for i in range(max(full.capacity - confirmed, 0)):
            domain = FILLER_DOMAINS[i % len(FILLER_DOMAINS)]
            filler = _officer(f"demo.attendee{i + 1}@{domain}", f"Demo Attendee {i + 1}", domain)
            _put(full, filler, State.CONFIRMED)
        _put(full, daniel, State.WAITLISTED)
    others = [w for w in open_plain if w != full]
    if others:
        _put(others[0], daniel, State.CONFIRMED)
        _put(others[0], ana, State.CONFIRMED)
    if len(others) > 1:
        _put(others[1], ana, State.CANCELLED, history=[State.CONFIRMED, State.CANCELLED])
    if approval is not None:
        _put(approval, daniel, State.PENDING)
    if nomination is not None:
        _put(nomination, eva, State.NOMINATION)
    # The workshop running now (the trainer's "today" page): Daniel and Ana hold passes.
    running = Workshop.objects.filter(
        status=Workshop.Status.PUBLISHED, starts_at__lte=now, ends_at__gt=now
    ).first()
    if running is not None:
        _put(running, daniel, State.CONFIRMED)
        _put(running, ana, State.CONFIRMED)
    if past is not None:
        _put(past, daniel, State.CONFIRMED)
        _put(past, ana, State.CONFIRMED)
    _seed_agency_nominations([w for w in open_plain if w != full], approval)
    return logins
