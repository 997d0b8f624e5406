"""What a focal point's digest says beyond their inbox: what changed for their agency since the
previous digest, and what comes up (seats about to return to the pool, vetting about to expire),
about their own agency only."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendees.models import AgencyRequest, User, VettingDecision
from inbox.changes import changes_for, coming_up_for, seats_returning, vetting_expiring
from inbox.services import changes_since, send_digest
from outbox.models import Mail
from registrations import services as registration_services
from registrations.models import Registration, RegistrationEvent, SeatReservation
from tests.factories import (
    CoordinatorFactory,
    OfficerFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from trainingsite import when
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

State = Registration.State
SITE = "https://training.example.net"
ZONE = "Asia/Singapore"
# Tomorrow 01:00 UTC: 09:00 in Singapore, the focal point's digest hour (07:00) passed.
NOW = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(
    hour=1, minute=0, second=0, microsecond=0
)
DAY = NOW.date()


def stamp(value) -> str:
    """A moment as the mail shows it in a row: the recipient's zone, abbreviated."""
    return when.datetime(value, ZONE, compact=True)


def event(reg, frm, to, actor, at) -> RegistrationEvent:
    return RegistrationEvent.objects.create(
        registration=reg, from_state=frm, to_state=to, actor=actor, created_at=at
    )


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.DIGEST_HOUR = 7


@pytest.fixture
def focal_a(agency):
    return OfficerFactory(
        agency=agency,
        is_focal_point=True,
        full_name="Focal Fay",
        work_mail=User.WorkMail.DIGEST,
        time_zone=ZONE,
        last_digest_on=DAY - dt.timedelta(days=1),
    )


@pytest.fixture
def focal_b(other_agency):
    return OfficerFactory(
        agency=other_agency,
        is_focal_point=True,
        full_name="Focal Bea",
        work_mail=User.WorkMail.DIGEST,
        time_zone=ZONE,
        last_digest_on=DAY - dt.timedelta(days=1),
    )


@pytest.fixture
def since(focal_a):
    return changes_since(focal_a, DAY)


