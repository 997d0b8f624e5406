"""Modules, agencies' officers and the program report's figures through the API: each role's
scope, the fields shown, filters (bad values are 400s), query counts, and figures equal to the
report page's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import (
    AgencyFactory,
    ModuleFactory,
    OfficerFactory,
    TrackFactory,
    publish_directly,
)
from tests.reports.conftest import program  # noqa: F401  (the report's known program)
from workshops.models import Module, Question

pytestmark = pytest.mark.django_db

MODULES = "/api/v1/modules/"
OFFICERS = "/api/v1/officers/"
FIGURES = "/api/v1/reports/figures/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- modules ----------------------------------------------------------------------------------


@pytest.fixture
def live_module(trainer):
    module = ModuleFactory(title="UTXO tracing", authors=[trainer], level="intermediate")
    publish_directly(module, objectives="Trace a UTXO\n\nSpot a peel chain")
    return module


def test_officers_read_a_live_modules_published_revision_and_nothing_else(
    api_for, officer, live_module
):
    # The working copy moves on after publishing: officers still read what was published.
    Module.objects.filter(pk=live_module.pk).update(
        title="Draft retitled", objectives="Secret draft objective", status=Module.Status.DRAFT
    )
    Question.objects.create(
        module=live_module, kind=Question.Kind.TRUE_FALSE, text="Answer?", true_answer=True
    )
    row = api_for(officer).get(f"{MODULES}{live_module.pk}/").json()
    revision = live_module.published_revision
    assert row == {
        "id": live_module.pk,
        "slug": live_module.slug,
        "title": "UTXO tracing",
        "track": revision.track.slug,
        "level": "intermediate",
        "language": "en",
        "duration_minutes": revision.duration_minutes,
        "objectives": ["Trace a UTXO", "Spot a peel chain"],
        "revision": 1,
        "published_at": row["published_at"],
        "prerequisites": [],
    }


@pytest.mark.parametrize("who", ["officer", "trainer", "coordinator", "program_admin"])
def test_drafts_and_archived_modules_are_never_listed(request, api_for, live_module, who):
    author = request.getfixturevalue("trainer")
    draft = ModuleFactory(title="Only a draft", authors=[author])
    archived = ModuleFactory(title="Archived")
    publish_directly(archived)
    Module.objects.filter(pk=archived.pk).update(status=Module.Status.ARCHIVED)
    client = api_for(request.getfixturevalue(who))
    assert ids(client.get(MODULES)) == {live_module.pk}
    for module in (draft, archived):
        assert client.get(f"{MODULES}{module.pk}/").status_code == 404


def test_prerequisites_list_only_live_modules(api_for, officer):
    basics, archived = ModuleFactory(), ModuleFactory()
    publish_directly(basics)
    publish_directly(archived)
    Module.objects.filter(pk=archived.pk).update(status=Module.Status.ARCHIVED)
    advanced = ModuleFactory()
    publish_directly(advanced, prerequisite_ids=[basics.pk, archived.pk])
    row = api_for(officer).get(f"{MODULES}{advanced.pk}/").json()
    assert row["prerequisites"] == [basics.pk]


def test_module_filters(api_for, officer):
    crypto, forensics = TrackFactory(slug="crypto"), TrackFactory(slug="forensics")
    a = ModuleFactory(track=crypto, level="introductory")
    b = ModuleFactory(track=forensics, level="advanced", language="es")
    publish_directly(a)
    publish_directly(b, language="es")
    client = api_for(officer)
    assert ids(client.get(MODULES, {"track": "crypto"})) == {a.pk}
    assert ids(client.get(MODULES, {"level": "advanced"})) == {b.pk}
    assert ids(client.get(MODULES, {"language": "es"})) == {b.pk}
    assert ids(client.get(MODULES, {"track": "nope"})) == set()


@pytest.mark.parametrize(
    "query",
    [{"track": "not a slug"}, {"track": "a\x00b"}, {"level": "expert"}, {"language": "xx"}],
)
def test_bad_module_filters_are_400(api_for, officer, query):
    response = api_for(officer).get(MODULES, query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


@pytest.mark.parametrize("rows", [1, 20])
def test_module_list_queries_do_not_grow(api_for, officer, django_assert_max_num_queries, rows):
    basics = ModuleFactory()
    publish_directly(basics)
    for _ in range(rows):
        publish_directly(ModuleFactory(), prerequisite_ids=[basics.pk])
    client = api_for(officer)
    with django_assert_max_num_queries(6):
        assert len(ids(client.get(MODULES))) == rows + 1


# --- officers ---------------------------------------------------------------------------------


OFFICER_FIELDS = {
    "id",
    "name",
    "email",
    "agency",
    "status",
    "is_focal_point",
    "rank",
    "unit",
    "vetting_valid_until",
    "completed_workshops",
}


@pytest.fixture
def focal_point_b(other_agency):
    return OfficerFactory(agency=other_agency, is_focal_point=True, full_name="Focal B")


def test_focal_points_list_their_own_agency_only(
    api_for, officer, focal_point, other_agency_officer, focal_point_b, pending_officer
):
    a = api_for(focal_point)
    assert ids(a.get(OFFICERS)) == {officer.pk, focal_point.pk, pending_officer.pk}
    assert a.get(f"{OFFICERS}{other_agency_officer.pk}/").status_code == 404
    b = api_for(focal_point_b)
    listed = b.get(OFFICERS)
    assert ids(listed) == {other_agency_officer.pk, focal_point_b.pk}
    assert officer.email.encode() not in listed.content
    assert b.get(f"{OFFICERS}{officer.pk}/").status_code == 404


def test_coordinators_list_their_regions_agencies_officers(
    api_for, officer, other_agency_officer, coordinator, other_coordinator, program_admin
):
    assert ids(api_for(coordinator).get(OFFICERS)) == {officer.pk}
    b = api_for(other_coordinator)
    assert ids(b.get(OFFICERS)) == {other_agency_officer.pk}
    assert b.get(f"{OFFICERS}{officer.pk}/").status_code == 404
    # Program staff hold no agency: they are nobody's officers.
    assert ids(api_for(program_admin).get(OFFICERS)) == {officer.pk, other_agency_officer.pk}


@pytest.mark.parametrize("who", ["officer", "trainer"])
def test_officers_and_trainers_may_not_list_officers(request, api_for, officer, who):
    client = api_for(request.getfixturevalue(who))
    assert client.get(OFFICERS).status_code == 403
    assert client.get(f"{OFFICERS}{officer.pk}/").status_code == 404


def test_an_officer_shows_what_the_agency_pages_show(api_for, coordinator, officer):
    officer.unit = "Cyber unit"
    officer.save(update_fields=["unit"])
    row = api_for(coordinator).get(f"{OFFICERS}{officer.pk}/").json()
    assert set(row) == OFFICER_FIELDS
    assert (row["name"], row["email"], row["agency"], row["status"]) == (
        officer.full_name,
        officer.email,
        officer.agency_id,
        "verified",
    )
    assert (row["rank"], row["unit"], row["is_focal_point"]) == ("Inspector", "Cyber unit", False)
    assert row["vetting_valid_until"] is not None
    # Nothing the pages keep to vetting or the account itself.
    for hidden in ("vetted_name", "declined_name", "password", "time_zone", "language"):
        assert hidden not in row


def test_completed_workshops_count_what_each_viewer_may_see(
    api_for,
    program,  # noqa: F811
    coordinator,
    other_coordinator,
    other_agency,
):
    # Alice (agency A) completed W1 and W2 in Asia-Pacific; Carla (agency B, Europe) completed
    # W1 in Asia-Pacific, a workshop Europe's coordinator does not see, her focal point does.
    focal_b = OfficerFactory(agency=other_agency, is_focal_point=True)
    alice = api_for(coordinator).get(f"{OFFICERS}{program.alice.pk}/").json()
    assert alice["completed_workshops"] == 2
    carla = f"{OFFICERS}{program.carla.pk}/"
    assert api_for(other_coordinator).get(carla).json()["completed_workshops"] == 0
    assert api_for(focal_b).get(carla).json()["completed_workshops"] == 1


def test_officer_filters(
    api_for, program_admin, officer, pending_officer, other_agency_officer, agency, other_agency
):
    client = api_for(program_admin)
    assert ids(client.get(OFFICERS, {"agency": agency.pk})) == {officer.pk, pending_officer.pk}
    assert ids(client.get(OFFICERS, {"region": other_agency.region.slug})) == {
        other_agency_officer.pk
    }
    assert ids(client.get(OFFICERS, {"status": "pending"})) == {pending_officer.pk}


@pytest.mark.parametrize(
    "query",
    [
        {"agency": "x"},
        {"agency": "99999999999999999999"},
        {"region": "nowhere"},
        {"region": "a\x00"},
        {"status": "retired"},
    ],
)
def test_bad_officer_filters_are_400(api_for, coordinator, officer, query):
    response = api_for(coordinator).get(OFFICERS, query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_an_agency_out_of_scope_is_a_bad_filter_not_an_empty_list(
    api_for, coordinator, other_agency_officer, other_agency
):
    response = api_for(coordinator).get(OFFICERS, {"agency": other_agency.pk})
    assert response.status_code == 400


@pytest.mark.parametrize("rows", [1, 20])
def test_officer_list_queries_do_not_grow(
    api_for, coordinator, agency, django_assert_max_num_queries, rows
):
    OfficerFactory.create_batch(rows, agency=agency)
    client = api_for(coordinator)
    with django_assert_max_num_queries(6):
        assert len(ids(client.get(OFFICERS))) == rows


# --- the program report's figures -------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "focal_point", "trainer"])
def test_only_coordinators_get_the_figures(request, api_for, who):
    assert api_for(request.getfixturevalue(who)).get(FIGURES).status_code == 403


def _page_figures(client_for, user, query):
    response = client_for(user).get(reverse("reports:program"), query)
    assert response.status_code == 200
    return response.context["figures"]


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-01-01", "date_to": "2030-12-31"},
        {"year": "2026", "quarter": "1"},
        {"year": "2026", "track": "forensics"},
        {},
    ],
)
def test_figures_equal_the_report_pages(
    api_for,
    client_for,
    program,  # noqa: F811
    coordinator,
    query,
):
    if query.get("track"):
        query = {**query, "track": str(program.forensics.pk)}
    data = api_for(coordinator).get(FIGURES, query).json()
    page = _page_figures(client_for, coordinator, query)
    assert (data["start"], data["end"]) == (page.start.isoformat(), page.end.isoformat())
    for name in (
        "workshops_scheduled",
        "workshops_held",
        "attendees",
        "completed",
        "officers_trained",
        "agencies_reached",
        "countries_reached",
        "capacity",
        "confirmed",
        "waitlisted",
        "feedback_min_answers",
    ):
        assert data[name] == getattr(page, name), name
    assert data["completion_rate"] == page.completion_rate
    assert data["seat_use"] == page.utilisation
    assert data["training_hours"] == float(page.hours_total)
    assert [(t["track"], t["hours"]) for t in data["hours_by_track"]] == [
        (t, float(h)) for t, h in page.hours_by_track
    ]
    assert [(r["region"], r["attendees"], r["overall_rating"]) for r in data["regions"]] == [
        (r.region, r.attendees, r.overall_avg) for r in page.regions
    ]
    assert data["registrations"] == sum(a.registrations for a in page.agencies)
    assert data["certificates"] == sum(a.certificates for a in page.agencies)
    gain = page.gain.total
    assert (data["knowledge_gain"]["officers"], data["knowledge_gain"]["hidden"]) == (
        gain.officers,
        gain.hidden,
    )


def test_figures_of_the_whole_period_by_hand(api_for, program, coordinator):  # noqa: F811
    data = api_for(coordinator).get(FIGURES, {"date_from": "2026-01-01", "date_to": "2030-12-31"})
    e = program.expected
    data = data.json()
    assert (data["attendees"], data["completed"], data["officers_trained"]) == (8, 7, 6)
    assert data["training_hours"] == float(e["hours_total"])
    # Region feedback: 7 answers, shown; Europe's workshop is out of this coordinator's scope.
    assert [(r["region"], r["feedback_answers"]) for r in data["regions"]] == [("Asia-Pacific", 7)]
    assert data["regions"][0]["overall_rating"] == pytest.approx(27 / 7)
    assert data["agency"] is None


def test_feedback_below_the_threshold_is_hidden(api_for, program, coordinator, settings):  # noqa: F811
    settings.FEEDBACK_MIN_ANSWERS = 8
    data = api_for(coordinator).get(FIGURES, {"date_from": "2026-01-01", "date_to": "2030-12-31"})
    region = data.json()["regions"][0]
    assert (region["feedback_answers"], region["overall_rating"]) == (7, None)


def test_an_agency_adds_its_line_of_the_breakdown(
    api_for,
    client_for,
    program,  # noqa: F811
    coordinator,
    agency,
):
    query = {"date_from": "2026-01-01", "date_to": "2030-12-31"}
    data = api_for(coordinator).get(FIGURES, {**query, "agency": agency.pk}).json()
    line = next(
        a
        for a in _page_figures(client_for, coordinator, query).agencies
        if a.agency_id == agency.pk
    )
    assert data["agency"]["agency"] == agency.pk
    for name in ("registrations", "attendees", "completed", "certificates", "no_shows"):
        assert data["agency"][name] == getattr(line, name), name
    unseen = AgencyFactory(name="Quiet agency")
    assert (
        api_for(coordinator).get(FIGURES, {**query, "agency": unseen.pk}).json()["agency"] is None
    )


def test_region_figures_stay_in_the_coordinators_regions(
    api_for,
    program,  # noqa: F811
    coordinator,
    other_region,
    region,
):
    client = api_for(coordinator)
    # Another region's id is not one of the coordinator's choices.
    assert client.get(FIGURES, {"region": other_region.pk}).status_code == 400
    assert client.get(FIGURES, {"region": region.pk}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"year": "1999"},
        {"year": "x"},
        {"quarter": "2"},
        {"date_from": "2026-01-01"},
        {"date_from": "2026-13-01", "date_to": "2026-12-01"},
        {"track": "forensics"},
        {"region": "\x00"},
        {"agency": "99999999999999999999"},
    ],
)
def test_bad_figure_filters_are_400(api_for, coordinator, query):
    assert api_for(coordinator).get(FIGURES, query).status_code == 400


def test_figures_stay_in_each_coordinators_regions(
    api_for,
    program,  # noqa: F811
    other_coordinator,
    program_admin,
):
    query = {"date_from": "2026-01-01", "date_to": "2030-12-31"}
    europe = api_for(other_coordinator).get(FIGURES, query).json()
    assert [r["region"] for r in europe["regions"]] == ["Europe"]
    assert (europe["workshops_held"], europe["attendees"]) == (1, 1)
    everyone = api_for(program_admin).get(FIGURES, query).json()
    assert [r["region"] for r in everyone["regions"]] == ["Asia-Pacific", "Europe"]
