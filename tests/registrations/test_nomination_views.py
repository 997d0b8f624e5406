"""The focal point's Nominations tab and nominate page, the officer's answer, and the
coordinator's reserved seats on the workshop's registrations page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations import services
from registrations.models import Registration, SeatReservation
from tests.factories import AgencyFactory, OfficerFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
State = Registration.State


@pytest.fixture
def workshop(region):
    return WorkshopFactory(region=region, capacity=10, title="Tracing workshop")


@pytest.fixture
def focal_b(other_agency):
    return OfficerFactory(agency=other_agency, is_focal_point=True, full_name="Focal B")


def _hold(workshop, agency, seats=3):
    return SeatReservation.objects.create(
        workshop=workshop,
        agency=agency,
        seats=seats,
        until=workshop.starts_at - dt.timedelta(days=1),
        note="For the cyber unit",
    )


def _offer(workshop, officer, focal):
    return services.nominate(workshop_id=workshop.pk, officer_ids=[officer.pk], by=focal).done[0]


# --- the Nominations tab --------------------------------------------------------------------


def test_the_tab_shows_held_seats_and_what_the_agency_put_forward(
    client_for, workshop, agency, focal_point, officer, focal_b
):
    _hold(workshop, agency)
    _offer(workshop, officer, focal_point)
    page = client_for(focal_point).get(reverse("registration:nominations"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Seats held for your agency" in body and "Tracing workshop" in body
    assert "0</span> / 3" in body
    assert f"{reverse('registration:nominate')}?workshop={workshop.pk}" in body
    assert "Officer Alice" in body and "Nominated by Focal Point" in body
    # Another agency's focal point sees none of it.
    other = client_for(focal_b).get(reverse("registration:nominations")).content.decode()
    assert "Tracing workshop" not in other and "Officer Alice" not in other


@pytest.mark.parametrize("rows", [1, 20])
def test_the_tab_costs_the_same_queries_for_1_or_20_rows(
    rows, client_for, region, agency, focal_point, django_assert_max_num_queries
):
    for _ in range(rows):
        w = WorkshopFactory(region=region)
        _hold(w, agency)
        _offer(w, OfficerFactory(agency=agency), focal_point)
    client = client_for(focal_point)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("registration:nominations")).status_code == 200


# --- the nominate page ----------------------------------------------------------------------


def test_the_picker_lists_open_workshops(client_for, workshop, region, focal_point):
    WorkshopFactory(region=region, status="draft", title="Draft workshop")
    body = client_for(focal_point).get(reverse("registration:nominate")).content.decode()
    assert "Tracing workshop" in body and "Draft workshop" not in body


def test_the_page_offers_only_the_agencys_officers_with_access(
    client_for, workshop, agency, focal_point, officer, other_agency_officer, pending_officer
):
    url = reverse("registration:nominate") + f"?workshop={workshop.pk}"
    body = client_for(focal_point).get(url).content.decode()
    assert "Officer Alice" in body
    assert other_agency_officer.full_name not in body
    assert f'value="{pending_officer.pk}"' not in body
    assert f'value="{focal_point.pk}"' not in body


def test_posting_nominates_and_says_so(client_for, workshop, officer, focal_point):
    client = client_for(focal_point)
    response = client.post(
        reverse("registration:nominate"),
        {"workshop": workshop.pk, "officers": [officer.pk], "message": "Go"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("registration:nominations")
    assert "Nominated for" in response.content.decode()
    reg = Registration.objects.get(workshop=workshop, officer=officer)
    assert (reg.state, reg.nominated_by) == (State.OFFERED, focal_point)


def test_another_agencys_officer_cannot_be_posted(
    client_for, workshop, focal_point, other_agency_officer
):
    response = client_for(focal_point).post(
        reverse("registration:nominate"),
        {"workshop": workshop.pk, "officers": [other_agency_officer.pk]},
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "0"])
def test_a_bad_workshop_id_is_not_found(client_for, focal_point, value):
    url = reverse("registration:nominate") + f"?workshop={value}"
    assert client_for(focal_point).get(url).status_code == 404


def test_a_draft_workshop_is_not_found(client_for, region, focal_point):
    draft = WorkshopFactory(region=region, status="draft")
    url = reverse("registration:nominate") + f"?workshop={draft.pk}"
    assert client_for(focal_point).get(url).status_code == 404


def test_the_workshop_page_offers_focal_points_to_nominate(
    client_for, workshop, focal_point, officer
):
    url = reverse("workshops:workshop_detail", args=[workshop.pk])
    nominate = f"{reverse('registration:nominate')}?workshop={workshop.pk}"
    assert nominate in client_for(focal_point).get(url).content.decode()
    assert nominate not in client_for(officer).get(url).content.decode()


# --- the officer's answer -------------------------------------------------------------------


def test_my_training_asks_the_officer_to_answer(client_for, workshop, officer, focal_point):
    reg = _offer(workshop, officer, focal_point)
    body = client_for(officer).get(reverse("registration:my_training")).content.decode()
    assert "Your agency nominated you" in body
    assert reverse("registration:nomination_answer", args=[reg.pk]) in body
    assert 'value="accept"' in body


def test_the_officer_accepts(client_for, workshop, officer, focal_point):
    reg = _offer(workshop, officer, focal_point)
    response = client_for(officer).post(
        reverse("registration:nomination_answer", args=[reg.pk]), {"answer": "accept"}
    )
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.state == State.CONFIRMED


def test_the_officer_declines_after_confirming(client_for, workshop, officer, focal_point):
    reg = _offer(workshop, officer, focal_point)
    client = client_for(officer)
    url = reverse("registration:nomination_answer", args=[reg.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Yes, decline the nomination" in page.content.decode()
    client.post(url, {"answer": "decline", "reason": "On leave"})
    reg.refresh_from_db()
    assert reg.state == State.CANCELLED
    assert reg.events.last().reason == "On leave"


def test_a_bad_answer_is_a_400(client_for, workshop, officer, focal_point):
    reg = _offer(workshop, officer, focal_point)
    url = reverse("registration:nomination_answer", args=[reg.pk])
    assert client_for(officer).post(url, {"answer": "maybe"}).status_code == 400
    reg.refresh_from_db()
    assert reg.state == State.OFFERED


def test_nobody_else_answers(client_for, workshop, officer, focal_point, agency):
    reg = _offer(workshop, officer, focal_point)
    url = reverse("registration:nomination_answer", args=[reg.pk])
    for other in (focal_point, OfficerFactory(agency=agency)):
        assert client_for(other).post(url, {"answer": "accept"}).status_code == 404
    reg.refresh_from_db()
    assert reg.state == State.OFFERED


# --- the coordinator's reserved seats -------------------------------------------------------


def test_the_registrations_page_lists_reservations_and_nominations(
    client_for, workshop, agency, coordinator, officer, focal_point
):
    _hold(workshop, agency)
    _offer(workshop, officer, focal_point)
    url = reverse("registration:workshop_registrations", args=[workshop.pk])
    body = client_for(coordinator).get(url).content.decode()
    assert "Reserved seats" in body and "Agency A" in body and "For the cyber unit" in body
    assert "Nominated by Focal Point" in body
    assert "+ 3 held" in body


@pytest.mark.parametrize("rows", [1, 20])
def test_the_registrations_page_costs_the_same_for_1_or_20_reservations(
    rows, client_for, workshop, region, coordinator, django_assert_max_num_queries
):
    for _ in range(rows):
        _hold(workshop, AgencyFactory(region=region), seats=1)
    client = client_for(coordinator)
    url = reverse("registration:workshop_registrations", args=[workshop.pk])
    with django_assert_max_num_queries(22):
        assert client.get(url).status_code == 200


def test_the_coordinator_holds_seats_in_the_workshops_zone(
    client_for, workshop, agency, coordinator
):
    until = (workshop.starts_at - dt.timedelta(days=2)).astimezone(workshop.tzinfo)
    response = client_for(coordinator).post(
        reverse("registration:reserve_seats", args=[workshop.pk]),
        {
            "agency": agency.pk,
            "seats": 2,
            "until": until.strftime("%Y-%m-%dT%H:%M"),
            "note": "Agreed",
        },
    )
    assert response.status_code == 302
    reservation = SeatReservation.objects.get()
    assert reservation.until == until.replace(second=0, microsecond=0)
    assert reservation.created_by == coordinator


def test_a_refused_reservation_is_shown_with_its_reason(client_for, workshop, agency, coordinator):
    response = client_for(coordinator).post(
        reverse("registration:reserve_seats", args=[workshop.pk]),
        {"agency": agency.pk, "seats": 50, "until": "2099-01-01T10:00"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Only 10 seats" in body or "at the latest" in body
    assert not SeatReservation.objects.exists()


def test_release_and_other_regions(client_for, workshop, agency, coordinator, other_coordinator):
    reservation = _hold(workshop, agency)
    url = reverse("registration:reservation_release", args=[reservation.pk])
    assert client_for(other_coordinator).post(url).status_code == 404
    reserve = reverse("registration:reserve_seats", args=[workshop.pk])
    assert client_for(other_coordinator).post(reserve, {}).status_code == 404
    assert client_for(coordinator).post(url).status_code == 302
    reservation.refresh_from_db()
    assert reservation.released_by == coordinator
    assert timezone.now() >= reservation.released_at
