import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from registrations.models import Registration
from tests.factories import (
    RegistrationFactory,
    TrackFactory,
    WorkshopFactory,
)
from tests.signin import sign_in
from trainingsite import when
from workshops.models import Workshop, WorkshopModule

from .scheduling_helpers import published_revision

pytestmark = pytest.mark.django_db
CATALOG = reverse("workshops:catalog")


def titles(response) -> set[str]:
    return {w.title for w in response.context["page"].object_list}


# --- catalog ---------------------------------------------------------------------------------


def test_catalog_lists_only_published_upcoming_workshops(client_for, officer, region):
    WorkshopFactory(region=region, title="Upcoming")
    WorkshopFactory(region=region, title="Draft", status=Workshop.Status.DRAFT)
    WorkshopFactory(region=region, title="Cancelled", status=Workshop.Status.CANCELLED)
    past = timezone.now() - dt.timedelta(days=30)
    WorkshopFactory(region=region, title="Past", sessions=[(past, past + dt.timedelta(hours=8))])
    response = client_for(officer).get(CATALOG)
    assert titles(response) == {"Upcoming"}


@pytest.mark.parametrize("user", ["pending_officer", "unconfirmed_officer", "suspended_officer"])
def test_catalog_is_closed_to_officers_without_access(request, client, user):
    sign_in(client, request.getfixturevalue(user))
    response = client.get(CATALOG)
    assert response.status_code == 302
    assert response.url.startswith(("/access/", "/accounts/login/"))


def test_catalog_requires_login(client):
    response = client.get(CATALOG)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_catalog_filters_by_region(client_for, officer, region, other_region):
    WorkshopFactory(region=region, title="APAC")
    WorkshopFactory(region=other_region, title="Europe")
    assert titles(client_for(officer).get(CATALOG, {"region": other_region.pk})) == {"Europe"}


def test_catalog_filters_by_track_through_modules(client_for, officer, region):
    forensics = TrackFactory(slug="forensics", name="Forensics")
    with_track = WorkshopFactory(region=region, title="Forensics one")
    WorkshopFactory(region=region, title="Other")
    WorkshopModule.objects.create(
        workshop=with_track, revision=published_revision(module__track=forensics)
    )
    assert titles(client_for(officer).get(CATALOG, {"track": "forensics"})) == {"Forensics one"}


def test_catalog_filters_by_month(client_for, officer, region):
    soon = timezone.now() + dt.timedelta(days=3)
    later = soon + dt.timedelta(days=70)
    WorkshopFactory(region=region, title="Soon", sessions=[(soon, soon + dt.timedelta(hours=4))])
    WorkshopFactory(region=region, title="Later", sessions=[(later, later + dt.timedelta(hours=4))])
    month = later.astimezone(dt.UTC).strftime("%Y-%m")
    assert titles(client_for(officer).get(CATALOG, {"month": month})) == {"Later"}


def test_catalog_filters_by_format_and_language(client_for, officer, region):
    WorkshopFactory(region=region, title="Online ES", format="online", language="es")
    WorkshopFactory(region=region, title="Online EN", format="online", language="en")
    WorkshopFactory(region=region, title="Room ES", language="es")
    client = client_for(officer)
    assert titles(client.get(CATALOG, {"format": "online", "language": "es"})) == {"Online ES"}


def test_catalog_filters_seats_available(client_for, officer, region):
    full = WorkshopFactory(region=region, title="Full", capacity=1)
    RegistrationFactory(workshop=full)
    WorkshopFactory(region=region, title="Open", capacity=1)
    response = client_for(officer).get(CATALOG, {"available": "on"})
    assert titles(response) == {"Open"}


def test_full_workshop_card_says_waitlist(client_for, officer, region):
    full = WorkshopFactory(region=region, title="Full", capacity=1)
    RegistrationFactory(workshop=full)
    response = client_for(officer).get(CATALOG)
    assert b"Waitlist" in response.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [("ransom", "Ransomware"), ("lisbon", "In Lisbon"), ("portugal", "In Lisbon")],
)
def test_catalog_search_matches_title_city_and_country(
    client_for, officer, region, query, expected
):
    WorkshopFactory(region=region, title="Ransomware")
    WorkshopFactory(region=region, title="In Lisbon", city="Lisbon", country="PT")
    assert titles(client_for(officer).get(CATALOG, {"q": query})) == {expected}