@pytest.fixture
def world(region, other_region, agency, other_agency, officer, coordinator, focal_a, since):
    """Two agencies, each with decisions in and before the window, reservations and vetting
    ending at various distances."""
    cara, otto = coordinator, CoordinatorFactory(regions=[other_region], full_name="Coord Otto")
    inside, before = since + dt.timedelta(hours=1), since - dt.timedelta(minutes=1)

    def reg(title, who, state, **kw):
        return RegistrationFactory(
            workshop=WorkshopFactory(region=who.agency.region, title=title, **kw),
            officer=who,
            state=state,
        )

    # Agency A: decisions in the window.
    event(
        reg("Tracing 101", officer, State.CONFIRMED), State.PENDING, State.CONFIRMED, cara, inside
    )
    ann = OfficerFactory(agency=agency, full_name="Ann Answers")
    event(reg("Wallets", ann, State.PENDING), State.OFFERED, State.PENDING, ann, inside)
    dan = OfficerFactory(agency=agency, full_name="Dan Declines")
    event(reg("Mixers", dan, State.DECLINED), State.OFFERED, State.DECLINED, dan, inside)
    wes = OfficerFactory(agency=agency, full_name="Wes Waitlist")
    event(reg("Ledgers", wes, State.CONFIRMED), State.WAITLISTED, State.CONFIRMED, None, inside)
    rex = OfficerFactory(agency=agency, full_name="Rex Removed")
    event(reg("Darknet", rex, State.REMOVED), State.CONFIRMED, State.REMOVED, cara, inside)
    # ... and no news: an officer's own request, the focal point's own act, an older decision.
    nia = OfficerFactory(agency=agency, full_name="Nia Nominee")
    asked = reg("Ransomware", nia, State.NOMINATION, requires_nomination=True)
    event(asked, "", State.NOMINATION, nia, inside)
    own = OfficerFactory(agency=agency, full_name="Oli Own")
    event(reg("Endorsed", own, State.PENDING), State.NOMINATION, State.PENDING, focal_a, inside)
    event(reg("Old News", officer, State.DECLINED), State.PENDING, State.DECLINED, cara, before)

    # Vetting: a coordinator's decision (news), the focal point's own (not), an older one.
    vic = OfficerFactory(agency=agency, full_name="Vic Vetted")
    for by, action, at in [
        (cara, VettingDecision.Action.APPROVED, inside),
        (focal_a, VettingDecision.Action.SUSPENDED, inside),
        (cara, VettingDecision.Action.REINSTATED, before),
    ]:
        VettingDecision.objects.create(officer=vic, decided_by=by, action=action, created_at=at)

    # Profile requests: one decided in the window, one before, one still waiting.
    for value, decided_at, status in [
        ("new-a.gov", inside, AgencyRequest.Status.APPROVED),
        ("older-a.gov", before, AgencyRequest.Status.DECLINED),
        ("waiting-a.gov", None, AgencyRequest.Status.PENDING),
    ]:
        AgencyRequest.objects.create(
            agency=agency,
            kind=AgencyRequest.Kind.ADD_DOMAIN,
            value=value,
            status=status,
            requested_by=focal_a,
            decided_by=cara if decided_at else None,
            decided_at=decided_at,
            decision_note="Domain checked." if decided_at else "",
        )

    # Reservations: unfilled within a week, within two, filled, released.
    def reserve(title, agency_, seats, days, **kw):
        workshop = WorkshopFactory(region=agency_.region, title=title)
        return SeatReservation.objects.create(
            workshop=workshop,
            agency=agency_,
            seats=seats,
            until=NOW + dt.timedelta(days=days),
            **kw,
        )

    soon = reserve("Cyber Patrol", agency, 3, 3)
    RegistrationFactory(
        workshop=soon.workshop, officer=ann, state=State.CONFIRMED, endorsed_by=focal_a
    )
    reserve("Later Course", agency, 2, 10)
    full = reserve("Full Course", agency, 1, 2)
    RegistrationFactory(
        workshop=full.workshop, officer=wes, state=State.CONFIRMED, endorsed_by=focal_a
    )
    reserve("Released Course", agency, 2, 2, released_at=timezone.now())

    # Vetting ending in 10 days (listed) and in 40 (not yet).
    validity = django_settings.VETTING_VALIDITY
    OfficerFactory(
        agency=agency, full_name="Eve Expiring", vetted_at=NOW - validity + dt.timedelta(days=10)
    )
    OfficerFactory(
        agency=agency, full_name="Lou Later", vetted_at=NOW - validity + dt.timedelta(days=40)
    )

    # Agency B: the same kinds of news, none of which agency A may see.
    bob = OfficerFactory(agency=other_agency, full_name="Bob Other")
    event(reg("Harbour B", bob, State.CONFIRMED), State.PENDING, State.CONFIRMED, otto, inside)
    VettingDecision.objects.create(
        officer=OfficerFactory(agency=other_agency, full_name="Bea Vetted"),
        decided_by=otto,
        action=VettingDecision.Action.APPROVED,
        created_at=inside,
    )
    AgencyRequest.objects.create(
        agency=other_agency,
        kind=AgencyRequest.Kind.ADD_DOMAIN,
        value="secret-b.gov",
        status=AgencyRequest.Status.APPROVED,
        decided_by=otto,
        decided_at=inside,
    )
    reserve("Reserved B", other_agency, 4, 2)
    OfficerFactory(
        agency=other_agency,
        full_name="Bo Expiring",
        vetted_at=NOW - validity + dt.timedelta(days=5),
    )
    return {"inside": inside, "cara": cara, "soon": soon}


