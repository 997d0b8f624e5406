import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations.models import Registration
from tests.factories import RegistrationFactory, TrainerFactory, WorkshopFactory
from workshops.models import Workshop

from .scheduling_helpers import form_data, future_day, published_revision

pytestmark = pytest.mark.django_db


# --- who may open the scheduling pages -------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["workshops:schedule", "workshops:schedule_calendar", "workshops:workshop_create"]
)
@pytest.mark.parametrize("role", ["officer", "trainer", "focal_point", "pending_officer"])
def test_non_coordinators_get_403_on_scheduling_pages(request, client_for, name, role):
    user = request.getfixturevalue(role)
    response = client_for(user).get(reverse(name))
    assert response.status_code in (302, 403)
    if response.status_code == 302:  # users without program access go to /access/
        assert response.url.startswith("/access/")


@pytest.mark.parametrize(
    "name",
    [
        "workshops:workshop_edit",
        "workshops:workshop_duplicate",
        "workshops:workshop_cancel",
    ],
)
def test_coordinator_of_another_region_gets_404_on_workshop_pages(
    client_for, other_coordinator, region, name
):
    workshop = WorkshopFactory(region=region)
    response = client_for(other_coordinator).get(reverse(name, args=[workshop.pk]))
    assert response.status_code == 404


def test_coordinator_of_another_region_cannot_publish(client_for, other_coordinator, region):
    workshop = WorkshopFactory(region=region, status=Workshop.Status.DRAFT)
    response = client_for(other_coordinator).post(
        reverse("workshops:workshop_publish", args=[workshop.pk])
    )
    assert response.status_code == 404
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.DRAFT


def test_schedule_list_shows_only_own_regions(client_for, coordinator, region, other_region):
    WorkshopFactory(region=region, title="Manila forensics")
    WorkshopFactory(region=other_region, title="Lisbon forensics")
    response = client_for(coordinator).get(reverse("workshops:schedule"))
    assert b"Manila forensics" in response.content
    assert b"Lisbon forensics" not in response.content


def test_schedule_list_filters_by_status_and_month(client_for, coordinator, region):
    WorkshopFactory(region=region, title="Published one")
    WorkshopFactory(region=region, title="Draft one", status=Workshop.Status.DRAFT)
    client = client_for(coordinator)
    response = client.get(reverse("workshops:schedule"), {"status": "draft"})
    assert b"Draft one" in response.content and b"Published one" not in response.content
    response = client.get(reverse("workshops:schedule"), {"month": "2001-01"})
    assert b"Draft one" not in response.content


def test_schedule_list_refuses_forged_region_filter(client_for, coordinator, other_region):
    WorkshopFactory(region=other_region, title="Lisbon forensics")
    response = client_for(coordinator).get(
        reverse("workshops:schedule"), {"region": other_region.pk}
    )
    assert response.status_code == 200
    assert b"Lisbon forensics" not in response.content


def test_schedule_list_query_count_is_constant(
    client_for, coordinator, region, django_assert_max_num_queries
):
    client = client_for(coordinator)
    WorkshopFactory(region=region)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("workshops:schedule"))
    WorkshopFactory.create_batch(19, region=region)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("workshops:schedule"))
    assert len(response.context["page"].object_list) == 20


def test_calendar_places_session_on_its_local_day(client_for, coordinator, region):
    # 23:30 UTC on the 10th is 07:30 on the 11th in Singapore.
    start = dt.datetime(2030, 3, 10, 23, 30, tzinfo=dt.UTC)
    workshop = WorkshopFactory(
        region=region, sessions=[(start, start + dt.timedelta(hours=8))], title="Late one"
    )
    response = client_for(coordinator).get(
        reverse("workshops:schedule_calendar"), {"month": "2030-03", "region": region.pk}
    )
    days = dict(response.context["days_with_sessions"])
    assert [i["session"].workshop for i in days[dt.date(2030, 3, 11)]] == [workshop]
    assert dt.date(2030, 3, 10) not in days


