"""The catalog (its filter form is cached) and the workshop page: seat counts stay live, and any
change to what a page shows is on the next page (whatever wrote it: service, ORM, bulk update)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from attendees.models import User
from tests.factories import OfficerFactory, RegionFactory, RegistrationFactory, WorkshopFactory
from workshops.models import Workshop, WorkshopSession

pytestmark = pytest.mark.django_db
CATALOG = reverse("workshops:catalog")


def _detail(workshop) -> str:
    return reverse("workshops:workshop_detail", args=[workshop.pk])


def test_catalog_seat_badge_is_live_while_the_card_is_cached(client_for, officer, region, agency):
    workshop = WorkshopFactory(region=region, title="Seats", capacity=2)
    client = client_for(officer)
    assert "2 seats left" in client.get(CATALOG).content.decode()
    RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))
    assert "1 seat left" in client.get(CATALOG).content.decode()
    RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))
    page = client.get(CATALOG).content.decode()
    assert "seat left" not in page and "Waitlist" in page


def test_catalog_card_shows_a_changed_title_at_once(client_for, officer, region):
    workshop = WorkshopFactory(region=region, title="Old title")
    client = client_for(officer)
    assert "Old title" in client.get(CATALOG).content.decode()
    Workshop.objects.filter(pk=workshop.pk).update(title="New title")
    page = client.get(CATALOG).content.decode()
    assert "New title" in page and "Old title" not in page


def test_catalog_card_dates_stay_the_venues_when_the_viewer_changes_zone(
    client_for, officer, region
):
    start = dt.datetime(2031, 1, 1, 20, 0, tzinfo=dt.UTC)  # 1 January in London, 2 in Singapore
    WorkshopFactory(
        region=region, time_zone="Europe/London", sessions=[(start, start + dt.timedelta(hours=2))]
    )
    client = client_for(officer)
    User.objects.filter(pk=officer.pk).update(time_zone="America/Lima")
    assert "Wed, 1 Jan 2031" in client.get(CATALOG).content.decode()
    User.objects.filter(pk=officer.pk).update(time_zone="Asia/Singapore")
    assert "Wed, 1 Jan 2031" in client.get(CATALOG).content.decode()


def test_catalog_filter_choices_follow_new_regions(client_for, officer, region):
    WorkshopFactory(region=region)
    client = client_for(officer)
    assert "Antarctica" not in client.get(CATALOG).content.decode()
    RegionFactory(name="Antarctica", slug="aq")
    assert "Antarctica" in client.get(CATALOG).content.decode()


def test_catalog_filter_form_keeps_submitted_values(client_for, officer, region):
    WorkshopFactory(region=region)
    client = client_for(officer)
    client.get(CATALOG)
    page = client.get(CATALOG, {"q": "forensics"}).content.decode()
    assert 'value="forensics"' in page
    assert 'value="forensics"' not in client.get(CATALOG).content.decode()


def test_workshop_page_shows_programme_calendar_links_and_trainers(client_for, officer, trainer):
    workshop = WorkshopFactory(trainers=[trainer], description="Mixers and bridges.")
    page = client_for(officer).get(_detail(workshop)).content.decode()
    assert "Mixers and bridges." in page
    assert trainer.full_name in page
    assert "Add to Google Calendar" in page


def test_workshop_page_programme_changes_are_shown_at_once(client_for, officer, trainer):
    workshop = WorkshopFactory(trainers=[trainer])
    client = client_for(officer)
    client.get(_detail(workshop))
    User.objects.filter(pk=trainer.pk).update(full_name="Renamed Trainer")
    new_start = dt.datetime(2031, 3, 3, 1, 0, tzinfo=dt.UTC)
    WorkshopSession.objects.filter(workshop=workshop).update(
        starts_at=new_start, ends_at=new_start + dt.timedelta(hours=3), title="Moved day"
    )
    page = client.get(_detail(workshop)).content.decode()
    assert "Renamed Trainer" in page and "Moved day" in page
    workshop.trainers.clear()
    assert "Renamed Trainer" not in client.get(_detail(workshop)).content.decode()


def test_workshop_page_seats_and_registration_stay_live(client_for, officer, agency):
    workshop = WorkshopFactory(capacity=1)
    client = client_for(officer)
    assert "1 seat left" in client.get(_detail(workshop)).content.decode()
    RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))
    page = client.get(_detail(workshop)).content.decode()
    assert "1 seat left" not in page and "Waitlist" in page


@pytest.mark.parametrize("page", ["2", "3", "999", "99999999999999999999999", "0", "-1", "x"])
def test_catalog_page_numbers_behave_like_djangos_paginator(client_for, officer, region, page):
    from django.core.paginator import Paginator

    WorkshopFactory.create_batch(14, region=region)
    response = client_for(officer).get(CATALOG, {"page": page})
    assert response.status_code == 200
    expected = Paginator(Workshop.objects.for_catalog(officer).order_by("starts_at", "pk"), 12)
    expected = expected.get_page(page)
    got = response.context["page"]
    assert (got.number, got.paginator.count) == (expected.number, 14)
    assert [w.pk for w in got.object_list] == [w.pk for w in expected.object_list]


def test_pages_still_render_when_the_cache_is_down(
    dead_cache, client_for, officer, coordinator, region
):
    workshop = WorkshopFactory(title="No cache", region=region)
    RegistrationFactory(workshop=workshop, officer=officer)
    client = client_for(officer)
    assert "No cache" in client.get(CATALOG).content.decode()
    assert "No cache" in client.get(_detail(workshop)).content.decode()
    client = client_for(coordinator)
    rows = reverse("registration:workshop_registrations", args=[workshop.pk])
    assert officer.full_name in client.get(rows).content.decode()
    assert client.get(reverse("reports:program")).status_code == 200
