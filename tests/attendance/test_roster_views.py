import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations.models import Registration
from tests.attendance.conftest import hours_ago
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory
from workshops.models import Workshop

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
    other = WorkshopFactory(title="Someone else's workshop", status=Workshop.Status.COMPLETED)
    body = client_for(trainer).get(reverse("attendance:workshops") + "?show=past").content.decode()
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
    if url_name == "workshops":  # the list opens on upcoming workshops
        WorkshopFactory(region=past_workshop.region, trainers=[trainer])
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


# --- the list opens on today and upcoming; past and cancelled are tabs of their own ----------


def _list(client, show=None):
    url = reverse("attendance:workshops") + (f"?show={show}" if show else "")
    return client.get(url)


@pytest.fixture
def listed(trainer, past_workshop):
    """A past workshop (to close), one running today, one next month, one cancelled."""
    now = timezone.now().replace(microsecond=0)
    today = WorkshopFactory(
        title="Running today",
        trainers=[trainer],
        sessions=[(hours_ago(1), now + dt.timedelta(hours=2))],
    )
    later = WorkshopFactory(title="Next month", trainers=[trainer])
    cancelled = WorkshopFactory(
        title="Called off", trainers=[trainer], status=Workshop.Status.CANCELLED
    )
    return {"past": past_workshop, "today": today, "later": later, "cancelled": cancelled}


def test_workshop_list_opens_on_today_and_upcoming(client_for, trainer, listed):
    response = _list(client_for(trainer))
    body = response.content.decode()
    assert response.status_code == 200
    assert [w.pk for w in response.context["page"]] == [listed["today"].pk, listed["later"].pk]
    assert listed["past"].title not in body
    assert "Called off" not in body
    # The past workshop still to be closed is pointed at, not forgotten.
    assert response.context["to_close"] == 1
    assert "?show=past" in body


def test_workshop_list_past_tab_has_past_workshops_only(client_for, trainer, listed):
    response = _list(client_for(trainer), "past")
    assert [w.pk for w in response.context["page"]] == [listed["past"].pk]


def test_workshop_list_cancelled_tab_has_cancelled_workshops_only(client_for, trainer, listed):
    response = _list(client_for(trainer), "cancelled")
    assert [w.pk for w in response.context["page"]] == [listed["cancelled"].pk]
    assert "Called off" in response.content.decode()


def test_workshop_list_unknown_tab_falls_back_to_upcoming(client_for, trainer, listed):
    assert _list(client_for(trainer), "bogus").context["tab"] == "upcoming"


def test_workshop_list_tabs_are_scoped_for_outsiders(client_for, other_trainer, listed):
    for show in ("upcoming", "past", "cancelled"):
        assert list(_list(client_for(other_trainer), show).context["page"]) == []


# --- one roster page: the old registrations roster address redirects here -------------------


def _moved(client, workshop):
    return client.get(reverse("attendance:roster_moved", args=[workshop.pk]))


def test_old_roster_url_redirects_permanently_to_the_roster(client_for, trainer, registration):
    workshop = registration.workshop
    response = _moved(client_for(trainer), workshop)
    assert response.status_code == 301
    assert response["Location"] == reverse("attendance:roster", args=[workshop.pk])
    assert response["Location"] != f"/workshops/{workshop.pk}/roster/"
    assert reverse("attendance:roster_moved", args=[workshop.pk]) == (
        f"/workshops/{workshop.pk}/roster/"
    )


def test_old_roster_url_is_404_for_outsiders(
    client_for, other_trainer, other_coordinator, registration
):
    assert _moved(client_for(other_trainer), registration.workshop).status_code == 404
    assert _moved(client_for(other_coordinator), registration.workshop).status_code == 404
    assert _moved(client_for(registration.officer), registration.workshop).status_code == 403


def test_roster_shows_waiting_registrations_as_counts(client_for, trainer, past_workshop, agency):
    RegistrationFactory(
        workshop=past_workshop,
        officer=OfficerFactory(agency=agency),
        state=Registration.State.WAITLISTED,
    )
    body = _roster(client_for(trainer), past_workshop).content.decode()
    assert "1 on the waitlist" in body
    # Trainers run the day; deciding on registrations is the coordinators' page.
    assert reverse("registration:workshop_registrations", args=[past_workshop.pk]) not in body


def test_coordinator_roster_links_to_registration_management(
    client_for, coordinator, past_workshop
):
    body = _roster(client_for(coordinator), past_workshop).content.decode()
    assert reverse("registration:workshop_registrations", args=[past_workshop.pk]) in body


def test_registrations_page_links_to_the_one_roster(client_for, coordinator, past_workshop):
    url = reverse("registration:workshop_registrations", args=[past_workshop.pk])
    body = client_for(coordinator).get(url).content.decode()
    assert reverse("attendance:roster", args=[past_workshop.pk]) in body