def test_calendar_ignores_bad_month(client_for, coordinator):
    response = client_for(coordinator).get(
        reverse("workshops:schedule_calendar"), {"month": "garbage"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("month", ["9999-12", "0001-01"])
def test_calendar_ignores_a_month_at_the_end_of_the_calendar(client_for, coordinator, month):
    response = client_for(coordinator).get(reverse("workshops:schedule_calendar"), {"month": month})
    assert response.status_code == 200
    assert response.context["month"] != dt.date(int(month[:4]), int(month[5:]), 1)


@pytest.mark.parametrize("name", ["workshops:schedule", "workshops:catalog"])
@pytest.mark.parametrize("month", ["9999-12", "0001-01"])
def test_month_filter_at_the_end_of_the_calendar_is_a_form_error(
    client_for, coordinator, name, month
):
    response = client_for(coordinator).get(reverse(name), {"month": month})
    assert response.status_code == 200
    assert response.context["form"].errors["month"]


# --- create / edit ---------------------------------------------------------------------------


def test_coordinator_creates_draft_with_local_times(client_for, coordinator, region, trainer):
    revision = published_revision()
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"),
        form_data(region, modules=[revision], trainers=[trainer]),
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert workshop.status == Workshop.Status.DRAFT
    assert workshop.sessions.get().starts_at.astimezone(workshop.tzinfo).hour == 9
    assert workshop.registration_opens_at.astimezone(workshop.tzinfo).hour == 8
    assert [wm.revision for wm in workshop.workshop_modules.all()] == [revision]
    assert list(workshop.trainers.all()) == [trainer]


def test_create_with_forged_region_is_refused(client_for, coordinator, other_region):
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"), form_data(other_region)
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Workshop.objects.exists()


def test_create_shows_end_before_start_on_the_session_row(client_for, coordinator, region):
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"),
        form_data(region, rows=[(future_day().isoformat(), "17:00", "09:00")]),
    )
    assert response.status_code == 200
    assert "end" in response.context["session_formset"].forms[0].errors
    assert b"must end after it starts" in response.content


def test_create_needs_at_least_one_session(client_for, coordinator, region):
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"), form_data(region, rows=[("", "", "")])
    )
    assert b"Add at least one session" in response.content


def test_create_shows_trainer_clash_on_the_form(client_for, coordinator, region, trainer):
    day = future_day()
    start = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    WorkshopFactory(
        region=region,
        title="Busy elsewhere",
        sessions=[(start, start + dt.timedelta(hours=8))],
        trainers=[trainer],
    )
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"), form_data(region, trainers=[trainer])
    )
    assert response.status_code == 200
    assert "Busy elsewhere" in str(response.context["form"].errors["trainers"])
    assert Workshop.objects.count() == 1


def test_create_shows_registration_closing_after_start(client_for, coordinator, region):
    late = (future_day() + dt.timedelta(days=2)).isoformat() + "T09:00"
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"), form_data(region, registration_closes_at=late)
    )
    assert "registration_closes_at" in response.context["form"].errors


def test_create_shows_registration_opening_after_closing(client_for, coordinator, region):
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"),
        form_data(
            region,
            registration_opens_at=(future_day() - dt.timedelta(days=2)).isoformat() + "T09:00",
        ),
    )
    assert "registration_opens_at" in response.context["form"].errors


def test_create_shows_cancellation_deadline_after_start(client_for, coordinator, region):
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"),
        form_data(region, cancellation_deadline=(future_day(45)).isoformat() + "T09:00"),
    )
    assert "cancellation_deadline" in response.context["form"].errors


def test_create_shows_session_longer_than_twelve_hours(client_for, coordinator, region):
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"),
        form_data(region, rows=[(future_day().isoformat(), "06:00", "20:00")]),
    )
    assert b"at most 12 hours" in response.content


def test_create_shows_sessions_spread_over_more_than_fourteen_days(client_for, coordinator, region):
    rows = [
        (future_day().isoformat(), "09:00", "17:00"),
        (future_day(60).isoformat(), "09:00", "17:00"),
    ]
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"), form_data(region, rows=rows)
    )
    assert b"within 14 days" in response.content


def test_create_rejects_a_nonsense_date_without_500(client_for, coordinator, region):
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"),
        form_data(region, registration_opens_at="not-a-date", capacity="-3"),
    )
    assert response.status_code == 200
    assert {"registration_opens_at", "capacity"} <= set(response.context["form"].errors)


def test_edit_shows_capacity_below_confirmed_seats(client_for, coordinator, region):
    workshop = WorkshopFactory(region=region, capacity=5)
    RegistrationFactory.create_batch(3, workshop=workshop)
    get = client_for(coordinator).get(reverse("workshops:workshop_edit", args=[workshop.pk]))
    assert get.status_code == 200
    data = form_data(region, capacity="2", time_zone="Asia/Singapore")
    response = client_for(coordinator).post(
        reverse("workshops:workshop_edit", args=[workshop.pk]), data
    )
    assert "capacity" in response.context["form"].errors
    workshop.refresh_from_db()
    assert workshop.capacity == 5


