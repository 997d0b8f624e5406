import pytest
from django.urls import reverse

from registrations.models import Registration
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _roster(client, workshop):
    return client.get(reverse("attendance:roster", args=[workshop.pk]))


def test_trainer_sees_confirmed_roster_with_contact_details(client_for, trainer, registration):
    response = _roster(client_for(trainer), registration.workshop)
    body = response.content.decode()
    assert response.status_code == 200
    assert registration.officer.full_name in body
    assert registration.officer.email in body
    assert registration.officer.agency.name in body
    assert "Inspector" in body


def test_roster_lists_only_confirmed_registrations(client_for, trainer, past_workshop, agency):
    waiting = OfficerFactory(agency=agency, full_name="Wally Waitlisted")
    RegistrationFactory(
        workshop=past_workshop, officer=waiting, state=Registration.State.WAITLISTED
    )
    body = _roster(client_for(trainer), past_workshop).content.decode()
    assert "Wally Waitlisted" not in body
    assert waiting.email not in body


def test_trainer_of_another_workshop_gets_404(client_for, other_trainer, registration):
    WorkshopFactory(trainers=[other_trainer])
    assert _roster(client_for(other_trainer), registration.workshop).status_code == 404


def test_coordinator_of_region_sees_roster(client_for, coordinator, registration):
    response = _roster(client_for(coordinator), registration.workshop)
    assert response.status_code == 200
    assert registration.officer.email in response.content.decode()


def test_coordinator_of_other_region_gets_404(client_for, other_coordinator, registration):
    assert _roster(client_for(other_coordinator), registration.workshop).status_code == 404


def test_program_admin_sees_any_roster(client_for, program_admin, registration):
    assert _roster(client_for(program_admin), registration.workshop).status_code == 200


def test_officers_get_403_even_when_on_the_roster(client_for, registration, other_agency_officer):
    assert _roster(client_for(registration.officer), registration.workshop).status_code == 403
    assert _roster(client_for(other_agency_officer), registration.workshop).status_code == 403


def test_anonymous_is_sent_to_login(client, registration):
    response = _roster(client, registration.workshop)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_session_page_of_other_trainer_is_404(client_for, other_trainer, past_workshop):
    session = past_workshop.sessions.first()
    url = reverse("attendance:session", args=[session.pk])
    assert client_for(other_trainer).get(url).status_code == 404
    assert client_for(other_trainer).post(url, {"action": "all_present"}).status_code == 404


def test_workshop_list_shows_only_taught_workshops(client_for, trainer, past_workshop):
    other = WorkshopFactory(title="Someone else's workshop")
    body = client_for(trainer).get(reverse("attendance:workshops")).content.decode()
    assert past_workshop.title in body
    assert other.title not in body


def _fill(workshop, agency, n):
    for _i in range(n):
        RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))


@pytest.mark.parametrize("url_name", ["roster", "session", "workshops"])
def test_staff_pages_use_constant_queries(
    client_for, trainer, past_workshop, agency, django_assert_max_num_queries, url_name
):
    client = client_for(trainer)
    if url_name == "roster":
        url = reverse("attendance:roster", args=[past_workshop.pk])
    elif url_name == "session":
        url = reverse("attendance:session", args=[past_workshop.sessions.first().pk])
    else:
        url = reverse("attendance:workshops")
    _fill(past_workshop, agency, 1)
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(16) as one:
        assert client.get(url).status_code == 200
    _fill(past_workshop, agency, 19)
    if url_name == "workshops":
        for _i in range(19):
            WorkshopFactory(region=past_workshop.region, trainers=[trainer])
    with django_assert_max_num_queries(16) as twenty:
        assert client.get(url).status_code == 200
    assert len(twenty.captured_queries) == len(one.captured_queries)
