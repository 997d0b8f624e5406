import pytest
from django.urls import reverse
from django.utils import translation

from registrations import services
from registrations.models import Registration
from tests.factories import OfficerFactory, WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db
State = Registration.State


@pytest.fixture
def workshop(region):
    return WorkshopFactory(region=region, capacity=3, title="Crypto fundamentals")


def _register_url(workshop):
    return reverse("registration:register", args=[workshop.pk])


# --- register --------------------------------------------------------------------------------


def test_officer_registers_by_post_and_is_told(client_for, officer, workshop):
    response = client_for(officer).post(_register_url(workshop), follow=True)
    assert response.status_code == 200
    assert "seat is confirmed" in response.content.decode()
    assert Registration.objects.get().state == State.CONFIRMED


def test_register_message_is_in_the_officers_language(client_for, officer, workshop):
    officer.language = "es"
    officer.save(update_fields=["language"])
    response = client_for(officer).post(_register_url(workshop), follow=True)
    with translation.override("es"):
        expected = translation.gettext("You are registered: your seat is confirmed.")
    assert expected != "You are registered: your seat is confirmed."
    assert expected in response.content.decode()


def test_register_redirects_to_safe_next_only(client_for, officer, workshop):
    client = client_for(officer)
    response = client.post(_register_url(workshop), {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("registration:my_training")


@pytest.mark.parametrize("target", ["my_training", "a\x00b", "javascript:alert(1)", " "])
def test_register_ignores_a_next_that_is_not_a_local_path(client_for, officer, workshop, target):
    response = client_for(officer).post(_register_url(workshop), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("registration:my_training")


def test_register_get_not_allowed(client_for, officer, workshop):
    assert client_for(officer).get(_register_url(workshop)).status_code == 405


def test_double_post_gives_message_and_one_row(client_for, officer, workshop):
    client = client_for(officer)
    client.post(_register_url(workshop))
    response = client.post(_register_url(workshop), follow=True)
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert Registration.objects.count() == 1


def test_waitlisted_officer_told_position(client_for, agency, workshop):
    for _ in range(3):
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    officer = OfficerFactory(agency=agency)
    response = client_for(officer).post(_register_url(workshop), follow=True)
    assert "waitlist (position 1)" in response.content.decode()


@pytest.mark.parametrize("status", [Workshop.Status.DRAFT, Workshop.Status.CANCELLED])
def test_register_for_draft_or_cancelled_is_404_and_no_row(client_for, officer, workshop, status):
    Workshop.objects.filter(pk=workshop.pk).update(status=status)
    response = client_for(officer).post(_register_url(workshop))
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_register_for_past_workshop_gives_message(client_for, officer, workshop):
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.COMPLETED)
    response = client_for(officer).post(_register_url(workshop), follow=True)
    assert response.status_code == 200
    assert "not open for registration" in response.content.decode()
    assert not Registration.objects.exists()


def test_register_tampered_workshop_id_is_404(client_for, officer):
    assert client_for(officer).post("/workshops/987654/register/").status_code == 404


def test_staff_cannot_register(client_for, coordinator, trainer, workshop):
    for user in (coordinator, trainer):
        assert client_for(user).post(_register_url(workshop)).status_code == 403


def test_staff_see_the_workshop_without_a_register_button(
    client_for, coordinator, trainer, workshop
):
    workshop.trainers.add(trainer)
    detail = reverse("workshops:workshop_detail", args=[workshop.pk])
    for user in (coordinator, trainer):
        body = client_for(user).get(detail).content.decode()
        assert _register_url(workshop) not in body
        assert "Registration closes" in body


def test_anonymous_register_goes_to_login(client, workshop):
    response = client.post(_register_url(workshop))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- cancel and My training ------------------------------------------------------------------


def test_officer_cancels_own_registration(client_for, officer, workshop):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    response = client_for(officer).post(reverse("registration:cancel", args=[reg.pk]))
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.state == State.CANCELLED


def test_cancelling_another_officers_registration_is_404(
    client_for, officer, other_agency_officer, workshop
):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    response = client_for(other_agency_officer).post(reverse("registration:cancel", args=[reg.pk]))
    assert response.status_code == 404
    reg.refresh_from_db()
    assert reg.state == State.CONFIRMED


def test_my_training_shows_only_own_registrations_with_position(
    client_for, officer, agency, region
):
    full = WorkshopFactory(region=region, capacity=1, title="Full workshop")
    services.register(
        workshop_id=full.pk, officer=OfficerFactory(agency=agency, full_name="Someone Else")
    )
    services.register(workshop_id=full.pk, officer=officer)
    mine = WorkshopFactory(region=region, title="My confirmed workshop")
    services.register(workshop_id=mine.pk, officer=officer)
    content = client_for(officer).get(reverse("registration:my_training")).content.decode()
    assert "My confirmed workshop" in content
    assert "Position 1 on the waitlist" in content
    assert "Someone Else" not in content
    assert "Cancel my registration" in content


def test_my_training_forbidden_for_staff(client_for, coordinator):
    assert client_for(coordinator).get(reverse("registration:my_training")).status_code == 403


def test_my_training_query_count_constant(
    client_for, officer, region, django_assert_max_num_queries
):
    client = client_for(officer)
    url = reverse("registration:my_training")
    services.register(workshop_id=WorkshopFactory(region=region).pk, officer=officer)
    with django_assert_max_num_queries(12) as one:
        client.get(url)
    for _ in range(19):
        w = WorkshopFactory(region=region, starts_at=None, ends_at=None, sessions=[])
        Registration.objects.create(workshop=w, officer=officer, state=State.CONFIRMED)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Cancel my registration") == 20


# --- coordinator page ------------------------------------------------------------------------


def _manage_url(workshop):
    return reverse("registration:workshop_registrations", args=[workshop.pk])


def test_coordinator_sees_counts_and_lists(client_for, coordinator, agency, region):
    workshop = WorkshopFactory(region=region, capacity=1)
    services.register(
        workshop_id=workshop.pk, officer=OfficerFactory(agency=agency, full_name="Ann Seat")
    )
    services.register(
        workshop_id=workshop.pk, officer=OfficerFactory(agency=agency, full_name="Wes Wait")
    )
    response = client_for(coordinator).get(_manage_url(workshop))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ann Seat" in content and "Wes Wait" in content
    assert response.context["counts"]["confirmed"] == 1
    assert response.context["counts"]["waitlisted"] == 1
    assert response.context["counts"]["capacity"] == 1


def test_other_region_coordinator_gets_404(client_for, other_coordinator, workshop):
    assert client_for(other_coordinator).get(_manage_url(workshop)).status_code == 404


def test_program_admin_sees_any_region(client_for, program_admin, workshop):
    assert client_for(program_admin).get(_manage_url(workshop)).status_code == 200


@pytest.mark.parametrize("who", ["officer", "trainer", "focal_point"])
def test_non_coordinators_get_403(client_for, request, who, workshop):
    user = request.getfixturevalue(who)
    assert client_for(user).get(_manage_url(workshop)).status_code == 403


def test_coordinator_page_query_count_constant(
    client_for, coordinator, agency, region, django_assert_max_num_queries
):
    workshop = WorkshopFactory(region=region, capacity=10, requires_approval=True)
    client = client_for(coordinator)
    services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    with django_assert_max_num_queries(15) as one:
        client.get(_manage_url(workshop))
    for _ in range(19):
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(_manage_url(workshop))
    assert len(response.context["lists"]["pending"]) == 20


def test_coordinator_approves_one_with_message(client_for, coordinator, officer, region):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    response = client_for(coordinator).post(
        reverse("registration:decide", args=[reg.pk]), {"action": "approve", "message": "Welcome"}
    )
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.state == State.CONFIRMED
    assert reg.events.last().reason == "Welcome"


def test_remove_without_reason_keeps_typed_form_and_400(client_for, coordinator, officer, workshop):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    response = client_for(coordinator).post(
        reverse("registration:decide", args=[reg.pk]), {"action": "remove", "message": "  "}
    )
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    reg.refresh_from_db()
    assert reg.state == State.CONFIRMED


def test_decide_bad_action_is_400_not_500(client_for, coordinator, officer, workshop):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    response = client_for(coordinator).post(
        reverse("registration:decide", args=[reg.pk]), {"action": "explode"}
    )
    assert response.status_code == 400


def test_other_region_coordinator_cannot_decide(client_for, other_coordinator, officer, workshop):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    response = client_for(other_coordinator).post(
        reverse("registration:decide", args=[reg.pk]), {"action": "remove", "message": "x"}
    )
    assert response.status_code == 404


def test_officer_cannot_decide(client_for, officer, workshop):
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    response = client_for(officer).post(
        reverse("registration:decide", args=[reg.pk]), {"action": "remove", "message": "x"}
    )
    assert response.status_code == 403


def test_bulk_approve(client_for, coordinator, agency, region):
    workshop = WorkshopFactory(region=region, capacity=2, requires_approval=True)
    regs = [
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
        for _ in range(3)
    ]
    response = client_for(coordinator).post(
        _manage_url(workshop),
        {"action": "approve", "registrations": [r.pk for r in regs], "message": "See you"},
    )
    assert response.status_code == 302
    states = list(Registration.objects.order_by("pk").values_list("state", flat=True))
    assert states == [State.CONFIRMED, State.CONFIRMED, State.WAITLISTED]


def test_bulk_with_foreign_ids_is_400_and_changes_nothing(client_for, coordinator, agency, region):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    other = WorkshopFactory(region=region, requires_approval=True)
    theirs = services.register(workshop_id=other.pk, officer=OfficerFactory(agency=agency))
    response = client_for(coordinator).post(
        _manage_url(workshop), {"action": "approve", "registrations": [theirs.pk]}
    )
    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.state == State.PENDING


def test_bulk_without_selection_is_400_with_message(client_for, coordinator, workshop):
    response = client_for(coordinator).post(_manage_url(workshop), {"action": "decline"})
    assert response.status_code == 400
    assert "Tick at least one" in response.content.decode()


# --- focal point nominations -----------------------------------------------------------------


def test_focal_point_sees_and_endorses_own_agency_nominations(
    client_for, focal_point, officer, other_agency_officer, region
):
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    mine = services.register(workshop_id=workshop.pk, officer=officer)
    services.register(workshop_id=workshop.pk, officer=other_agency_officer)
    client = client_for(focal_point)
    content = client.get(reverse("registration:nominations")).content.decode()
    assert "Officer Alice" in content
    assert "Officer Bob" not in content
    response = client.post(
        reverse("registration:nomination_decide", args=[mine.pk]), {"action": "endorse"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.state == State.PENDING


def test_focal_point_cannot_decide_other_agency_nomination(
    client_for, focal_point, other_agency_officer, region
):
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = services.register(workshop_id=workshop.pk, officer=other_agency_officer)
    response = client_for(focal_point).post(
        reverse("registration:nomination_decide", args=[reg.pk]), {"action": "endorse"}
    )
    assert response.status_code == 404


def test_endorsing_twice_gives_message_not_500(client_for, focal_point, officer, region):
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    client = client_for(focal_point)
    url = reverse("registration:nomination_decide", args=[reg.pk])
    client.post(url, {"action": "endorse"})
    response = client.post(url, {"action": "endorse"})
    assert response.status_code == 400
    assert "already been handled" in response.content.decode()


@pytest.mark.parametrize("who", ["officer", "coordinator", "trainer"])
def test_nominations_page_for_focal_points_only(client_for, request, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("registration:nominations")).status_code == 403


def test_nominations_query_count_constant(
    client_for, focal_point, agency, region, django_assert_max_num_queries
):
    workshop = WorkshopFactory(region=region, requires_nomination=True, capacity=50)
    client = client_for(focal_point)
    services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("registration:nominations"))
    for _ in range(19):
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("registration:nominations"))
    assert response.content.decode().count("Endorse</button>") == 20


# --- partials --------------------------------------------------------------------------------


def test_dashboard_and_nav_partials_render(client_for, officer, focal_point, rf):
    from django.template.loader import render_to_string

    from attendees.context_processors import roles

    for user in (officer, focal_point):
        request = rf.get("/")
        request.user = user
        html = render_to_string(
            "registrations/_dashboard_panels.html",
            {"user": user, **roles(request)},
            request=request,
        )
        nav = render_to_string(
            "registrations/_nav.html", {"user": user, **roles(request)}, request=request
        )
        assert reverse("registration:my_training") in html + nav
    # A focal point reaches Nominations through "My agency" and its workspace tabs.
    nav = render_to_string(
        "attendees/_nav.html", {"user": focal_point, **roles(request)}, request=request
    )
    assert reverse("agencies:home") in nav
    tabs = render_to_string(
        "attendees/_agency_tabs.html", {"user": focal_point, **roles(request)}, request=request
    )
    assert reverse("registration:nominations") in tabs
