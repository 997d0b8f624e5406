"""A cancelled workshop will not happen: it is never listed as upcoming, anywhere."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(region, trainer):
    past_start = timezone.now() - dt.timedelta(days=3)
    return {
        "upcoming": WorkshopFactory(region=region, title="Going ahead", trainers=[trainer]),
        "cancelled": WorkshopFactory(
            region=region, title="Called off", trainers=[trainer], status="cancelled"
        ),
        "past": WorkshopFactory(
            region=region,
            title="Already held",
            trainers=[trainer],
            status=Workshop.Status.COMPLETED,
            sessions=[(past_start, past_start + dt.timedelta(hours=3))],
        ),
    }


def test_upcoming_queryset_never_has_a_cancelled_workshop(three):
    assert list(Workshop.objects.upcoming()) == [three["upcoming"]]
    assert three["cancelled"] not in Workshop.objects.upcoming(since=timezone.now())


def test_past_queryset_keeps_cancelled_workshops_apart(three):
    assert list(Workshop.objects.past()) == [three["past"]]
    assert list(Workshop.objects.cancelled()) == [three["cancelled"]]


def test_catalog_never_shows_a_cancelled_workshop(client_for, officer, three):
    body = client_for(officer).get(reverse("workshops:catalog")).content.decode()
    assert "Going ahead" in body
    assert "Called off" not in body


def test_trainer_list_shows_cancelled_apart_from_upcoming(client_for, trainer, three):
    response = client_for(trainer).get(reverse("workshops:my_workshops"))
    assert list(response.context["upcoming"]) == [three["upcoming"]]
    assert list(response.context["past"]) == [three["past"]]
    assert list(response.context["cancelled"]) == [three["cancelled"]]


def test_attendance_list_never_shows_a_cancelled_workshop_as_upcoming(client_for, trainer, three):
    response = client_for(trainer).get(reverse("attendance:workshops"))
    assert list(response.context["page"]) == [three["upcoming"]]


def test_schedule_calendar_leaves_cancelled_workshops_out(client_for, coordinator, three):
    month = three["upcoming"].starts_at.strftime("%Y-%m")
    response = client_for(coordinator).get(
        reverse("workshops:schedule_calendar") + f"?month={month}"
    )
    body = response.content.decode()
    assert "Going ahead" in body
    assert "Called off" not in body


def test_library_counts_no_cancelled_workshop_as_upcoming(three):
    # The library's counts and lists go through `published()` and `upcoming()`.
    assert not Workshop.objects.published().upcoming().filter(status="cancelled").exists()