AGENCY_B = ["Bob Other", "Harbour B", "Bea Vetted", "Coord Otto", "secret-b.gov", "Reserved B"]
AGENCY_B += ["Bo Expiring", "Agency B"]


def detail(body: str, what: str) -> str:
    """The line under the row that starts with `what` (a row is what, then what of it)."""
    lines = body.splitlines()
    (i,) = [n for n, line in enumerate(lines) if line.startswith(f"- {what}")]
    return lines[i + 1].strip()


def digest_of(user, django_capture_on_commit_callbacks, now=NOW):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digest(user_id=user.pk, now=now) is True
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return message, message.alternatives[0][0]


# --- the window -----------------------------------------------------------------------------


def test_changes_start_where_the_previous_digest_period_opened(focal_a):
    singapore_7am = dt.datetime.combine(
        DAY - dt.timedelta(days=1), dt.time(7), tzinfo=when.zone(ZONE)
    )
    assert changes_since(focal_a, DAY) == singapore_7am
    # A first digest looks back one period; a weekly one a week.
    focal_a.last_digest_on = None
    assert changes_since(focal_a, DAY) == singapore_7am
    focal_a.work_mail = User.WorkMail.WEEKLY
    assert changes_since(focal_a, DAY) == singapore_7am - dt.timedelta(days=6)
    # After months without one: never more than a week back.
    focal_a.last_digest_on = DAY - dt.timedelta(days=90)
    assert changes_since(focal_a, DAY) == singapore_7am - dt.timedelta(days=6)


# --- what changed -----------------------------------------------------------------------------


def test_decisions_since_the_last_digest_only_with_who_decided(world, focal_a, since):
    (block, vetting, requests) = changes_for(focal_a, since=since, until=NOW)
    assert block.key == "registrations"
    seen = [(e.registration.workshop.title, str(e.label), e.actor_id) for e in block.rows]
    assert seen == [
        ("Tracing 101", "Approved, seat confirmed", world["cara"].pk),
        ("Wallets", "Accepted the nomination", seen[1][2]),
        ("Mixers", "Declined the nomination", seen[2][2]),
        ("Ledgers", "Given a seat from the waitlist", None),
        ("Darknet", "Removed from the workshop", world["cara"].pk),
    ]
    assert [(d.officer.full_name, d.action) for d in vetting.rows] == [
        ("Vic Vetted", VettingDecision.Action.APPROVED)
    ]
    assert [(r.asked, r.status) for r in requests.rows] == [("new-a.gov", "approved")]


def test_a_real_approval_shows_in_the_next_digest(
    region, officer, coordinator, focal_a, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=focal_a.pk).update(last_digest_on=None)
    reg = RegistrationFactory(
        workshop=WorkshopFactory(region=region, requires_approval=True, title="Approved Here"),
        officer=officer,
        state=State.PENDING,
    )
    registration_services.approve_registration(registration_id=reg.pk, by=coordinator)
    message, _html = digest_of(focal_a, django_capture_on_commit_callbacks)
    assert detail(message.body, "Officer Alice · Approved Here (").startswith(
        "Approved, seat confirmed · by Coordinator Cara · "
    )


def test_seats_returning_within_a_week_daily_and_two_weeks_weekly(world, focal_a):
    week, _ = seats_returning(focal_a, now=NOW, days=7)
    assert [(r.workshop.title, r.unfilled, r.seats) for r in week] == [("Cyber Patrol", 2, 3)]
    fortnight, _ = seats_returning(focal_a, now=NOW, days=14)
    assert [r.workshop.title for r in fortnight] == ["Cyber Patrol", "Later Course"]
    # Returned at `until`: gone from the list once past it.
    later, _ = seats_returning(focal_a, now=NOW + dt.timedelta(days=4), days=7)
    assert [r.workshop.title for r in later] == ["Later Course"]