def test_catalog_search_matches_module_titles(client_for, officer, region):
    workshop = WorkshopFactory(region=region, title="Week one")
    WorkshopFactory(region=region, title="Week two")
    WorkshopModule.objects.create(
        workshop=workshop, revision=published_revision(title="Mixers and tumblers")
    )
    assert titles(client_for(officer).get(CATALOG, {"q": "tumbler"})) == {"Week one"}


def test_catalog_pagination_keeps_filters(client_for, officer, region):
    WorkshopFactory.create_batch(13, region=region, format="online")
    response = client_for(officer).get(CATALOG, {"format": "online"})
    assert len(response.context["page"].object_list) == 12
    assert b"format=online&amp;page=2" in response.content
    second = client_for(officer).get(CATALOG, {"format": "online", "page": "2"})
    assert len(second.context["page"].object_list) == 1


def test_catalog_bad_filter_values_do_not_fail(client_for, officer, region):
    WorkshopFactory(region=region)
    response = client_for(officer).get(
        CATALOG, {"region": "x", "month": "13-2020", "page": "abc", "format": "<script>"}
    )
    assert response.status_code == 200


def test_catalog_query_count_is_constant(
    client_for, officer, region, django_assert_max_num_queries
):
    client = client_for(officer)
    WorkshopFactory(region=region)
    with django_assert_max_num_queries(15) as one:
        client.get(CATALOG)
    WorkshopFactory.create_batch(19, region=region)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(CATALOG)
    assert response.context["page"].paginator.count == 20


def test_card_dates_are_the_venues_whatever_the_officers_zone(client_for, officer, region):
    officer.time_zone = "America/New_York"
    officer.save()
    start = dt.datetime(2031, 6, 3, 1, 0, tzinfo=dt.UTC)  # 3 June in Singapore, 2 in New York
    WorkshopFactory(region=region, sessions=[(start, start + dt.timedelta(hours=2))])
    response = client_for(officer).get(CATALOG)
    assert "Tue, 3 Jun 2031" in response.content.decode()


# --- detail ----------------------------------------------------------------------------------


def test_detail_shows_modules_objectives_trainers_and_sessions(
    client_for, officer, region, trainer
):
    workshop = WorkshopFactory(region=region, trainers=[trainer])
    WorkshopModule.objects.create(
        workshop=workshop, revision=published_revision(objectives="Follow the money\nSeize keys")
    )
    response = client_for(officer).get(reverse("workshops:workshop_detail", args=[workshop.pk]))
    assert response.status_code == 200
    for text in (b"Follow the money", b"Seize keys", b"Trainer Tom", b"Training Centre"):
        assert text in response.content
    assert response.context["my_registration"] is None
    assert list(response.context["sessions"]) == list(workshop.sessions.all())


def test_detail_passes_the_officers_own_registration(client_for, officer, region):
    workshop = WorkshopFactory(region=region)
    mine = RegistrationFactory(workshop=workshop, officer=officer)
    RegistrationFactory(workshop=workshop)
    response = client_for(officer).get(reverse("workshops:workshop_detail", args=[workshop.pk]))
    assert response.context["my_registration"] == mine


def test_draft_is_404_for_officers_and_other_region_coordinators(
    client_for, officer, other_coordinator, region
):
    workshop = WorkshopFactory(region=region, status=Workshop.Status.DRAFT)
    url = reverse("workshops:workshop_detail", args=[workshop.pk])
    assert client_for(officer).get(url).status_code == 404
    assert client_for(other_coordinator).get(url).status_code == 404


def test_draft_is_visible_to_its_region_coordinator(client_for, coordinator, region):
    workshop = WorkshopFactory(region=region, status=Workshop.Status.DRAFT)
    url = reverse("workshops:workshop_detail", args=[workshop.pk])
    response = client_for(coordinator).get(url)
    assert response.status_code == 200 and response.context["can_edit"]


def test_detail_is_404_for_officer_without_access(client, pending_officer, region):
    workshop = WorkshopFactory(region=region)
    sign_in(client, pending_officer)
    response = client.get(reverse("workshops:workshop_detail", args=[workshop.pk]))
    assert response.status_code in (302, 404)


def online_workshop(region, **kwargs):
    return WorkshopFactory(
        region=region,
        format="online",
        online_url="https://meet.example.org/secret-room",
        online_details="Passcode 4242",
        **kwargs,
    )


