"""Focal points ask for changes to their agency's profile; coordinators of its region decide,
and an approval makes the change through the coordinators' own services."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attendees.models import (
    Agency,
    AgencyDomain,
    AgencyEvent,
    AgencyRequest,
    User,
    VettingDecision,
)
from attendees.models.access import AccessState
from attendees.services import (
    AgencyError,
    AgencyRequestError,
    decide_agency_request,
    request_agency_change,
    withdraw_agency_request,
)
from attendees.services.agency_requests import PENDING_LIMIT
from audit.models import AuditEntry
from inbox.items import counts_for
from tests.factories import (
    AgencyDomainFactory,
    AgencyFactory,
    CoordinatorFactory,
    OfficerFactory,
)

pytestmark = pytest.mark.django_db

Kind = AgencyRequest.Kind
Status = AgencyRequest.Status
SITE = "https://training.example.net"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def focal_b(other_agency):
    return OfficerFactory(agency=other_agency, is_focal_point=True, full_name="Focal Point B")


@pytest.fixture
def coordinating_focal_point(region, agency):
    """A focal point of agency A who also coordinates its region."""
    return CoordinatorFactory(
        regions=[region], agency=agency, email="both@agencya.gov", is_focal_point=True
    )


@pytest.fixture
def second_domain(agency):
    return AgencyDomainFactory(agency=agency, domain="cyber.agencya.gov")


def ask_domain(focal_point, domain="new.agencya.gov", reason="Our new unit."):
    asked, created = request_agency_change(
        by=focal_point, kind=Kind.ADD_DOMAIN, value=domain, reason=reason
    )
    assert created
    return asked


def refusal(**kwargs) -> str:
    with pytest.raises(AgencyError) as err:
        request_agency_change(**kwargs)
    return err.value.message


def sent_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


# --- asking ----------------------------------------------------------------------------------


def test_focal_point_asks_coordinators_of_the_region_are_mailed_once(
    focal_point,
    coordinator,
    other_coordinator,
    program_admin,
    trainer,
    agency,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        asked = ask_domain(focal_point, " @New.AgencyA.gov ")
    assert (asked.agency, asked.kind, asked.value, asked.status, asked.requested_by) == (
        agency,
        Kind.ADD_DOMAIN,
        "new.agencya.gov",
        Status.PENDING,
        focal_point,
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, program_admin.email])
    (message,) = sent_to(coordinator)
    assert "Agency A" in message.subject and "@new.agencya.gov" in message.subject
    assert "Our new unit." in message.body
    assert f"{SITE}/agencies/{agency.pk}/#requests" in message.body
    assert f'href="{SITE}/agencies/{agency.pk}/#requests"' in message.alternatives[0][0]
    entry = AuditEntry.objects.get(action="agency.request_made")
    assert (entry.actor, entry.target_id, entry.data["value"]) == (
        focal_point,
        str(agency.pk),
        "new.agencya.gov",
    )
    # Asking changes nothing yet.
    assert not AgencyDomain.objects.filter(domain="new.agencya.gov").exists()


def test_same_change_asked_again_is_the_waiting_request_and_mails_nobody(
    focal_point, coordinator, agency, django_capture_on_commit_callbacks
):
    first = ask_domain(focal_point)
    other_focal = OfficerFactory(agency=agency, is_focal_point=True)
    with django_capture_on_commit_callbacks(execute=True):
        again, created = request_agency_change(
            by=other_focal, kind=Kind.ADD_DOMAIN, value="NEW.agencya.gov"
        )
    assert (again, created) == (first, False)
    assert mail.outbox == []
    assert AgencyRequest.objects.count() == 1


def test_a_withdrawn_change_can_be_asked_again(focal_point):
    first = ask_domain(focal_point)
    withdraw_agency_request(request_id=first.pk, by=focal_point)
    assert ask_domain(focal_point).pk != first.pk


@pytest.mark.parametrize("value", ["not a domain", "", "localhost", "@.gov"])
def test_malformed_domain_is_refused(focal_point, value):
    message = refusal(by=focal_point, kind=Kind.ADD_DOMAIN, value=value)
    assert "Enter an e-mail domain such as police.example.org." == message


def test_domain_of_another_agency_is_refused_without_naming_it(focal_point, other_agency):
    taken = other_agency.domains.get().domain
    message = refusal(by=focal_point, kind=Kind.ADD_DOMAIN, value=taken.upper())
    assert "registered for another agency" in message
    assert other_agency.name not in message
    assert not AgencyRequest.objects.exists()


def test_domain_the_agency_has_is_refused(focal_point, agency):
    message = refusal(by=focal_point, kind=Kind.ADD_DOMAIN, value="agencya.gov")
    assert message == "Your agency already has the domain @agencya.gov."


def test_removing_a_domain_the_agency_does_not_have_is_refused(
    focal_point, other_agency, second_domain
):
    message = refusal(by=focal_point, kind=Kind.REMOVE_DOMAIN, value="agencyb.gov")
    assert message == "Your agency has no domain @agencyb.gov."


def test_removing_the_last_domain_is_refused_and_says_why(focal_point, agency):
    message = refusal(by=focal_point, kind=Kind.REMOVE_DOMAIN, value="agencya.gov")
    assert "only e-mail domain" in message and "added first" in message


def test_vetting_mode_already_in_force_is_refused(focal_point, agency):
    message = refusal(by=focal_point, kind=Kind.VETTING_MODE, value=agency.vetting_mode)
    assert "already" in message
    assert refusal(by=focal_point, kind=Kind.VETTING_MODE, value="lenient") == (
        "Choose a vetting mode."
    )


def test_focal_point_proposal_rules(focal_point, officer, other_agency_officer, pending_officer):
    def propose(who):
        return refusal(by=focal_point, kind=Kind.ADD_FOCAL_POINT, officer_id=who.pk)

    assert propose(focal_point) == "You are already a focal point."
    assert propose(other_agency_officer) == "Choose an officer of your agency."
    assert "verified officer with access" in propose(pending_officer)
    expired = OfficerFactory(
        agency=officer.agency, vetted_at=timezone.now() - dt.timedelta(days=3 * 365)
    )
    assert "verified officer with access" in propose(expired)
    colleague = OfficerFactory(
        agency=officer.agency, is_focal_point=True, full_name="Kim Colleague"
    )
    assert propose(colleague) == "Kim Colleague is already a focal point of your agency."
    assert refusal(by=focal_point, kind=Kind.ADD_FOCAL_POINT, officer_id=None) == (
        "Choose an officer of your agency."
    )
    asked, created = request_agency_change(
        by=focal_point, kind=Kind.ADD_FOCAL_POINT, officer_id=officer.pk
    )
    assert created and asked.officer == officer and asked.value == ""


@pytest.mark.parametrize("role", ["officer", "trainer", "coordinator", "program_admin"])
def test_only_focal_points_ask(request, role):
    user = request.getfixturevalue(role)
    message = refusal(by=user, kind=Kind.ADD_DOMAIN, value="new.agencya.gov")
    assert message == "Only a focal point of the agency can ask for a change to its profile."


def test_focal_point_of_a_suspended_agency_cannot_ask(focal_point, agency):
    Agency.objects.filter(pk=agency.pk).update(is_active=False)
    focal_point = User.objects.get(pk=focal_point.pk)
    assert "Only a focal point" in refusal(by=focal_point, kind=Kind.ADD_DOMAIN, value="x.gov.sg")


def test_the_request_is_for_the_askers_own_agency(focal_b, other_agency):
    asked = ask_domain(focal_b, "new.agencyb.gov")
    assert asked.agency == other_agency


def test_waiting_requests_are_capped(focal_point):
    for n in range(PENDING_LIMIT):
        ask_domain(focal_point, f"unit{n}.agencya.gov")
    message = refusal(by=focal_point, kind=Kind.ADD_DOMAIN, value="one-more.agencya.gov")
    assert "withdraw one" in message


# --- withdrawing -----------------------------------------------------------------------------


def test_requester_or_another_focal_point_of_the_agency_withdraws(focal_point, agency):
    asked = ask_domain(focal_point)
    withdraw_agency_request(request_id=asked.pk, by=focal_point)
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == (Status.WITHDRAWN, focal_point)
    assert AuditEntry.objects.filter(action="agency.request_withdrawn", actor=focal_point).exists()
    colleague = OfficerFactory(agency=agency, is_focal_point=True)
    second = ask_domain(focal_point, "second.agencya.gov")
    withdraw_agency_request(request_id=second.pk, by=colleague)
    second.refresh_from_db()
    assert second.status == Status.WITHDRAWN


@pytest.mark.parametrize("role", ["focal_b", "officer", "coordinator", "program_admin"])
def test_nobody_else_withdraws(request, focal_point, role):
    asked = ask_domain(focal_point)
    with pytest.raises(AgencyRequestError):
        withdraw_agency_request(request_id=asked.pk, by=request.getfixturevalue(role))
    asked.refresh_from_db()
    assert asked.status == Status.PENDING


def test_a_decided_request_cannot_be_withdrawn(focal_point, coordinator):
    asked = ask_domain(focal_point)
    decide_agency_request(request_id=asked.pk, by=coordinator, approve=False)
    with pytest.raises(AgencyRequestError, match="already decided: Declined by Coordinator Cara"):
        withdraw_agency_request(request_id=asked.pk, by=focal_point)


# --- deciding --------------------------------------------------------------------------------


def test_approving_a_domain_adds_it_through_the_coordinators_service(
    focal_point, coordinator, agency, django_capture_on_commit_callbacks
):
    asked = ask_domain(focal_point)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_agency_request(request_id=asked.pk, by=coordinator, approve=True, note=" Fine. ")
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by, asked.decision_note) == (
        Status.APPROVED,
        coordinator,
        "Fine.",
    )
    assert asked.decided_at is not None
    assert AgencyDomain.objects.get(domain="new.agencya.gov").agency == agency
    actions = list(agency.events.order_by("pk").values_list("action", "by"))
    assert actions == [
        (AgencyEvent.Action.DOMAIN_ADDED, coordinator.pk),
        (AgencyEvent.Action.REQUEST_DECIDED, coordinator.pk),
    ]
    decided = AuditEntry.objects.get(action="agency.request_decided")
    assert (decided.actor, decided.data["request"], decided.data["approved"]) == (
        coordinator,
        asked.pk,
        True,
    )
    assert AuditEntry.objects.filter(action="agency.domain_added", actor=coordinator).exists()
    (message,) = mail.outbox
    assert message.to == [focal_point.email]
    assert message.subject == "Approved: Add the e-mail domain @new.agencya.gov"
    assert "Fine." in message.body and f"{SITE}/my-agency/profile/" in message.body


def test_approving_a_removal_takes_access_from_officers_on_the_domain(
    focal_point, coordinator, agency, second_domain
):
    on_it = OfficerFactory(agency=agency, email="analyst@cyber.agencya.gov")
    asked, _created = request_agency_change(
        by=focal_point, kind=Kind.REMOVE_DOMAIN, value="@Cyber.AgencyA.gov"
    )
    decide_agency_request(request_id=asked.pk, by=coordinator, approve=True)
    assert list(agency.domains.values_list("domain", flat=True)) == ["agencya.gov"]
    assert User.objects.get(pk=on_it.pk).access_state == AccessState.AGENCY_REVOKED
    assert User.objects.get(pk=focal_point.pk).has_program_access
    assert agency.events.filter(action=AgencyEvent.Action.DOMAIN_REMOVED).exists()


def test_approving_a_vetting_mode_changes_it(focal_point, program_admin, agency):
    asked, _created = request_agency_change(
        by=focal_point, kind=Kind.VETTING_MODE, value=Agency.VettingMode.AUTO
    )
    decide_agency_request(request_id=asked.pk, by=program_admin, approve=True)
    agency.refresh_from_db()
    assert agency.vetting_mode == Agency.VettingMode.AUTO
    assert agency.events.filter(action=AgencyEvent.Action.VETTING_MODE).exists()


def test_approving_a_focal_point_names_them(focal_point, coordinator, officer):
    asked, _created = request_agency_change(
        by=focal_point, kind=Kind.ADD_FOCAL_POINT, officer_id=officer.pk
    )
    decide_agency_request(request_id=asked.pk, by=coordinator, approve=True)
    officer.refresh_from_db()
    assert officer.is_focal_point
    assert VettingDecision.objects.filter(
        officer=officer, decided_by=coordinator, action=VettingDecision.Action.FOCAL_NAMED
    ).exists()


def test_declining_changes_nothing_and_tells_the_requester(
    focal_point, coordinator, agency, django_capture_on_commit_callbacks
):
    asked = ask_domain(focal_point)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_agency_request(
            request_id=asked.pk, by=coordinator, approve=False, note="Not an agency domain."
        )
    asked.refresh_from_db()
    assert asked.status == Status.DECLINED
    assert not AgencyDomain.objects.filter(domain="new.agencya.gov").exists()
    assert list(agency.events.values_list("action", flat=True)) == [
        AgencyEvent.Action.REQUEST_DECIDED
    ]
    (message,) = mail.outbox
    assert message.subject.startswith("Declined:") and "Not an agency domain." in message.body


@pytest.mark.parametrize(
    "role", ["other_coordinator", "trainer", "officer", "focal_point", "focal_b"]
)
def test_only_coordinators_of_the_region_decide(request, focal_point, role):
    asked = ask_domain(focal_point)
    with pytest.raises(AgencyRequestError, match="You cannot decide this request."):
        decide_agency_request(request_id=asked.pk, by=request.getfixturevalue(role), approve=True)
    asked.refresh_from_db()
    assert asked.status == Status.PENDING
    assert not AgencyDomain.objects.filter(domain="new.agencya.gov").exists()


def test_a_coordinator_never_decides_their_own_agencys_request(
    focal_point, coordinating_focal_point
):
    both = coordinating_focal_point
    asked = ask_domain(focal_point)
    with pytest.raises(AgencyRequestError, match="decided by another coordinator"):
        decide_agency_request(request_id=asked.pk, by=both, approve=True)
    # Not even their own request.
    own = ask_domain(both, "own.agencya.gov")
    with pytest.raises(AgencyRequestError, match="decided by another coordinator"):
        decide_agency_request(request_id=own.pk, by=both, approve=False)
    assert AgencyRequest.objects.pending().count() == 2


def test_a_coordinator_without_program_access_decides_nothing(region, focal_point, other_agency):
    # A coordinator who is also an officer of another agency, their vetting lapsed.
    lapsed = CoordinatorFactory(
        regions=[region],
        agency=other_agency,
        email="lapsed@agencyb.gov",
        vetted_at=timezone.now() - dt.timedelta(days=3650),
    )
    assert not lapsed.has_program_access
    asked = ask_domain(focal_point)
    with pytest.raises(AgencyRequestError, match="cannot decide"):
        decide_agency_request(request_id=asked.pk, by=lapsed, approve=True)
    asked.refresh_from_db()
    assert asked.status == Status.PENDING


def test_a_decided_request_is_not_decided_again(focal_point, coordinator, program_admin):
    asked = ask_domain(focal_point)
    decide_agency_request(request_id=asked.pk, by=coordinator, approve=True)
    with pytest.raises(AgencyRequestError, match="already decided: Approved by Coordinator Cara"):
        decide_agency_request(request_id=asked.pk, by=program_admin, approve=False)
    withdrawn = ask_domain(focal_point, "second.agencya.gov")
    withdraw_agency_request(request_id=withdrawn.pk, by=focal_point)
    with pytest.raises(AgencyRequestError, match="already decided: Withdrawn"):
        decide_agency_request(request_id=withdrawn.pk, by=coordinator, approve=True)


def test_domain_taken_meanwhile_leaves_the_request_pending_with_the_services_message(
    focal_point, coordinator, other_agency
):
    asked = ask_domain(focal_point)
    AgencyDomainFactory(agency=other_agency, domain="new.agencya.gov")
    with pytest.raises(AgencyError, match="already belongs to another agency"):
        decide_agency_request(request_id=asked.pk, by=coordinator, approve=True)
    asked.refresh_from_db()
    assert asked.status == Status.PENDING
    assert not AgencyEvent.objects.filter(action=AgencyEvent.Action.REQUEST_DECIDED).exists()


def test_approving_two_removals_never_leaves_the_agency_without_a_domain(
    focal_point, coordinator, agency, second_domain
):
    first, _c = request_agency_change(
        by=focal_point, kind=Kind.REMOVE_DOMAIN, value="cyber.agencya.gov"
    )
    second, _c = request_agency_change(by=focal_point, kind=Kind.REMOVE_DOMAIN, value="agencya.gov")
    decide_agency_request(request_id=first.pk, by=coordinator, approve=True)
    with pytest.raises(AgencyRequestError, match="only e-mail domain"):
        decide_agency_request(request_id=second.pk, by=coordinator, approve=True)
    assert list(agency.domains.values_list("domain", flat=True)) == ["agencya.gov"]
    second.refresh_from_db()
    assert second.status == Status.PENDING


# --- the focal point's page ------------------------------------------------------------------


def test_profile_page_shows_the_agency_and_its_requests(
    client_for, focal_point, officer, agency, coordinator, second_domain
):
    decided = ask_domain(focal_point, "old.agencya.gov")
    decide_agency_request(request_id=decided.pk, by=coordinator, approve=False, note="No such unit")
    ask_domain(focal_point, "waiting.agencya.gov", reason="For the new lab")
    body = client_for(focal_point).get(reverse("agency_profile")).content.decode()
    for text in (
        agency.name,
        "@agencya.gov",
        "@cyber.agencya.gov",
        agency.get_vetting_mode_display(),
        "Focal Point",
        "Add the e-mail domain @waiting.agencya.gov",
        "For the new lab",
        "No such unit",
        "Coordinator Cara",
        reverse("agency_request_withdraw", args=[AgencyRequest.objects.pending().get().pk]),
    ):
        assert text in body, text
    # The proposal picker offers verified colleagues, never the focal point themself.
    assert f'value="{officer.pk}"' in body
    assert f'<option value="{focal_point.pk}"' not in body


def test_profile_page_posts_a_request(client_for, focal_point, coordinator):
    client = client_for(focal_point)
    response = client.post(
        reverse("agency_profile"),
        {"kind": "add_domain", "add_domain-domain": "lab.agencya.gov", "add_domain-reason": "Lab"},
    )
    assert response.status_code == 302
    asked = AgencyRequest.objects.get()
    assert (asked.value, asked.reason) == ("lab.agencya.gov", "Lab")
    response = client.post(
        reverse("agency_profile"), {"kind": "add_domain", "add_domain-domain": "LAB.agencya.gov"}
    )
    assert response.status_code == 302
    assert "already asked for" in client.get(reverse("agency_profile")).content.decode()
    assert AgencyRequest.objects.count() == 1


def test_profile_page_keeps_what_was_typed_on_a_refusal(client_for, focal_point, other_agency):
    response = client_for(focal_point).post(
        reverse("agency_profile"),
        {"kind": "add_domain", "add_domain-domain": "agencyb.gov", "add_domain-reason": "Ours"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "registered for another agency" in body and other_agency.name not in body
    assert 'value="agencyb.gov"' in body and "Ours</textarea>" in body


def test_profile_page_proposes_a_focal_point_and_changes_the_vetting_mode(
    client_for, focal_point, officer
):
    client = client_for(focal_point)
    client.post(reverse("agency_profile"), {"kind": "add_focal", "add_focal-officer": officer.pk})
    client.post(
        reverse("agency_profile"), {"kind": "vetting_mode", "vetting_mode-vetting_mode": "auto"}
    )
    assert sorted(AgencyRequest.objects.values_list("kind", flat=True)) == [
        Kind.ADD_FOCAL_POINT,
        Kind.VETTING_MODE,
    ]


def test_profile_page_refuses_an_unknown_kind(client_for, focal_point):
    response = client_for(focal_point).post(reverse("agency_profile"), {"kind": "make_me_admin"})
    assert response.status_code == 302
    assert not AgencyRequest.objects.exists()


def test_withdraw_view(client_for, focal_point):
    asked = ask_domain(focal_point)
    response = client_for(focal_point).post(reverse("agency_request_withdraw", args=[asked.pk]))
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == Status.WITHDRAWN


def test_focal_point_of_another_agency_gets_404(client_for, focal_point, focal_b):
    asked = ask_domain(focal_point)
    response = client_for(focal_b).post(reverse("agency_request_withdraw", args=[asked.pk]))
    assert response.status_code == 404
    assert (
        "new.agencya.gov" not in client_for(focal_b).get(reverse("agency_profile")).content.decode()
    )


# --- the coordinator's pages -----------------------------------------------------------------


def test_agency_page_lists_pending_requests_with_the_decision_forms(
    client_for, focal_point, coordinator, agency
):
    asked = ask_domain(focal_point, reason="Our new unit.")
    body = client_for(coordinator).get(reverse("agency_detail", args=[agency.pk])).content.decode()
    assert "Requests from the agency" in body
    assert "Add the e-mail domain @new.agencya.gov" in body and "Our new unit." in body
    assert "Focal Point" in body
    assert reverse("agency_request_decide", args=[agency.pk, asked.pk]) in body


def test_decide_view_approves(client_for, focal_point, coordinator, agency):
    asked = ask_domain(focal_point)
    response = client_for(coordinator).post(
        reverse("agency_request_decide", args=[agency.pk, asked.pk]),
        {f"request-{asked.pk}-decision": "approve", f"request-{asked.pk}-note": "ok"},
    )
    assert response.status_code == 302
    assert response.url.endswith("#requests")
    assert agency.domains.filter(domain="new.agencya.gov").exists()
    body = client_for(coordinator).get(response.url).content.decode()
    assert "Recently decided" in body and "ok" in body


def test_decide_view_keeps_the_note_on_a_refusal(
    client_for, focal_point, coordinator, agency, other_agency
):
    asked = ask_domain(focal_point)
    AgencyDomainFactory(agency=other_agency, domain="new.agencya.gov")
    response = client_for(coordinator).post(
        reverse("agency_request_decide", args=[agency.pk, asked.pk]),
        {f"request-{asked.pk}-decision": "approve", f"request-{asked.pk}-note": "Welcome"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "already belongs to another agency" in body and 'value="Welcome"' in body


def test_decide_view_is_404_for_a_request_of_another_agency(
    client_for, focal_point, focal_b, coordinator, agency, other_agency, program_admin
):
    theirs = ask_domain(focal_b, "new.agencyb.gov")
    client = client_for(coordinator)
    # Another agency's request through this agency's address; an agency not managed.
    for url in (
        reverse("agency_request_decide", args=[agency.pk, theirs.pk]),
        reverse("agency_request_decide", args=[other_agency.pk, theirs.pk]),
    ):
        response = client.post(url, {f"request-{theirs.pk}-decision": "approve"})
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.PENDING


def test_coordinator_of_the_agency_sees_its_requests_without_deciding(
    client_for, focal_point, coordinating_focal_point, agency
):
    asked = ask_domain(focal_point)
    body = (
        client_for(coordinating_focal_point)
        .get(reverse("agency_detail", args=[agency.pk]))
        .content.decode()
    )
    assert "another coordinator decides" in body
    assert reverse("agency_request_decide", args=[agency.pk, asked.pk]) not in body


@pytest.mark.parametrize("rows", [1, 20])
def test_agency_list_counts_waiting_requests_in_bounded_queries(
    client_for, coordinator, region, rows, django_assert_max_num_queries
):
    for n in range(rows):
        bureau = AgencyFactory(name=f"Bureau {n}", region=region)
        focal = OfficerFactory(agency=bureau, is_focal_point=True)
        ask_domain(focal, f"one{n}.example.gov")
        ask_domain(focal, f"two{n}.example.gov")
    client = client_for(coordinator)
    with django_assert_max_num_queries(9):
        body = client.get(reverse("agency_list")).content.decode()
    assert body.count("2 requests") == rows


# --- the inbox -------------------------------------------------------------------------------


def test_coordinators_inbox_lists_requests_of_their_agencies(
    client_for, focal_point, focal_b, coordinator, other_coordinator, agency
):
    ask_domain(focal_point)
    ask_domain(focal_b, "new.agencyb.gov")
    assert counts_for(coordinator)["agency_requests"] == 1
    assert counts_for(other_coordinator)["agency_requests"] == 1
    assert "agency_requests" not in counts_for(focal_point)
    body = client_for(coordinator).get(reverse("inbox:index")).content.decode()
    assert "Agency requests to decide" in body
    assert "Add the e-mail domain @new.agencya.gov" in body
    assert f"{reverse('agency_detail', args=[agency.pk])}#requests" in body
    assert "new.agencyb.gov" not in body


def test_inbox_leaves_out_decided_requests_and_the_coordinators_own_agency(
    focal_point, coordinator, coordinating_focal_point
):
    asked = ask_domain(focal_point)
    assert counts_for(coordinating_focal_point)["agency_requests"] == 0
    decide_agency_request(request_id=asked.pk, by=coordinator, approve=False)
    assert counts_for(coordinator)["agency_requests"] == 0
