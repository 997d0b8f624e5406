"""The workshops resource: what the catalog shows each token's owner, joining details only to
those the workshop page shows them to, and a query count that does not grow with the page."""

import pytest

from registrations.models import Registration
from tests.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db
URL = "/api/v1/workshops/"


def _online(region, **kwargs):
    return WorkshopFactory(
        region=region,
        format=Workshop.Format.ONLINE,
        online_url="https://meet.example.org/room",
        online_details="PIN 1234",
        **kwargs,
    )


def test_joining_details_go_to_confirmed_officers_and_staff_only(
    api_for, region, officer, other_agency_officer, trainer, coordinator
):
    workshop = _online(region, trainers=[trainer])
    RegistrationFactory(workshop=workshop, officer=officer)
    RegistrationFactory(
        workshop=workshop,
        officer=other_agency_officer,
        state=Registration.State.WAITLISTED,
        confirmed_at=None,
    )
    joining = {
        who.email: api_for(who).get(f"{URL}{workshop.pk}/").json()["joining"]
        for who in (officer, other_agency_officer, trainer, coordinator)
    }
    assert joining[officer.email] == {"url": "https://meet.example.org/room", "details": "PIN 1234"}
    assert joining[trainer.email] == joining[coordinator.email] == joining[officer.email]
    assert joining[other_agency_officer.email] is None


def test_a_draft_is_a_404_to_officers_and_shown_to_its_coordinator(
    api_for, region, officer, coordinator
):
    draft = WorkshopFactory(region=region, status=Workshop.Status.DRAFT)
    assert api_for(officer).get(f"{URL}{draft.pk}/").status_code == 404
    assert api_for(coordinator).get(f"{URL}{draft.pk}/").status_code == 200


@pytest.mark.parametrize("value", ["not a slug!", "x\x00y"])
def test_a_bad_region_is_a_400(api_for, officer, value):
    assert api_for(officer).get(URL, {"region": value}).status_code == 400


def test_list_queries_do_not_grow_with_rows(
    api_for, region, officer, django_assert_max_num_queries
):
    _online(region)
    client = api_for(officer)
    with django_assert_max_num_queries(10) as one:
        assert len(client.get(URL).json()["results"]) == 1
    for _ in range(19):
        _online(region)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 20