@pytest.mark.parametrize("state", [Registration.State.PENDING, Registration.State.WAITLISTED, None])
def test_joining_details_hidden_from_unconfirmed_officers(client_for, officer, region, state):
    workshop = online_workshop(region)
    if state:
        RegistrationFactory(workshop=workshop, officer=officer, state=state)
    response = client_for(officer).get(reverse("workshops:workshop_detail", args=[workshop.pk]))
    assert b"secret-room" not in response.content
    assert b"4242" not in response.content


def test_joining_details_shown_to_confirmed_attendee(client_for, officer, region):
    workshop = online_workshop(region)
    RegistrationFactory(workshop=workshop, officer=officer)
    response = client_for(officer).get(reverse("workshops:workshop_detail", args=[workshop.pk]))
    assert b"secret-room" in response.content


def test_joining_details_shown_to_trainer_and_coordinator(client_for, trainer, coordinator, region):
    workshop = online_workshop(region, trainers=[trainer])
    url = reverse("workshops:workshop_detail", args=[workshop.pk])
    assert b"secret-room" in client_for(trainer).get(url).content
    assert b"secret-room" in client_for(coordinator).get(url).content


def test_joining_details_hidden_from_other_region_coordinator(
    client_for, other_coordinator, region
):
    workshop = online_workshop(region)
    response = client_for(other_coordinator).get(
        reverse("workshops:workshop_detail", args=[workshop.pk])
    )
    assert b"secret-room" not in response.content


def test_detail_shows_both_zones_when_they_differ(client_for, officer, region):
    officer.time_zone = "Europe/Lisbon"
    officer.save()
    start = dt.datetime(2031, 6, 2, 1, 0, tzinfo=dt.UTC)
    workshop = WorkshopFactory(region=region, sessions=[(start, start + dt.timedelta(hours=8))])
    response = client_for(officer).get(reverse("workshops:workshop_detail", args=[workshop.pk]))
    assert b"09:00\xe2\x80\x9317:00" in response.content  # Singapore
    page = response.content.decode()
    assert "Your time: Mon, 2 Jun 2031, 02:00–10:00 (Lisbon Time, WEST)" in page


# --- seat counts and time helpers ------------------------------------------------------------


def test_with_seat_counts_counts_confirmed_and_waitlisted_only(region):
    workshop = WorkshopFactory(region=region, capacity=3)
    RegistrationFactory.create_batch(2, workshop=workshop)
    RegistrationFactory(workshop=workshop, state=Registration.State.WAITLISTED)
    RegistrationFactory(workshop=workshop, state=Registration.State.CANCELLED)
    WorkshopModule.objects.create(workshop=workshop, revision=published_revision())
    WorkshopModule.objects.create(workshop=workshop, revision=published_revision())
    row = (
        Workshop.objects.with_seat_counts()
        .filter(workshop_modules__isnull=False)  # a join must not multiply the counts
        .first()
    )
    assert (row.confirmed_count, row.waitlist_count, row.seats_left) == (2, 1, 1)


def test_seats_left_is_live_without_annotation(region):
    workshop = WorkshopFactory(region=region, capacity=2)
    assert workshop.seats_left == 2
    RegistrationFactory.create_batch(3, workshop=workshop)
    assert Workshop.objects.get(pk=workshop.pk).seats_left == 0


def test_time_span_hides_viewer_zone_with_same_offset():
    start = dt.datetime(2031, 6, 2, 1, 0, tzinfo=dt.UTC)
    _, same = when.spans(start, start + dt.timedelta(hours=8), "Asia/Singapore", "Asia/Manila")
    assert same is None
    local, other = when.spans(start, start + dt.timedelta(hours=8), "Asia/Singapore", "UTC")
    assert other is not None and "01:00–09:00" in other.text and "09:00–17:00" in local.text


def test_date_range_spans_days_in_zone():
    start = dt.datetime(2031, 6, 2, 1, 0, tzinfo=dt.UTC)
    assert when.date_range(start, start + dt.timedelta(days=2), "UTC") == "2\u2009–\u20094 Jun 2031"
    assert when.date_range(start, start, "America/New_York") == "Sun, 1 Jun 2031"


def test_local_datetime_filter_renders_local_time_with_its_zone():
    start = dt.datetime(2031, 1, 2, 9, 0, tzinfo=dt.UTC)
    html = Template('{% load when %}{{ t|local_datetime:"Asia/Seoul" }}').render(
        Context({"t": start, "request": RequestFactory().get("/")})
    )
    assert html == "2 Jan 2031, 18:00 (Seoul Time, GMT+09:00)"


