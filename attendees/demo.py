"""Demo regions, agencies and one account per role and state. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from allauth.account.models import EmailAddress
from django.utils import timezone

from .mfa import enrol_totp, is_staff_member
from .models import (
    Agency,
    AgencyDomain,
    AgencyEvent,
    AgencyRequest,
    Region,
    User,
    VettingDecision,
)

DEMO_PASSWORD = "training-demo-2026"

REGIONS = [("Asia-Pacific", "apac"), ("Europe", "europe"), ("Americas", "americas")]

# name, country, region slug, vetting mode, domains
AGENCIES = [
    (
        "Philippine National Police Anti-Cybercrime Group",
        "PH",
        "apac",
        "review",
        ["pnp-acg.example.ph"],
    ),
    ("Singapore Police Force Cybercrime Command", "SG", "apac", "auto", ["spf.example.sg"]),
    ("Korean National Police Agency", "KR", "apac", "review", ["knpa.example.kr"]),
    ("Polícia Judiciária", "PT", "europe", "auto", ["pj.example.pt"]),
    (
        "Netherlands Police High Tech Crime Unit",
        "NL",
        "europe",
        "review",
        ["politie.example.nl", "htcu.example.nl"],
    ),
    ("Polish Central Cybercrime Bureau", "PL", "europe", "review", ["cbzc.example.pl"]),
    ("Polícia Federal", "BR", "americas", "review", ["pf.example.br"]),
    ("Policía Nacional de Colombia", "CO", "americas", "auto", ["policia.example.co"]),
    ("Federal Investigations Bureau", "US", "americas", "review", ["fib.example.gov"]),
    ("Mexican Cyber Police", "MX", "americas", "review", ["ciberpolicia.example.mx"]),
]


class DemoFields(TypedDict, total=False):
    """A demo account's User fields, and the `regions` and `agency` seed() looks up."""

    regions: list[str]  # slugs of the regions it coordinates
    agency: str  # a domain of the officer's agency
    status: str
    vetted_name: str
    rank: str
    language: str
    time_zone: str
    is_program_admin: bool
    is_staff: bool
    is_superuser: bool
    is_trainer: bool
    is_focal_point: bool


# role label, e-mail, full name, extra fields
ACCOUNTS: list[tuple[str, str, str, DemoFields]] = [
    (
        "Program admin",
        "admin@training.example.org",
        "Alex Morgan",
        {"is_program_admin": True, "is_staff": True, "is_superuser": True},
    ),
    (
        "Coordinator (Asia-Pacific)",
        "coord.apac@training.example.org",
        "Mei Tan",
        {"regions": ["apac"]},
    ),
    (
        "Coordinator (Europe)",
        "coord.europe@training.example.org",
        "Lukas Berg",
        {"regions": ["europe"]},
    ),
    ("Trainer", "trainer@training.example.org", "Priya Raman", {"is_trainer": True}),
    (
        "Officer (Singapore)",
        "officer@spf.example.sg",
        "Daniel Lim",
        {"agency": "spf.example.sg", "rank": "Inspector", "time_zone": "Asia/Singapore"},
    ),
    (
        "Officer (Portugal)",
        "officer@pj.example.pt",
        "Ana Costa",
        {"agency": "pj.example.pt", "rank": "Inspetora", "time_zone": "Europe/Lisbon"},
    ),
    (
        "Focal point (Netherlands)",
        "focal@politie.example.nl",
        "Sanne de Vries",
        {"agency": "politie.example.nl", "is_focal_point": True, "rank": "Chief Inspector"},
    ),
    (
        "Officer pending vetting (Netherlands)",
        "pending@politie.example.nl",
        "Bram Jansen",
        {"agency": "politie.example.nl", "status": "pending"},
    ),
    (
        "Coordinator (Americas)",
        "coord.americas@training.example.org",
        "Lucía Herrera",
        {"regions": ["americas"]},
    ),
    (
        "Focal point (Singapore)",
        "focal@spf.example.sg",
        "Nur Aisyah",
        {"agency": "spf.example.sg", "is_focal_point": True, "rank": "Superintendent"},
    ),
    (
        "Officer (Brazil, Americas)",
        "officer@pf.example.br",
        "Rafael Souza",
        {
            "agency": "pf.example.br",
            "rank": "Agente",
            "language": "pt-br",
            "time_zone": "America/Sao_Paulo",
        },
    ),
    (
        "Officer e-mail unconfirmed (Singapore)",
        "unconfirmed@spf.example.sg",
        "Kevin Ong",
        {"agency": "spf.example.sg", "status": "unconfirmed"},
    ),
    (
        "Officer suspended (Portugal)",
        "suspended@pj.example.pt",
        "Rui Marques",
        {"agency": "pj.example.pt", "status": "suspended"},
    ),
    (
        "Officer, name change (Netherlands)",
        "renamed@politie.example.nl",
        "Femke van Dijk-Visser",
        {"agency": "politie.example.nl", "rank": "Inspector", "vetted_name": "Femke van Dijk"},
    ),
]