def test_edit_prefills_local_times(client_for, coordinator, region):
    start = dt.datetime(2031, 6, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Singapore
    workshop = WorkshopFactory(region=region, sessions=[(start, start + dt.timedelta(hours=8))])
    response = client_for(coordinator).get(reverse("workshops:workshop_edit", args=[workshop.pk]))
    row = response.context["session_formset"].forms[0]
    assert row.initial["start"] == dt.time(9) and row.initial["day"] == dt.date(2031, 6, 2)


# --- duplicate / publish / cancel ------------------------------------------------------------


def test_duplicate_creates_shifted_draft(client_for, coordinator, region):
    workshop = WorkshopFactory(region=region)
    response = client_for(coordinator).post(
        reverse("workshops:workshop_duplicate", args=[workshop.pk]), {"shift_weeks": "52"}
    )
    assert response.status_code == 302, response.context["form"].errors
    copy = Workshop.objects.exclude(pk=workshop.pk).get()
    assert response.status_code == 302
    assert copy.status == Workshop.Status.DRAFT
    assert copy.starts_at - workshop.starts_at in (
        dt.timedelta(weeks=52),
        dt.timedelta(weeks=52, hours=1),
        dt.timedelta(weeks=52, hours=-1),
    )


def test_duplicate_needs_weeks_or_date(client_for, coordinator, region):
    workshop = WorkshopFactory(region=region)
    response = client_for(coordinator).post(
        reverse("workshops:workshop_duplicate", args=[workshop.pk]), {}
    )
    assert response.status_code == 200
    assert Workshop.objects.count() == 1


@pytest.mark.parametrize("new_start", ["9999-12-31", "0001-01-01"])
def test_duplicate_to_the_calendars_end_is_a_form_error(client_for, coordinator, region, new_start):
    workshop = WorkshopFactory(region=region)
    response = client_for(coordinator).post(
        reverse("workshops:workshop_duplicate", args=[workshop.pk]), {"new_start": new_start}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_start"]
    assert Workshop.objects.count() == 1


def test_publish_without_modules_shows_message(client_for, coordinator, region):
    workshop = WorkshopFactory(region=region, status=Workshop.Status.DRAFT)
    response = client_for(coordinator).post(
        reverse("workshops:workshop_publish", args=[workshop.pk]), follow=True
    )
    assert b"at least one module" in response.content
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.DRAFT


def test_cancel_with_reason(client_for, coordinator, region, django_capture_on_commit_callbacks):
    workshop = WorkshopFactory(region=region)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(coordinator).post(
            reverse("workshops:workshop_cancel", args=[workshop.pk]), {"reason": "Strike"}
        )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CANCELLED and workshop.cancel_reason == "Strike"
    assert len(callbacks) == 1


def test_cancel_without_reason_keeps_workshop(client_for, coordinator, region):
    workshop = WorkshopFactory(region=region)
    response = client_for(coordinator).post(
        reverse("workshops:workshop_cancel", args=[workshop.pk]), {"reason": ""}
    )
    assert response.status_code == 200
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.PUBLISHED


# --- trainers --------------------------------------------------------------------------------


def test_trainer_sees_only_the_workshops_they_teach(client_for, trainer, region):
    WorkshopFactory(region=region, title="Mine", trainers=[trainer])
    WorkshopFactory(region=region, title="Someone else's", trainers=[TrainerFactory()])
    response = client_for(trainer).get(reverse("workshops:my_workshops"))
    assert b"Mine" in response.content
    assert b"Someone else" not in response.content


def test_officer_gets_403_on_my_workshops(client_for, officer):
    assert client_for(officer).get(reverse("workshops:my_workshops")).status_code == 403


def test_confirmed_seat_count_on_schedule(client_for, coordinator, region):
    workshop = WorkshopFactory(region=region, capacity=10)
    RegistrationFactory.create_batch(2, workshop=workshop)
    RegistrationFactory(workshop=workshop, state=Registration.State.WAITLISTED)
    response = client_for(coordinator).get(reverse("workshops:schedule"))
    row = response.context["page"].object_list[0]
    assert (row.confirmed_count, row.waitlist_count, row.seats_left) == (2, 1, 8)
    assert timezone.now() < row.starts_at


def test_create_refuses_a_forged_unpublished_module_revision(client_for, coordinator, region):
    from tests.factories import ModuleRevisionFactory

    draft_revision = ModuleRevisionFactory()  # never made the module's published revision
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"), form_data(region, modules=[draft_revision])
    )
    assert response.status_code == 200
    assert response.context["module_formset"].forms[0].errors
    assert not Workshop.objects.exists()


def test_create_refuses_the_same_module_twice(client_for, coordinator, region):
    revision = published_revision()
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"), form_data(region, modules=[revision, revision])
    )
    assert b"only once per workshop" in response.content


def test_the_workshop_zone_is_picked_from_canonical_zones_without_the_devices(
    client_for, coordinator
):
    body = client_for(coordinator).get(reverse("workshops:workshop_create")).content.decode()
    assert 'data-tz-browser="none"' in body  # a venue's zone, not the coordinator's device's
    assert 'value="Europe/Warsaw"' in body and "<optgroup" in body
    assert 'value="US/Pacific"' not in body and 'value="Factory"' not in body


@pytest.mark.parametrize(
    ("zone", "value"), [("Asia/Tokyo", "0001-01-01T00:00"), ("America/Lima", "9999-12-31T23:59")]
)
def test_a_time_at_the_end_of_the_calendar_is_a_form_error(
    client_for, coordinator, region, zone, value
):
    response = client_for(coordinator).post(
        reverse("workshops:workshop_create"),
        form_data(region, time_zone=zone, registration_closes_at=value),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["registration_closes_at"]
    assert not Workshop.objects.exists()