def test_dashboard_and_nav_link_the_catalog_and_schedule(client_for, officer, coordinator):
    officer_page = client_for(officer).get(reverse("dashboard")).content.decode()
    assert reverse("workshops:catalog") in officer_page
    assert reverse("workshops:schedule") not in officer_page
    coordinator_page = client_for(coordinator).get(reverse("dashboard")).content.decode()
    assert reverse("workshops:schedule_calendar") in coordinator_page


# --- the officer's own status on the cards --------------------------------------------------


def _cards(response) -> dict[str, str]:
    """Card title → the card's text."""
    body = response.content.decode()
    cards = re.findall(r"<article class=\"card h-100\">(.*?)</article>", body, re.S)
    out = {}
    for card in cards:
        title = re.search(r"stretched-link[^>]*>([^<]+)</a>", card).group(1)
        out[title] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card))
    return out


def test_cards_show_the_officers_own_status(client_for, officer, other_agency_officer, region):
    states = {
        "Mine confirmed": (Registration.State.CONFIRMED, "You are registered"),
        "Mine waitlisted": (Registration.State.WAITLISTED, "You are on the waitlist"),
        "Mine pending": (Registration.State.PENDING, "Your request awaits approval"),
        "Mine nominated": (Registration.State.NOMINATION, "Your request awaits endorsement"),
    }
    for title, (state, _text) in states.items():
        RegistrationFactory(workshop=WorkshopFactory(region=region, title=title), officer=officer)
        Registration.objects.filter(workshop__title=title).update(state=state)
    cancelled = WorkshopFactory(region=region, title="Mine cancelled")
    RegistrationFactory(workshop=cancelled, officer=officer, state=Registration.State.CANCELLED)
    someone_elses = WorkshopFactory(region=region, title="Taken by Bob")
    RegistrationFactory(workshop=someone_elses, officer=other_agency_officer)

    cards = _cards(client_for(officer).get(CATALOG))
    for title, (_state, text) in states.items():
        assert text in cards[title], title
    for title in ("Mine cancelled", "Taken by Bob"):
        assert "You are" not in cards[title] and "Your request" not in cards[title]


def test_card_says_when_registration_opens(client_for, officer, region):
    opens = timezone.now() + dt.timedelta(days=5)
    later = WorkshopFactory(region=region, title="Not yet", registration_opens_at=opens)
    WorkshopFactory(region=region, title="Open now")
    cards = _cards(client_for(officer).get(CATALOG))
    # The day in the workshop's own zone (late in the UTC day it is already the next one).
    local = opens.astimezone(later.tzinfo)
    assert f"Registration opens {local.day} {local:%b} {local.year}" in cards["Not yet"]
    assert "Registration opens" not in cards["Open now"]


def test_catalog_query_count_is_constant_with_own_registrations(
    client_for, officer, region, django_assert_max_num_queries
):
    """The officer's status on each card costs no query per card."""
    client = client_for(officer)
    states = list(Registration.State)

    def add(n):
        for i in range(n):
            workshop = WorkshopFactory(region=region)
            RegistrationFactory(workshop=workshop, officer=officer, state=states[i % len(states)])

    add(1)
    with django_assert_max_num_queries(15) as one:
        client.get(CATALOG)
    add(19)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(CATALOG)
    assert response.context["page"].paginator.count == 20
    assert "You are registered" in response.content.decode()


@pytest.mark.parametrize("month", ["13-2020", "2026-13", "march", "99999-01", "2026-3x"])
def test_a_bad_month_is_refused_with_a_message_and_the_other_filters_apply(
    client_for, officer, region, month
):
    WorkshopFactory(region=region, title="Online one", format="online")
    WorkshopFactory(region=region, title="Room one")
    response = client_for(officer).get(CATALOG, {"month": month, "format": "online"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose a month from the picker, such as 2026-03." in body
    assert "Some filters could not be used" in body
    assert titles(response) == {"Online one"}
    # The folded filter panel opens on phones so the message is seen.
    assert 'id="catalog-filters" class="collapse d-lg-block show"' in body


def test_month_filter_is_a_month_picker(client_for, officer):
    body = client_for(officer).get(CATALOG).content.decode()
    assert 'type="month"' in body
    assert 'id="catalog-filters" class="collapse d-lg-block"' in body
    assert 'data-bs-target="#catalog-filters"' in body
