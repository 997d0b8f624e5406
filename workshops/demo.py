"""Demo workshop program: ~30 workshops over past and coming months in all three regions.
Idempotent: each workshop is keyed by its title and its first day's offset from today's week."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from attendees.models import Agency, Region, User

from .models import Module, ModuleRevision, Workshop, WorkshopModule, WorkshopSession
from .services.scheduling import local_to_utc

# city, country, time zone, region slug, venue, host agency country
CITIES = {
    "Manila": ("PH", "Asia/Manila", "apac", "PNP Anti-Cybercrime Group Training Hall", "PH"),
    "Singapore": ("SG", "Asia/Singapore", "apac", "Home Team Academy", "SG"),
    "Seoul": ("KR", "Asia/Seoul", "apac", "KNPA Cyber Bureau Auditorium", "KR"),
    "Lisbon": ("PT", "Europe/Lisbon", "europe", "Escola de Polícia Judiciária", "PT"),
    "The Hague": ("NL", "Europe/Amsterdam", "europe", "Cyber Campus The Hague", "NL"),
    "Warsaw": ("PL", "Europe/Warsaw", "europe", "Central Cybercrime Bureau HQ", "PL"),
    "São Paulo": ("BR", "America/Sao_Paulo", "americas", "Academia Nacional de Polícia", "BR"),
    "Bogotá": ("CO", "America/Bogota", "americas", "Centro Cibernético Policial", "CO"),
    "Washington": ("US", "America/New_York", "americas", "Federal Training Center", "US"),
}

# title, city (or "online:<zone>:<region>"), offset in weeks from this week, days, track slug,
# language, capacity, flags
PROGRAM = [
    (
        "Crypto fundamentals for investigators",
        "Manila",
        -20,
        2,
        "crypto-fundamentals",
        "en",
        30,
        "",
    ),
    ("Blockchain forensics I", "Singapore", -16, 3, "blockchain-forensics", "en", 24, ""),
    # Running at seeding time, in the city where it is now morning: the trainer's "today"
    # page and officers' check-in passes.
    ("Wallet tracing clinic", "", 0, 1, "blockchain-forensics", "en", 12, "today"),
    ("Tracing ransomware payments", "Seoul", -12, 2, "blockchain-forensics", "en", 20, ""),
    ("Fundamentos de criptoativos", "Lisbon", -10, 1, "crypto-fundamentals", "pt-br", 25, ""),
    ("Dark web marketplaces", "The Hague", -8, 2, "cybercrime-investigation", "en", 20, ""),
    ("Seizing crypto assets", "Warsaw", -6, 2, "blockchain-forensics", "en", 18, ""),
    ("Investigação de criptomoedas", "São Paulo", -5, 3, "blockchain-forensics", "pt-br", 30, ""),
    ("Investigación de fraude en línea", "Bogotá", -3, 2, "cybercrime-investigation", "es", 25, ""),
    (
        "Crypto basics (online)",
        "online:Europe/Lisbon:europe",
        -2,
        1,
        "crypto-fundamentals",
        "en",
        80,
        "",
    ),
    ("Mixers and privacy coins", "Washington", -1, 2, "blockchain-forensics", "en", 20, ""),
    ("Blockchain forensics I", "Manila", 1, 3, "blockchain-forensics", "en", 24, "approval"),
    (
        "Crypto fundamentals for investigators",
        "Singapore",
        2,
        1,
        "crypto-fundamentals",
        "en",
        30,
        "",
    ),
    (
        "Open-source intelligence for crypto cases",
        "online:Asia/Singapore:apac",
        2,
        1,
        "cybercrime-investigation",
        "en",
        100,
        "",
    ),
    ("Tracing ransomware payments", "Lisbon", 3, 2, "blockchain-forensics", "en", 20, "approval"),
    ("Dark web marketplaces", "Warsaw", 4, 2, "cybercrime-investigation", "en", 16, ""),
    ("Seizing crypto assets", "Seoul", 5, 2, "blockchain-forensics", "en", 2, ""),
    ("Investigación de criptoactivos", "Bogotá", 5, 3, "blockchain-forensics", "es", 25, ""),
    (
        "Crypto fundamentals for investigators",
        "Washington",
        6,
        1,
        "crypto-fundamentals",
        "en",
        40,
        "",
    ),
    ("Advanced chain analysis", "The Hague", 7, 5, "blockchain-forensics", "en", 12, "nomination"),
    (
        "Investigação de criptomoedas",
        "São Paulo",
        8,
        3,
        "blockchain-forensics",
        "pt-br",
        30,
        "approval",
    ),
    (
        "Crypto basics (online)",
        "online:America/New_York:americas",
        9,
        1,
        "crypto-fundamentals",
        "es",
        80,
        "",
    ),
    ("Cybercrime case management", "Singapore", 10, 2, "cybercrime-investigation", "en", 25, ""),
    ("Fundamentos de criptoativos", "Lisbon", 11, 1, "crypto-fundamentals", "pt-br", 25, ""),
    ("Smart contract fraud", "Seoul", 12, 2, "blockchain-forensics", "en", 20, "hybrid"),
    ("Seizing crypto assets", "Washington", 13, 2, "blockchain-forensics", "en", 20, ""),
    ("Dark web marketplaces", "Manila", 14, 2, "cybercrime-investigation", "en", 24, "cancelled"),
    ("Blockchain forensics I", "Warsaw", 16, 3, "blockchain-forensics", "pl", 20, ""),
    (
        "Investigación de fraude en línea",
        "Bogotá",
        18,
        2,
        "cybercrime-investigation",
        "es",
        25,
        "draft",
    ),
    ("Tracing ransomware payments", "The Hague", 20, 2, "blockchain-forensics", "en", 20, "draft"),
    (
        "Crypto fundamentals for investigators",
        "São Paulo",
        22,
        1,
        "crypto-fundamentals",
        "pt-br",
        30,
        "",
    ),
]


def _revisions_by_track() -> dict[str, list[ModuleRevision]]:
    by_track: dict[str, list[ModuleRevision]] = {}
    for module in Module.objects.live().select_related("track", "published_revision"):
        by_track.setdefault(module.track.slug, []).append(module.published_revision)
    return by_track


@transaction.atomic
def seed() -> list[tuple[str, str, str]]:
    regions = {r.slug: r for r in Region.objects.all()}
    if not regions:
        return []
    trainer = User.objects.filter(email="trainer@training.example.org").first()
    coordinator = User.objects.filter(is_program_admin=True).first()
    agencies = {a.country.code: a for a in Agency.objects.all()}
    by_track = _revisions_by_track()
    all_revisions = [r for revs in by_track.values() for r in revs]
    valid_langs = {code for code, _ in settings.LANGUAGES}
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    for title, where, weeks, days, track, lang, capacity, flag in PROGRAM:
        if flag == "today":
            where = min(CITIES, key=lambda c: abs(hour.astimezone(ZoneInfo(CITIES[c][1])).hour - 9))
        if where.startswith("online:"):
            _, zone, region_slug = where.split(":")
            city = country = venue = ""
            host = None
            fmt = Workshop.Format.ONLINE
        else:
            country, zone, region_slug, venue, host_cc = CITIES[where]
            city = where
            host = agencies.get(host_cc)
            fmt = Workshop.Format.HYBRID if flag == "hybrid" else Workshop.Format.IN_PERSON
        if region_slug not in regions:
            continue
        first_day = monday + dt.timedelta(weeks=weeks, days=1)  # Tuesdays
        spans = [
            (
                local_to_utc(
                    dt.datetime.combine(first_day + dt.timedelta(days=i), dt.time(9)), zone
                ),
                local_to_utc(
                    dt.datetime.combine(first_day + dt.timedelta(days=i), dt.time(17)), zone
                ),
            )
            for i in range(days)
        ]
        if flag == "today":
            spans = [(hour, hour + dt.timedelta(hours=8))]
        starts, ends = spans[0][0], spans[-1][1]
        if flag == "cancelled":
            status = Workshop.Status.CANCELLED
        elif flag == "draft":
            status = Workshop.Status.DRAFT
        elif ends < now:
            status = Workshop.Status.COMPLETED
        else:
            status = Workshop.Status.PUBLISHED
        online = fmt != Workshop.Format.IN_PERSON
        # The running workshop moves with each seeding; the others keep their dates.
        key: dict[str, Any] = {} if flag == "today" else {"starts_at": starts}
        workshop, _ = Workshop.objects.update_or_create(
            title=title,
            **key,
            defaults={
                "starts_at": starts,
                "description": f"{title}: a hands-on workshop for vetted investigators.",
                "region": regions[region_slug],
                "status": status,
                "format": fmt,
                "language": lang if lang in valid_langs else "en",
                "time_zone": zone,
                "venue_name": venue,
                "venue_address": f"1 Training Avenue, {city}" if city else "",
                "city": city,
                "country": country,
                "online_url": "https://meet.training.example.org/ws-demo" if online else "",
                "online_details": "Passcode: 482913" if online else "",
                "capacity": capacity,
                "registration_opens_at": starts - dt.timedelta(days=60),
                "registration_closes_at": starts - dt.timedelta(days=3),
                "cancellation_deadline": starts - dt.timedelta(days=7),
                "requires_approval": flag == "approval",
                "requires_nomination": flag == "nomination",
                "agency_seat_cap": 3 if flag == "nomination" else None,
                "host_agency": host,
                "ends_at": ends,
                "cancel_reason": "Venue unavailable; the workshop will be rescheduled."
                if flag == "cancelled"
                else "",
                "created_by": coordinator,
            },
        )
        # Rows are updated in place, so attendance or invites tied to a session survive a re-seed.
        kept = []
        for i, (a, b) in enumerate(spans):
            session, _ = WorkshopSession.objects.update_or_create(
                workshop=workshop,
                starts_at=a,
                defaults={"ends_at": b, "title": f"Day {i + 1}" if days > 1 else ""},
            )
            kept.append(session.pk)
        workshop.sessions.exclude(pk__in=kept).delete()
        if trainer:
            workshop.trainers.set([trainer])
        revisions = by_track.get(track) or all_revisions[len(kept) % 3 :][:2]
        for i, revision in enumerate(revisions[:3]):
            WorkshopModule.objects.update_or_create(
                workshop=workshop, revision=revision, defaults={"position": i}
            )
    return []