def test_seats_held_on_a_draft_workshop_are_not_the_agencys_news_yet(world, focal_a, agency):
    draft = WorkshopFactory(region=agency.region, title="Unpublished", status=Workshop.Status.DRAFT)
    SeatReservation.objects.create(
        workshop=draft, agency=agency, seats=2, until=NOW + dt.timedelta(days=3)
    )
    week, _ = seats_returning(focal_a, now=NOW, days=7)
    assert [r.workshop.title for r in week] == ["Cyber Patrol"]


def test_vetting_expiring_within_thirty_days(world, focal_a):
    rows, _ = vetting_expiring(focal_a, now=NOW)
    assert [u.full_name for u in rows] == ["Eve Expiring"]


def test_other_staff_get_no_agency_news(world, coordinator, trainer, officer, since):
    for user in (coordinator, trainer, officer):
        assert changes_for(user, since=since, until=NOW) == []
        assert coming_up_for(user, now=NOW, days=14) == []


# --- the mail -------------------------------------------------------------------------------


def test_the_digest_shows_waiting_then_changed_then_coming_up(
    world, focal_a, since, django_capture_on_commit_callbacks
):
    message, html = digest_of(focal_a, django_capture_on_commit_callbacks)
    body = message.body
    order = [body.index(h) for h in ("What waits for you", "What changed", "Coming up")]
    assert order == sorted(order)
    in_html = [html.index(h) for h in ("What waits for you", "What changed", "Coming up")]
    assert in_html == sorted(in_html)
    assert "Nominations to endorse (1)" in body and "Nia Nominee · Ransomware" in body
    assert f"Since {when.datetime(since, ZONE)}." in body
    inside = stamp(world["inside"])
    assert detail(body, "Officer Alice · Tracing 101 (") == (
        f"Approved, seat confirmed · by Coordinator Cara · {inside}"
    )
    assert detail(body, "Ann Answers · Wallets") == f"Accepted the nomination · {inside}"
    assert detail(body, "Dan Declines · Mixers") == f"Declined the nomination · {inside}"
    assert detail(body, "Wes Waitlist · Ledgers") == f"Given a seat from the waitlist · {inside}"
    assert detail(body, "Rex Removed · Darknet").startswith("Removed from the workshop · by Coor")
    assert detail(body, "Vic Vetted") == f"Approved · by Coordinator Cara · {inside}"
    assert detail(body, "Add an e-mail domain: new-a.gov") == (
        f"Approved · by Coordinator Cara · {inside} · “Domain checked.”"
    )
    until = when.datetime(world["soon"].until, ZONE)
    assert detail(body, "Cyber Patrol (") == (
        f"2 of 3 reserved seats not filled · back to the open pool on {until}"
    )
    expires = when.date(NOW + dt.timedelta(days=10), ZONE)
    assert detail(body, "Eve Expiring") == f"Vetting expires on {expires}"
    for absent in ("Old News", "older-a.gov", "waiting-a.gov", "Later Course", "Full Course"):
        assert absent not in body
    for absent in ("Released Course", "Lou Later", "Oli Own", "Suspended"):
        assert absent not in body
    # Links to the workspace's pages, absolute.
    for name in ("registration:nominations", "my_agency", "inbox:index"):
        url = f"{SITE}{reverse(name)}"
        assert url in body and f'href="{url}"' in html
    assert message.subject == f"Waiting for you on {when.date(DAY)}"


def test_weekly_digest_looks_two_weeks_ahead_and_says_weekly(
    world, focal_a, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=focal_a.pk).update(work_mail=User.WorkMail.WEEKLY, last_digest_on=None)
    monday = NOW + dt.timedelta(days=-NOW.astimezone(when.zone(ZONE)).weekday() + 7)
    message, html = digest_of(focal_a, django_capture_on_commit_callbacks, now=monday)
    assert "Later Course" in message.body  # ten days ahead of NOW, under two weeks of Monday
    assert message.subject.startswith("Waiting for you in the week of ")
    assert "This is what waits for you this week." in message.body
    assert "one e-mail a week" in html


