"""The officer's ways out of a workshop: cancel a seat, withdraw a request, leave the waitlist;
services first, then the confirmation pages."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registrations import services
from registrations.models import Registration
from registrations.services import RegistrationError
from tests.factories import OfficerFactory, WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db
State = Registration.State


def _days(n):
    return timezone.now().replace(microsecond=0) + dt.timedelta(days=n)


@pytest.fixture
def workshop(region):
    return WorkshopFactory(region=region, capacity=1, title="Tracing mixers")


@pytest.fixture
def approval_workshop(region):
    return WorkshopFactory(region=region, requires_approval=True, title="Approval needed")


def _full_with_waitlist(workshop, agency, officer):
    seated = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    mine = services.register(workshop_id=workshop.pk, officer=officer)
    behind = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    assert (seated.state, mine.state, behind.state) == (State.CONFIRMED,) + (State.WAITLISTED,) * 2
    return seated, mine, behind


# --- withdraw a request ---------------------------------------------------------------------


def test_officer_withdraws_pending_request_with_history_and_mail(
    approval_workshop, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reg = services.register(workshop_id=approval_workshop.pk, officer=officer)
    assert reg.state == State.PENDING
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_request(registration_id=reg.pk, officer=officer)
    reg.refresh_from_db()
    assert reg.state == State.CANCELLED
    event = reg.events.last()
    assert (event.actor, event.from_state, event.to_state) == (
        officer,
        State.PENDING,
        State.CANCELLED,
    )
    assert "withdrawn" in event.reason
    assert [m.to for m in mail.outbox] == [[officer.email]]


def test_officer_withdraws_nomination(region, officer):
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    assert reg.state == State.NOMINATION
    assert services.withdraw_request(registration_id=reg.pk, officer=officer).state == (
        State.CANCELLED
    )


def test_withdrawing_is_allowed_after_the_cancellation_deadline(approval_workshop, officer):
    reg = services.register(workshop_id=approval_workshop.pk, officer=officer)
    Workshop.objects.filter(pk=approval_workshop.pk).update(cancellation_deadline=_days(-1))
    services.withdraw_request(registration_id=reg.pk, officer=officer)
    reg.refresh_from_db()
    assert reg.state == State.CANCELLED


def test_withdrawing_is_refused_once_started(approval_workshop, officer):
    reg = services.register(workshop_id=approval_workshop.pk, officer=officer)
    Workshop.objects.filter(pk=approval_workshop.pk).update(starts_at=_days(-1))
    with pytest.raises(RegistrationError, match="started"):
        services.withdraw_request(registration_id=reg.pk, officer=officer)


def test_withdraw_refuses_a_confirmed_seat(workshop, officer):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    with pytest.raises(RegistrationError, match="no longer waiting"):
        services.withdraw_request(registration_id=reg.pk, officer=officer)
    reg.refresh_from_db()
    assert reg.state == State.CONFIRMED


def test_officer_cannot_withdraw_someone_elses_request(
    approval_workshop, officer, other_agency_officer
):
    reg = services.register(workshop_id=approval_workshop.pk, officer=officer)
    with pytest.raises(RegistrationError, match="does not exist"):
        services.withdraw_request(registration_id=reg.pk, officer=other_agency_officer)
    reg.refresh_from_db()
    assert reg.state == State.PENDING


# --- leave the waitlist ---------------------------------------------------------------------


def test_leaving_the_waitlist_moves_the_others_up_and_frees_no_seat(workshop, agency, officer):
    seated, mine, behind = _full_with_waitlist(workshop, agency, officer)
    services.leave_waitlist(registration_id=mine.pk, officer=officer)
    mine.refresh_from_db()
    assert mine.state == State.CANCELLED
    assert mine.events.last().reason == "Left the waitlist."
    position = (
        Registration.objects.with_waitlist_position().values_list("waitlist_position", flat=True)
    ).get(pk=behind.pk)
    assert position == 1
    seated.refresh_from_db()
    assert seated.state == State.CONFIRMED


def test_leave_waitlist_refuses_a_confirmed_seat(workshop, officer):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    with pytest.raises(RegistrationError, match="no longer on the waitlist"):
        services.leave_waitlist(registration_id=reg.pk, officer=officer)


def test_officer_cannot_leave_someone_elses_waitlist_place(workshop, agency, officer):
    _seated, mine, behind = _full_with_waitlist(workshop, agency, officer)
    with pytest.raises(RegistrationError, match="does not exist"):
        services.leave_waitlist(registration_id=behind.pk, officer=officer)
    behind.refresh_from_db()
    assert behind.state == State.WAITLISTED


def test_cancelling_a_seat_still_promotes_the_waitlist(workshop, agency, officer):
    seated, mine, _behind = _full_with_waitlist(workshop, agency, officer)
    services.cancel_registration(registration_id=seated.pk, officer=seated.officer)
    mine.refresh_from_db()
    assert mine.state == State.CONFIRMED


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "setup", "title"),
    [
        ("registration:cancel", "confirmed", "Cancel your registration?"),
        ("registration:withdraw", "pending", "Withdraw your request?"),
        ("registration:leave_waitlist", "waitlisted", "Leave the waitlist?"),
    ],
)
def test_confirmation_page_then_post_does_it_and_says_so(
    client_for, region, agency, officer, url_name, setup, title
):
    workshop = WorkshopFactory(
        region=region, capacity=1, requires_approval=setup == "pending", title="Chain analysis"
    )
    if setup == "waitlisted":
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    assert reg.state == setup
    client = client_for(officer)
    detail = reverse("workshops:workshop_detail", args=[workshop.pk])
    url = reverse(url_name, args=[reg.pk])

    page = client.get(detail).content.decode()
    assert f'href="{url}?next={detail}"' in page

    response = client.get(url, {"next": detail})
    assert response.status_code == 200
    body = response.content.decode()
    assert title in body and "Chain analysis" in body
    assert f'name="next" value="{detail}"' in body
    reg.refresh_from_db()
    assert reg.state == setup  # a GET changes nothing

    response = client.post(url, {"next": detail}, follow=True)
    assert response.redirect_chain[-1][0] == detail
    reg.refresh_from_db()
    assert reg.state == State.CANCELLED
    done = {
        "registration:cancel": "Your registration for “Chain analysis” is cancelled.",
        "registration:withdraw": "Your request for “Chain analysis” is withdrawn.",
        "registration:leave_waitlist": "You have left the waitlist for “Chain analysis”.",
    }[url_name]
    assert done in response.content.decode()


@pytest.mark.parametrize("url_name", ["registration:withdraw", "registration:leave_waitlist"])
def test_another_officers_registration_is_404_on_both_methods(
    client_for, approval_workshop, officer, other_agency_officer, url_name
):
    reg = services.register(workshop_id=approval_workshop.pk, officer=officer)
    client = client_for(other_agency_officer)
    url = reverse(url_name, args=[reg.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    reg.refresh_from_db()
    assert reg.state == State.PENDING


def test_wrong_way_out_is_refused_with_a_message(client_for, workshop, officer):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    response = client_for(officer).post(
        reverse("registration:leave_waitlist", args=[reg.pk]), follow=True
    )
    assert "no longer on the waitlist" in response.content.decode()
    reg.refresh_from_db()
    assert reg.state == State.CONFIRMED


def test_confirmation_back_link_ignores_a_foreign_next(client_for, workshop, officer):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    response = client_for(officer).get(
        reverse("registration:cancel", args=[reg.pk]), {"next": "https://evil.example/"}
    )
    assert response.context["back"] == reverse("registration:my_training")
    body = response.content.decode()
    assert 'href="https://evil.example/"' not in body
    assert 'value="https://evil.example/"' not in body
    assert f'href="{reverse("registration:my_training")}"' in body


@pytest.mark.parametrize("url_name", ["registration:withdraw", "registration:leave_waitlist"])
def test_staff_cannot_use_the_officer_ways_out(
    client_for, approval_workshop, officer, coordinator, trainer, url_name
):
    reg = services.register(workshop_id=approval_workshop.pk, officer=officer)
    for user in (coordinator, trainer):
        assert client_for(user).get(reverse(url_name, args=[reg.pk])).status_code == 403


def test_my_training_offers_the_right_way_out_for_each_state(client_for, region, agency, officer):
    def on_day(n):
        return [(_days(n), _days(n) + dt.timedelta(hours=2))]

    seat = WorkshopFactory(region=region, title="Seat", sessions=on_day(20))
    services.register(workshop_id=seat.pk, officer=officer)
    asked = WorkshopFactory(
        region=region, requires_approval=True, title="Asked", sessions=on_day(21)
    )
    services.register(workshop_id=asked.pk, officer=officer)
    full = WorkshopFactory(region=region, capacity=1, title="Full", sessions=on_day(22))
    services.register(workshop_id=full.pk, officer=OfficerFactory(agency=agency))
    services.register(workshop_id=full.pk, officer=officer)
    body = client_for(officer).get(reverse("registration:my_training")).content.decode()
    assert body.count("Cancel my registration") == 1
    assert body.count("Withdraw my request") == 1
    assert body.count("Leave the waitlist") == 1