# States in which an account has been vetted at some point (and keeps its vetting date).
VETTED_STATES = {User.Status.VERIFIED, User.Status.SUSPENDED}


def seed() -> list[tuple[str, ...]]:
    regions = {}
    for name, slug in REGIONS:
        regions[slug], _ = Region.objects.update_or_create(slug=slug, defaults={"name": name})
    for name, country, region, mode, domains in AGENCIES:
        agency, _ = Agency.objects.update_or_create(
            name=name,
            country=country,
            defaults={"region": regions[region], "vetting_mode": mode, "is_active": True},
        )
        for domain in domains:
            AgencyDomain.objects.update_or_create(domain=domain, defaults={"agency": agency})

    logins: list[tuple[str, ...]] = []
    for label, email, full_name, fields in ACCOUNTS:
        extra = fields.copy()
        region_slugs = extra.pop("regions", [])
        domain = extra.pop("agency", "")
        status = extra.pop("status", User.Status.VERIFIED)
        # Vetted officers carry a vetted name (the demo's name change request: another one).
        vetted_name = extra.pop("vetted_name", full_name)
        if not domain or status not in VETTED_STATES:
            vetted_name = ""
        defaults = {"full_name": full_name, "status": status, "vetted_name": vetted_name, **extra}
        if domain:
            agency = AgencyDomain.objects.get(domain=domain).agency
            defaults.update(agency=agency, country=agency.country)
        user, created = User.objects.update_or_create(email=email, defaults=defaults)
        # Keep an existing vetting date so a second run changes nothing.
        vetted = status in VETTED_STATES
        if vetted != (user.vetted_at is not None):
            user.vetted_at = timezone.now() if vetted else None
            user.save(update_fields=["vetted_at"])
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if region_slugs:
            user.coordinated_regions.set([regions[s] for s in region_slugs])
        set_email_address(user, verified=status != User.Status.UNCONFIRMED)
        if status == User.Status.PENDING:
            VettingDecision.objects.get_or_create(
                officer=user, action=VettingDecision.Action.SUBMITTED
            )
        login: tuple[str, ...] = (label, email, DEMO_PASSWORD)
        if is_staff_member(user):
            # Staff come with TOTP set up; the secret is printed on their login line so a
            # newcomer can add it to an authenticator app.
            login += (f"TOTP secret: {enrol_totp(user)}",)
        logins.append(login)
    seed_agency_requests()
    return logins


def set_email_address(user: User, *, verified: bool) -> None:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": verified, "primary": True}
    )


def seed_agency_requests() -> None:
    """Focal points' requests for changes to their agency's profile: the Dutch one waits for
    a new domain; the Singaporean one had the vetting mode changed and proposes a colleague."""
    users = {
        u.email: u
        for u in User.objects.filter(
            email__in=[
                "focal@politie.example.nl",
                "focal@spf.example.sg",
                "officer@spf.example.sg",
                "coord.apac@training.example.org",
            ]
        )
    }
    dutch, singapore = users["focal@politie.example.nl"], users["focal@spf.example.sg"]
    AgencyRequest.objects.get_or_create(
        agency=dutch.agency,
        kind=AgencyRequest.Kind.ADD_DOMAIN,
        value="cyber.politie.example.nl",
        defaults={
            "requested_by": dutch,
            "reason": "Our analysts moved to addresses on this domain in March.",
        },
    )
    AgencyRequest.objects.get_or_create(
        agency=singapore.agency,
        kind=AgencyRequest.Kind.ADD_FOCAL_POINT,
        officer=users["officer@spf.example.sg"],
        defaults={
            "requested_by": singapore,
            "reason": "Daniel covers vetting while I am on leave.",
        },
    )
    coordinator = users["coord.apac@training.example.org"]
    approved, created = AgencyRequest.objects.get_or_create(
        agency=singapore.agency,
        kind=AgencyRequest.Kind.VETTING_MODE,
        value=Agency.VettingMode.AUTO,
        defaults={
            "requested_by": singapore,
            "reason": "Every address on our domain is issued after HR vetting.",
            "status": AgencyRequest.Status.APPROVED,
            "decided_by": coordinator,
            "decided_at": timezone.now() - dt.timedelta(days=12),
            "decision_note": "Agreed: your HR vetting covers it.",
        },
    )
    if created:
        AgencyRequest.objects.filter(pk=approved.pk).update(
            requested_at=timezone.now() - dt.timedelta(days=14)
        )
        AgencyEvent.objects.create(
            agency=singapore.agency,
            by=coordinator,
            action=AgencyEvent.Action.REQUEST_DECIDED,
            detail=f"Approved: {approved.describe_change()}",
        )
