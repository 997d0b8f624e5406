"""Officers' records through the API: registrations (read, register, cancel), attendance,
completions and certificates, each scoped as the pages scope them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from attendance import services as attendance_services
from attendance.models import AttendanceMark, Certificate, Completion
from attendance.services.certificates import revoke_certificate
from audit.models import AuditEntry
from registrations.models import Registration
from registrations.services import approve_registration
from tests.factories import (
    CoordinatorFactory,
    ModuleFactory,
    OfficerFactory,
    RegistrationFactory,
    TrackFactory,
    WorkshopFactory,
    publish_directly,
)
from workshops.models import Workshop, WorkshopModule

pytestmark = pytest.mark.django_db
State = Registration.State

REGISTRATIONS = "/api/v1/registrations/"
ATTENDANCE = "/api/v1/attendance/"
COMPLETIONS = "/api/v1/completions/"
CERTIFICATES = "/api/v1/certificates/"


def _ago(hours: float) -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(hours=hours)


def given(region, officers, *, trainer=None, title="Given workshop") -> Workshop:
    """A workshop of `region` held yesterday, each of `officers` confirmed and present, closed:
    completions computed, certificates issued."""
    workshop = WorkshopFactory(
        title=title,
        region=region,
        trainers=[trainer] if trainer else [],
        sessions=[(_ago(30), _ago(26))],
    )
    regs = [RegistrationFactory(workshop=workshop, officer=o) for o in officers]
    by = trainer or CoordinatorFactory(regions=[region])
    for session in workshop.sessions.all():
        attendance_services.record_marks(
            session_id=session.pk, by=by, marks={r.pk: "present" for r in regs}
        )
    attendance_services.close_workshop(workshop_id=workshop.pk, by=by)
    return workshop


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def two_worlds(region, other_region, officer, other_agency_officer, trainer):
    """Officer A (agency A, region A) and officer B (agency B, region B), each with a given
    workshop of their region and an upcoming registration."""
    given_a = given(region, [officer], trainer=trainer, title="Given A")
    given_b = given(other_region, [other_agency_officer], title="Given B")
    upcoming_a = RegistrationFactory(workshop=WorkshopFactory(region=region), officer=officer)
    upcoming_b = RegistrationFactory(
        workshop=WorkshopFactory(region=other_region), officer=other_agency_officer
    )
    return {
        "a": Registration.objects.filter(officer=officer),
        "b": Registration.objects.filter(officer=other_agency_officer),
        "given_a": given_a,
        "given_b": given_b,
        "upcoming_a": upcoming_a,
        "upcoming_b": upcoming_b,
    }


RESOURCES = [
    (REGISTRATIONS, Registration),
    (ATTENDANCE, AttendanceMark),
    (COMPLETIONS, Completion),
    (CERTIFICATES, Certificate),
]


def _expected(model, regs) -> set[int]:
    if model is Registration:
        return set(regs.values_list("pk", flat=True))
    return set(model.objects.filter(registration__in=regs).values_list("pk", flat=True))


# --- scope -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "model"), RESOURCES)
def test_officers_see_their_own_records_only(api_for, two_worlds, officer, url, model):
    shown = ids(api_for(officer).get(url))
    assert shown == _expected(model, two_worlds["a"])
    assert not shown & _expected(model, two_worlds["b"])


@pytest.mark.parametrize(("url", "model"), RESOURCES)
def test_focal_points_see_their_agencys_records_only(
    api_for, two_worlds, focal_point, other_agency, url, model
):
    focal_b = OfficerFactory(agency=other_agency, is_focal_point=True)
    assert ids(api_for(focal_point).get(url)) == _expected(model, two_worlds["a"])
    shown_b = ids(api_for(focal_b).get(url))
    assert shown_b == _expected(model, two_worlds["b"])
    assert not shown_b & _expected(model, two_worlds["a"])


@pytest.mark.parametrize(("url", "model"), RESOURCES)
def test_coordinators_see_their_regions_records_only(
    api_for, two_worlds, coordinator, other_coordinator, program_admin, url, model
):
    assert ids(api_for(coordinator).get(url)) == _expected(model, two_worlds["a"])
    shown_b = ids(api_for(other_coordinator).get(url))
    assert shown_b == _expected(model, two_worlds["b"])
    assert not shown_b & _expected(model, two_worlds["a"])
    everyone = two_worlds["a"] | two_worlds["b"]
    assert ids(api_for(program_admin).get(url)) >= _expected(model, everyone)


def test_a_trainer_sees_the_confirmed_roster_of_their_workshops_without_its_history(
    api_for, region, officer, trainer
):
    workshop = WorkshopFactory(region=region, trainers=[trainer])
    seated = RegistrationFactory(workshop=workshop, officer=officer)
    waiting = RegistrationFactory(
        workshop=workshop, state=State.PENDING, confirmed_at=None, officer=OfficerFactory()
    )
    elsewhere = RegistrationFactory(officer=OfficerFactory())
    rows = {row["id"]: row for row in api_for(trainer).get(REGISTRATIONS).json()["results"]}
    assert set(rows) == {seated.pk}
    row = rows[seated.pk]
    assert row["officer"] == {"id": officer.pk, "name": officer.full_name, "email": officer.email}
    assert row["created_at"] is None and row["events"] is None
    assert api_for(trainer).get(f"{REGISTRATIONS}{waiting.pk}/").status_code == 404
    assert api_for(trainer).get(f"{REGISTRATIONS}{elsewhere.pk}/").status_code == 404


def test_a_registration_shows_its_history_without_who_acted(api_for, officer, coordinator, region):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    response = api_for(officer, "write").post(REGISTRATIONS, {"workshop": workshop.pk}, "json")
    reg = Registration.objects.get(pk=response.json()["id"])
    approve_registration(registration_id=reg.pk, by=coordinator, message="Welcome")
    for user in (officer, coordinator):
        row = api_for(user).get(f"{REGISTRATIONS}{reg.pk}/").json()
        assert [(e["from_state"], e["to_state"]) for e in row["events"]] == [
            ("", "pending"),
            ("pending", "confirmed"),
        ]
        assert coordinator.email not in str(row) and "Welcome" not in str(row)
        assert row["confirmed_at"] is not None


@pytest.mark.parametrize("pk", ["abc", "0", "99999999999999999999999", "-1"])
def test_ids_no_row_has_are_404(api_for, officer, pk):
    for url in (REGISTRATIONS, ATTENDANCE, COMPLETIONS, CERTIFICATES):
        assert api_for(officer).get(f"{url}{pk}/").status_code == 404
    response = api_for(officer, "write").post(f"{REGISTRATIONS}{pk}/cancel/")
    assert response.status_code == 404


# --- scores ----------------------------------------------------------------------------------


@pytest.fixture
def scored(region, officer, trainer):
    given(region, [officer], trainer=trainer)
    completion = Completion.objects.get(registration__officer=officer)
    Completion.objects.filter(pk=completion.pk).update(
        test_percent=Decimal("87.50"), test_required=70
    )
    return completion


def _score(client) -> str | None:
    [row] = client.get(COMPLETIONS).json()["results"]
    return row["post_test_percent"]


def test_scores_show_to_the_officer_and_the_staff_who_run_the_workshop(
    api_for, scored, officer, trainer, coordinator
):
    for user in (officer, trainer, coordinator):
        assert _score(api_for(user)) == "87.50"


def test_focal_points_see_scores_only_where_the_program_allows(
    api_for, scored, focal_point, settings
):
    settings.FOCAL_POINTS_SEE_SCORES = False
    assert _score(api_for(focal_point)) is None
    settings.FOCAL_POINTS_SEE_SCORES = True
    assert _score(api_for(focal_point)) == "87.50"


def test_a_completion_credits_the_workshops_training_hours(api_for, scored, officer):
    [row] = api_for(officer).get(COMPLETIONS).json()["results"]
    assert row["completed"] is True
    assert row["training_hours"] == "4.0"  # one four-hour session, no modules
    assert row["workshop"] == scored.registration.workshop_id
    assert row["officer"] == officer.pk


# --- registering and cancelling --------------------------------------------------------------


def test_an_officer_registers_with_a_write_token_and_it_is_audited(api_for, officer):
    workshop = WorkshopFactory()
    response = api_for(officer, "write").post(REGISTRATIONS, {"workshop": workshop.pk}, "json")
    assert response.status_code == 201, response.content
    reg = Registration.objects.get(officer=officer, workshop=workshop)
    assert response.json()["id"] == reg.pk and response.json()["state"] == "confirmed"
    entry = AuditEntry.objects.get(action="api.registration_created")
    assert entry.actor == officer and entry.target_id == str(reg.pk)
    assert entry.data["token"].startswith("tsk_") and entry.data["token"].endswith("…")


def test_a_full_workshop_waitlists_as_on_the_page(api_for, officer):
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop)
    response = api_for(officer, "write").post(REGISTRATIONS, {"workshop": workshop.pk}, "json")
    assert response.status_code == 201
    assert response.json()["state"] == "waitlisted"
    assert response.json()["waitlist_position"] == 1


def test_a_closed_registration_is_refused_as_a_conflict_with_its_reason(api_for, officer):
    workshop = WorkshopFactory(registration_closes_at=timezone.now() - dt.timedelta(hours=1))
    response = api_for(officer, "write").post(REGISTRATIONS, {"workshop": workshop.pk}, "json")
    assert response.status_code == 409
    assert response.json() == {"detail": "Registration for this workshop has closed."}
    assert not Registration.objects.filter(officer=officer).exists()
    assert not AuditEntry.objects.filter(action__startswith="api.registration").exists()


def test_a_read_token_registers_nobody(api_for, officer):
    workshop = WorkshopFactory()
    response = api_for(officer).post(REGISTRATIONS, {"workshop": workshop.pk}, "json")
    assert response.status_code == 403
    assert not Registration.objects.filter(officer=officer).exists()


@pytest.mark.parametrize("who", ["trainer", "coordinator"])
def test_staff_without_an_agency_cannot_register(api_for, request, who):
    user = request.getfixturevalue(who)
    response = api_for(user, "write").post(REGISTRATIONS, {"workshop": WorkshopFactory().pk})
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_a_workshop_the_officer_cannot_see_is_404(api_for, officer):
    draft = WorkshopFactory(status=Workshop.Status.DRAFT)
    client = api_for(officer, "write")
    assert client.post(REGISTRATIONS, {"workshop": draft.pk}, "json").status_code == 404
    assert client.post(REGISTRATIONS, {"workshop": 2**62}, "json").status_code == 404


@pytest.mark.parametrize(
    "body", [{}, {"workshop": "x"}, {"workshop": 0}, {"workshop": 2**70}, {"workshop": None}]
)
def test_a_malformed_body_is_400(api_for, officer, body):
    response = api_for(officer, "write").post(REGISTRATIONS, body, "json")
    assert response.status_code == 400
    assert "workshop" in response.json()


@pytest.mark.parametrize(
    ("state", "service_audit"),
    [
        (State.CONFIRMED, None),
        (State.PENDING, None),
        (State.NOMINATION, None),
        (State.WAITLISTED, None),
        (State.OFFERED, "registration.nomination_declined"),
    ],
)
def test_cancel_gives_up_as_the_pages_button_does(api_for, officer, state, service_audit):
    reg = RegistrationFactory(
        officer=officer, state=state, waitlisted_at=timezone.now(), confirmed_at=None
    )
    response = api_for(officer, "write").post(f"{REGISTRATIONS}{reg.pk}/cancel/")
    assert response.status_code == 200, response.content
    reg.refresh_from_db()
    assert reg.state == State.CANCELLED
    assert response.json()["state"] == "cancelled"
    entry = AuditEntry.objects.get(action="api.registration_cancelled")
    assert entry.target_id == str(reg.pk) and entry.data["token"].startswith("tsk_")
    assert AuditEntry.objects.filter(action=service_audit).exists() == bool(service_audit)


def test_cancel_past_the_deadline_is_refused_with_its_reason(api_for, officer):
    workshop = WorkshopFactory(cancellation_deadline=timezone.now() - dt.timedelta(hours=1))
    reg = RegistrationFactory(officer=officer, workshop=workshop)
    response = api_for(officer, "write").post(f"{REGISTRATIONS}{reg.pk}/cancel/")
    assert response.status_code == 409
    assert "deadline" in response.json()["detail"]
    reg.refresh_from_db()
    assert reg.state == State.CONFIRMED
    assert not AuditEntry.objects.filter(action="api.registration_cancelled").exists()


def test_nobody_cancels_someone_elses_registration(api_for, officer, focal_point):
    reg = RegistrationFactory(officer=officer)
    for user in (OfficerFactory(agency=officer.agency), focal_point):
        response = api_for(user, "write").post(f"{REGISTRATIONS}{reg.pk}/cancel/")
        assert response.status_code == 404
    assert api_for(officer).post(f"{REGISTRATIONS}{reg.pk}/cancel/").status_code == 403
    reg.refresh_from_db()
    assert reg.state == State.CONFIRMED


# --- filters and pages -----------------------------------------------------------------------


def test_registrations_filter_by_workshop_region_agency_track_state_and_period(
    api_for, program_admin, region, other_region, officer, other_agency_officer
):
    track = TrackFactory(slug="forensics")
    module = ModuleFactory(track=track)
    publish_directly(module)
    soon = WorkshopFactory(region=region)
    WorkshopModule.objects.create(workshop=soon, revision=module.published_revision)
    later = WorkshopFactory(
        region=other_region,
        sessions=[(timezone.now() + dt.timedelta(days=90), timezone.now() + dt.timedelta(days=91))],
    )
    a = RegistrationFactory(workshop=soon, officer=officer)
    b = RegistrationFactory(
        workshop=later, officer=other_agency_officer, state=State.WAITLISTED, confirmed_at=None
    )
    client = api_for(program_admin)
    day = (timezone.now() + dt.timedelta(days=60)).date().isoformat()
    expectations = {
        f"workshop={soon.pk}": {a.pk},
        f"region={other_region.slug}": {b.pk},
        f"agency={officer.agency_id}": {a.pk},
        "track=forensics": {a.pk},
        "state=waitlisted": {b.pk},
        f"starts_after={day}": {b.pk},
        f"starts_before={day}": {a.pk},
    }
    for query, expected in expectations.items():
        assert ids(client.get(f"{REGISTRATIONS}?{query}")) == expected, query


@pytest.mark.parametrize(
    "query",
    [
        f"{REGISTRATIONS}?agency=abc",
        f"{REGISTRATIONS}?agency=99999999999999999999999",
        f"{REGISTRATIONS}?workshop=1.5",
        f"{REGISTRATIONS}?state=nope",
        f"{REGISTRATIONS}?starts_after=x",
        f"{ATTENDANCE}?status=gone",
        f"{COMPLETIONS}?completed=maybe",
        f"{CERTIFICATES}?revoked=perhaps",
    ],
)
def test_bad_filters_are_400_not_ignored(api_for, officer, query):
    assert api_for(officer).get(query).status_code == 400


def test_lists_are_paged_with_cursors(api_for, officer):
    regs = RegistrationFactory.create_batch(3, officer=officer)
    client = api_for(officer)
    seen, url = [], f"{REGISTRATIONS}?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == [r.pk for r in regs]
    assert client.get(f"{REGISTRATIONS}?cursor=bogus").status_code == 404


@pytest.mark.parametrize(("url", "model"), RESOURCES)
def test_list_queries_do_not_grow_with_rows(
    api_for, django_assert_max_num_queries, region, focal_point, trainer, url, model
):
    officers = [OfficerFactory(agency=focal_point.agency) for _ in range(20)]
    given(region, officers[:1], trainer=trainer, title="One")
    client = api_for(focal_point)
    with django_assert_max_num_queries(9) as one:
        assert len(ids(client.get(url))) == 1
    given(region, officers[1:], trainer=trainer, title="Many")
    client = api_for(focal_point)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(ids(client.get(url))) == 20


# --- certificates ----------------------------------------------------------------------------


def test_a_certificate_says_revoked_and_where_to_verify_it(api_for, region, officer, settings):
    given(region, [officer])
    certificate = Certificate.objects.get(holder=officer)
    revoke_certificate(certificate=certificate, reason="Issued in error")
    [row] = api_for(officer).get(CERTIFICATES).json()["results"]
    assert row["revoked"] is True and row["revoked_at"] is not None
    assert row["number"] == certificate.number
    assert row["verify_url"] == f"{settings.SITE_URL}/verify/{certificate.number}/"
    assert "Issued in error" not in str(row)
    assert ids(api_for(officer).get(f"{CERTIFICATES}?revoked=false")) == set()


def test_the_credential_is_the_holders_download(api_for, client_for, region, officer, coordinator):
    given(region, [officer])
    certificate = Certificate.objects.get(holder=officer)
    url = f"{CERTIFICATES}{certificate.pk}/credential/"
    response = api_for(officer).get(url)
    assert response.status_code == 200
    site = client_for(officer).get(reverse("credentials:credential_json", args=[certificate.pk]))
    assert response.json() == site.json()
    assert response.json()["type"] == "EnvelopedVerifiableCredential"
    for other in (coordinator, OfficerFactory(agency=officer.agency)):
        assert api_for(other).get(url).status_code == 404
    revoke_certificate(certificate=certificate, reason="Issued in error")
    assert api_for(officer).get(url).status_code == 404


def test_the_schema_declares_the_records_operations(client):
    schema = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = schema.json()["paths"]
    create = paths["/api/v1/registrations/"]["post"]
    assert set(create["responses"]) >= {"201", "400", "403", "404", "409"}
    cancel = paths["/api/v1/registrations/{id}/cancel/"]["post"]
    assert set(cancel["responses"]) >= {"200", "403", "404", "409"}
    assert "/api/v1/certificates/{id}/credential/" in paths


@pytest.mark.parametrize("model", [Registration, AttendanceMark, Completion, Certificate])
def test_nobody_without_program_access_sees_any_record(
    region, officer, suspended_officer, pending_officer, model
):
    given(region, [officer, suspended_officer])
    for user in (AnonymousUser(), suspended_officer, pending_officer):
        assert not model.objects.visible_to(user).exists()
    assert model.objects.visible_to(officer).exists()