def test_nothing_about_another_agency_ever_appears(
    world, focal_a, focal_b, django_capture_on_commit_callbacks
):
    message, html = digest_of(focal_a, django_capture_on_commit_callbacks)
    for text in AGENCY_B:
        assert text not in message.body and text not in html, text
    # Agency B's focal point gets theirs, and nothing of A's.
    message_b, html_b = digest_of(focal_b, django_capture_on_commit_callbacks)
    assert "Bob Other · Harbour B" in message_b.body and "Reserved B" in message_b.body
    for text in ("Officer Alice", "Tracing 101", "Vic Vetted", "new-a.gov", "Cyber Patrol"):
        assert text not in message_b.body and text not in html_b, text
    assert "Eve Expiring" not in message_b.body


def test_in_the_recipients_language_and_zone(world, focal_a, django_capture_on_commit_callbacks):
    User.objects.filter(pk=focal_a.pk).update(language="fr", time_zone="Europe/Paris")
    message, _html = digest_of(
        focal_a, django_capture_on_commit_callbacks, now=NOW + dt.timedelta(hours=8)
    )
    until = when.datetime(world["soon"].until, "Europe/Paris", language="fr")
    assert until in message.body


def test_nothing_waiting_and_nothing_changed_sends_nothing(focal_a, agency, since):
    # Vetting about to expire alone is no reason for a mail (it would come daily for a month).
    OfficerFactory(
        agency=agency, vetted_at=NOW - django_settings.VETTING_VALIDITY + dt.timedelta(days=3)
    )
    assert send_digest(user_id=focal_a.pk, now=NOW) is False
    assert not Mail.objects.filter(kind="digest").exists()
    focal_a.refresh_from_db()
    assert focal_a.last_digest_on == DAY


def test_changes_alone_are_worth_a_digest(
    focal_a, officer, coordinator, region, since, django_capture_on_commit_callbacks
):
    reg = RegistrationFactory(
        workshop=WorkshopFactory(region=region, title="Only News"), officer=officer
    )
    event(reg, State.PENDING, State.CONFIRMED, coordinator, since + dt.timedelta(minutes=5))
    message, _html = digest_of(focal_a, django_capture_on_commit_callbacks)
    assert "Nothing waits for you. This is what changed for your agency." in message.body
    assert "What waits for you" not in message.body
    assert "Only News" in message.body


def test_seats_about_to_return_are_worth_a_digest(
    focal_a, agency, region, django_capture_on_commit_callbacks
):
    SeatReservation.objects.create(
        workshop=WorkshopFactory(region=region, title="Use Them"),
        agency=agency,
        seats=2,
        until=NOW + dt.timedelta(days=2),
    )
    message, _html = digest_of(focal_a, django_capture_on_commit_callbacks)
    assert "Nothing waits for you. This is what comes up for your agency." in message.body
    assert detail(message.body, "Use Them").startswith("2 of 2 reserved seats not filled")


def test_the_report_takes_the_same_queries_for_one_row_or_many(
    focal_a, agency, region, coordinator, since
):
    def add(n):
        for _ in range(n):
            who = OfficerFactory(agency=agency)
            reg = RegistrationFactory(workshop=WorkshopFactory(region=region), officer=who)
            event(reg, State.PENDING, State.CONFIRMED, coordinator, since + dt.timedelta(minutes=1))
            VettingDecision.objects.create(
                officer=who,
                decided_by=coordinator,
                action="approved",
                created_at=since + dt.timedelta(minutes=1),
            )
            SeatReservation.objects.create(
                workshop=reg.workshop, agency=agency, seats=3, until=NOW + dt.timedelta(days=1)
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            changes_for(focal_a, since=since, until=NOW)
            coming_up_for(focal_a, now=NOW, days=7)
        return len(queries)

    add(1)
    count()  # the user's access and regions, read once
    one = count()
    add(15)
    assert count() == one
