"""Every URL of the site × every role and account state → the expected answer.

The URL list comes from the resolver (tests/security/urltable.py), so a new view without a
declared expectation fails `test_every_url_has_a_declared_expectation`. Denied roles get 403 or
404 (out-of-scope ids are never data), never officer A's e-mail in the body, and a POST with
empty data from them changes nothing in the database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from assessments.models import Attempt, AttemptAnswer, WorkshopTest
from attendance.models import AttendanceMark, Certificate, WorkshopClosure
from attendees.models import Agency, AgencyDomain, AgencyRequest, User
from audit.models import AuditEntry
from credentials.models import CredentialShare
from invites.models import CalendarFeed
from registrations.models import PrerequisiteWaiver, Registration, SeatReservation
from surveys.models import QuestionnaireVersion, SurveyResponse
from tests.security.urltable import KWARGS, site_url_names
from tests.security.world import ROLES, build_world
from tests.signin import sign_in
from webhooks.models import Delivery, Endpoint
from workshops.models import Material, Module, Question, Track, Workshop

pytestmark = pytest.mark.django_db

# --- role groups ---------------------------------------------------------------------------
NOT_VETTED = {"unconfirmed", "pending"}
OFFICERS = {"officer_a", "officer_b", "focal_a", "focal_b"}
# Focal points' own pages list their own agency's people (agency B's is another agency's).
FOCAL_POINTS = {"focal_a", "focal_b"}
TRAINERS = {"trainer_assigned", "trainer_other"}
COORDINATORS = {"coord_a", "coord_b", "admin"}
STAFF = TRAINERS | COORDINATORS
VERIFIED = OFFICERS | STAFF
# The world's objects (workshop, agency A, pending officer) are in region A.
COORDINATORS_OF_REGION = {"coord_a", "admin"}
STAFF_OF_WORKSHOP = {"trainer_assigned"} | COORDINATORS_OF_REGION
# Who may ever see officer A's e-mail address (herself, her focal point, her trainer and the
# coordinators of her region).
MAY_SEE_OFFICER_A = {"officer_a", "focal_a"} | STAFF_OF_WORKSHOP


@dataclass(frozen=True)
class Expect:
    ok: frozenset  # roles that get `ok_status` (GET, or POST for POST-only views)
    post_only: bool = False
    public: bool = False  # reachable signed out
    before_vetting: bool = False  # reachable by unconfirmed/pending accounts (the /access/ flow)
    ok_status: int = 200


def E(ok, **kw) -> Expect:
    return Expect(ok=frozenset(ok), **kw)


def P(ok, **kw) -> Expect:
    return Expect(ok=frozenset(ok), post_only=True, **kw)


EXPECTATIONS: dict[str, Expect] = {
    # attendees: accounts, vetting, agencies
    "dashboard": E(VERIFIED),
    "access_status": E(NOT_VETTED, before_vetting=True),  # verified users are sent on (302)
    "reconfirm_request": P(VERIFIED | NOT_VETTED, before_vetting=True),
    "reconfirm": E(set(), before_vetting=True),  # a bogus token: 400 for everyone signed in
    "profile": E(VERIFIED | NOT_VETTED, before_vetting=True),
    # Personal API tokens: every vetted account, its own tokens only (the world's token is
    # officer A's).
    "api_tokens": E(VERIFIED),
    "api_token_revoke": P({"officer_a"}),
    # Only staff without an authenticator use these (tests/security/test_two_factor_setup.py);
    # the world's staff are enrolled: the page sends everyone on to allauth's 2FA page (302),
    # sending is refused, a bogus link is a 400.
    "two_factor_setup": E(set(), before_vetting=True),
    "two_factor_setup_send": P(set(), before_vetting=True),
    "two_factor_setup_link": E(set(), before_vetting=True),
    "onboarding_request": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    "healthz": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    # The web app manifest (name, icons): browsers fetch it signed in or not.
    "web_manifest": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    # The language switcher: everyone, signed in or out (a signed-in user's own profile).
    "set_language": P(VERIFIED | NOT_VETTED | {"anonymous"}, public=True, before_vetting=True),
    "vetting_queue": E(FOCAL_POINTS | COORDINATORS),
    "vetting_detail": E({"focal_a"} | COORDINATORS_OF_REGION),
    "vetting_decide": P({"focal_a"} | COORDINATORS_OF_REGION),
    "vetting_name_decide": P({"focal_a"} | COORDINATORS_OF_REGION),
    "my_agency": E(FOCAL_POINTS),
    # The profile page is each focal point's own agency's (and a form: an empty POST is a 400
    # that asks for nothing); a request is withdrawn only by its agency's focal points.
    "agency_profile": E(FOCAL_POINTS),
    "agency_request_withdraw": P({"focal_a"}),
    "agency_list": E(COORDINATORS),
    "agency_detail": E(COORDINATORS_OF_REGION),
    "agency_domain_add": P(COORDINATORS_OF_REGION),
    "agency_domain_remove": P(COORDINATORS_OF_REGION),
    "agency_status": P(COORDINATORS_OF_REGION),
    "agency_vetting_mode": P(COORDINATORS_OF_REGION),
    "agency_focal_point": P(COORDINATORS_OF_REGION),
    "agency_request_decide": P(COORDINATORS_OF_REGION),
    # privacy: own data for officers, vetted or not; on request, coordinators of their region
    "my_data": E(OFFICERS | NOT_VETTED, before_vetting=True),
    "my_data_download": P(OFFICERS | NOT_VETTED, before_vetting=True),
    "my_data_erase": P(OFFICERS | NOT_VETTED, before_vetting=True),
    "officer_privacy": E(COORDINATORS_OF_REGION),
    # registration
    "registration:register": P(OFFICERS),
    "registration:my_training": E(OFFICERS),
    # GET: the confirmation page; POST does it. Only the officer whose registration it is.
    "registration:cancel": E({"officer_a"}),
    "registration:withdraw": E({"officer_a"}),
    "registration:leave_waitlist": E({"officer_a"}),
    "registration:workshop_registrations": E(COORDINATORS_OF_REGION),
    "registration:decide": P(COORDINATORS_OF_REGION),
    "registration:nominations": E(FOCAL_POINTS),
    "registration:nomination_decide": P({"focal_a"}),
    # A focal point nominates their own agency's officers (GET: the workshop picker).
    "registration:nominate": E(FOCAL_POINTS),
    # The officer's answer to her agency's nomination: hers only (GET: the answer page).
    "registration:nomination_answer": E({"officer_a"}),
    # Seats held for an agency: the coordinators of the workshop's region.
    "registration:reserve_seats": P(COORDINATORS_OF_REGION),
    "registration:reservation_release": P(COORDINATORS_OF_REGION),
    # Waivers of a workshop's prerequisite modules: the coordinators of its region.
    "registration:prerequisite_waiver": P(COORDINATORS_OF_REGION),
    "registration:prerequisite_waiver_revoke": P(COORDINATORS_OF_REGION),
    # curriculum (global: every coordinator manages it; trainers author)
    "workshops:module_list": E(STAFF),
    "workshops:module_create": E(STAFF),
    "workshops:markdown_preview": P(STAFF),  # renders text through the sanitiser; no data
    "workshops:review_queue": E(COORDINATORS),
    "workshops:track_list": E(COORDINATORS),
    "workshops:track_edit": E(COORDINATORS),
    "workshops:module_detail": E({"trainer_assigned"} | COORDINATORS),  # the author
    "workshops:module_edit": E({"trainer_assigned"} | COORDINATORS),
    # Published snapshots are readable by everyone who may read the module (the library).
    "workshops:revision_detail": E(VERIFIED),
    "workshops:revision_diff": E(set()),  # needs ?a=&b=: 404 without them
    "workshops:module_transition": P({"trainer_assigned"} | COORDINATORS),
    "workshops:material_upload": E({"trainer_assigned"} | COORDINATORS),
    "workshops:material_delete": P({"trainer_assigned"} | COORDINATORS),
    # A module's working bank: whoever may edit the module; anyone else a 404 (or 403 by role).
    "workshops:question_create": E({"trainer_assigned"} | COORDINATORS),
    "workshops:question_edit": E({"trainer_assigned"} | COORDINATORS),
    "workshops:question_delete": P({"trainer_assigned"} | COORDINATORS),
    "workshops:question_move": P({"trainer_assigned"} | COORDINATORS),
    # a released, unrestricted material: the stable link redirects to a short-lived file URL
    "workshops:material_download": E(VERIFIED, ok_status=302),
    "workshops:library": E(VERIFIED),
    "workshops:library_module": E(VERIFIED),
    # scheduling
    "workshops:catalog": E(VERIFIED),
    "workshops:workshop_detail": E(VERIFIED),
    "workshops:my_workshops": E(TRAINERS),
    "workshops:schedule": E(COORDINATORS),
    "workshops:schedule_calendar": E(COORDINATORS),
    "workshops:workshop_create": E(COORDINATORS),
    "workshops:workshop_edit": E(COORDINATORS_OF_REGION),
    "workshops:workshop_duplicate": E(COORDINATORS_OF_REGION),
    "workshops:workshop_publish": E(COORDINATORS_OF_REGION),  # GET: the publish preview
    "workshops:workshop_cancel": E(COORDINATORS_OF_REGION),
    # invites (the feed token is the credential of the feed URL)
    "invites:feed": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    "invites:subscription": E(OFFICERS | TRAINERS),
    "invites:reset_subscription": P(OFFICERS | TRAINERS),
    "invites:workshop_calendar": E(VERIFIED),
    "invites:workshop_ics": E(VERIFIED),
    # attendance
    "attendance:workshops": E(STAFF),
    "attendance:roster": E(STAFF_OF_WORKSHOP),
    # The registrations app's old roster address: a permanent redirect for those who may see it.
    "attendance:roster_moved": E(STAFF_OF_WORKSHOP, ok_status=301),
    "attendance:walk_in": P(STAFF_OF_WORKSHOP),
    "attendance:close": P(STAFF_OF_WORKSHOP),
    "attendance:reopen": P(COORDINATORS_OF_REGION),
    "attendance:settings": P(STAFF_OF_WORKSHOP),
    # A workshop's test results and its scores: its trainers, its region's coordinators.
    "assessment_results:results": E(STAFF_OF_WORKSHOP),
    "assessment_results:scores_csv": E(STAFF_OF_WORKSHOP),
    "attendance:session": E(STAFF_OF_WORKSHOP),
    "attendance:checkin_code": E(STAFF_OF_WORKSHOP),
    # The printable sign-in sheet (lists the roster) and entering its ticks.
    "attendance:session_sheet": E(STAFF_OF_WORKSHOP),
    "attendance:session_paper": E(STAFF_OF_WORKSHOP),
    # Renders a sample from what is posted (no data of anyone); the track form's preview.
    # Today's sessions of the workshops one runs (world: none today, so an empty page), their
    # rosters as JSON for the device, and the sync of marks taken offline.
    "attendance:today": E(STAFF),
    "attendance:today_data": E(STAFF),
    "attendance:sync": P(STAFF),
    # The service worker: no data, served at the site's root to anyone (accounts waiting for
    # vetting are sent to their access page, as everywhere: they have no page it keeps).
    "attendance:service_worker": E(VERIFIED, public=True),
    "attendance:certificate_preview": P(COORDINATORS),
    "attendance:checkin": E(OFFICERS),
    "attendance:training_record": E(OFFICERS),
    "attendance:certificate_pdf": E({"officer_a"}),
    # assessments: officer A's own tests and attempts (the open workshop's pre-test, her sent
    # post-test of the closed workshop); the workshop's staff see its tests page, the region's
    # coordinators set them up.
    "assessments:test": E({"officer_a"}),
    "assessments:start": P({"officer_a"}),
    # A sent attempt's page sends on to its result.
    "assessments:attempt": E({"officer_a"}, ok_status=302),
    "assessments:answer": P({"officer_a"}),
    "assessments:result": E({"officer_a"}),
    "assessments:workshop_tests": E(STAFF_OF_WORKSHOP),
    "assessments:configure": P(COORDINATORS_OF_REGION),
    "assessments:remove": P(COORDINATORS_OF_REGION),
    # credentials: the issuer's public keys, profile and status list (for verifiers' software,
    # signed in or not), the holder's own downloads and share links
    "credentials:did_document": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    "credentials:did_document_at_path": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    "credentials:jwks": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    "credentials:issuer": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    "credentials:status_list": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    "credentials:credential_json": E({"officer_a"}),
    "credentials:credential_jwt": E({"officer_a"}),
    # The holder's links that show their full name to one verifier: hers only, not even staff's.
    "credentials:share_create": P({"officer_a"}),
    "credentials:share_revoke": P({"officer_a"}),
    # Public certificate check (HTML or JSON): initials and agency country, never the name; a
    # share link adds the name the holder chose to show.
    "credentials:verify": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    "credentials:verify_number": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    "credentials:verify_json": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    "credentials:verify_shared": E(VERIFIED | NOT_VETTED, public=True, before_vetting=True),
    # A credential file posted by anyone (GET is 405); nothing is stored.
    "credentials:verify_file": P(
        VERIFIED | NOT_VETTED | {"anonymous"}, public=True, before_vetting=True
    ),
    # inbox: what waits for each staff role, scoped (officer A's address only for her scope)
    "inbox:index": E(FOCAL_POINTS | STAFF),
    # audit and reports
    "audit:log": E({"admin"}),
    "audit:export": E({"admin"}),
    # outbox: given-up deliveries, scoped to the coordinator's regions
    "outbox:failed": E(COORDINATORS),
    "outbox:retry": P(set()),  # no such delivery in the world: 404 even for coordinators
    # the agency workspace: a focal point's own agency, and the coordinators of its region
    "agencies:home": E(FOCAL_POINTS),
    "agencies:record": E({"focal_a"} | COORDINATORS_OF_REGION),
    "agencies:record_export": E({"focal_a"} | COORDINATORS_OF_REGION),
    "reports:exports": E(COORDINATORS),
    "reports:workshop_export": E(COORDINATORS_OF_REGION),
    "reports:download": E(set()),  # a bogus token
    "reports:program": E(COORDINATORS),
    "reports:program_xlsx": E(COORDINATORS),
    "reports:program_gain_csv": E(COORDINATORS),
    # surveys: coordinators edit the tracks' questionnaires, program administrators also the
    # program-wide ones (the world's is program-wide); officers answer their own.
    "surveys:questionnaires": E(COORDINATORS),
    "surveys:questionnaire_create": E(COORDINATORS),
    "surveys:questionnaire_edit": E({"admin"}),
    "surveys:questionnaire_version": E({"admin"}),
    "surveys:feedback_results": E(STAFF_OF_WORKSHOP),
    "surveys:feedback": E({"officer_a"}),
    "surveys:follow_up": E({"officer_a"}),
    # webhooks: coordinators and focal points keep their own endpoints; the world's is
    # coordinator A's, hers alone (other coordinators and program admins included: 404).
    "webhooks:list": E(FOCAL_POINTS | COORDINATORS),
    "webhooks:detail": E({"coord_a"}),
    "webhooks:edit": E({"coord_a"}),
    "webhooks:rotate": P({"coord_a"}),
    "webhooks:toggle": P({"coord_a"}),
    "webhooks:ping": P({"coord_a"}),
    "webhooks:delete": E({"coord_a"}),  # GET: the confirmation
    "webhooks:redeliver": P({"coord_a"}),
}


def _client(world, role) -> Client:
    client = Client()
    if world.users[role] is not None:
        sign_in(client, world.users[role])
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _fingerprint() -> str:
    """A digest of every row a denied POST could try to change."""
    parts = [
        list(Registration.objects.order_by("pk").values_list("pk", "state")),
        list(SeatReservation.objects.order_by("pk").values_list("pk", "seats", "released_at")),
        list(PrerequisiteWaiver.objects.order_by("pk").values_list("pk", "officer_id")),
        list(
            User.objects.order_by("pk").values_list(
                "pk",
                "status",
                "is_focal_point",
                "email",
                "vetted_name",
                "declined_name",
            )
        ),
        list(Agency.objects.order_by("pk").values_list("pk", "is_active", "vetting_mode")),
        list(AgencyDomain.objects.order_by("pk").values_list("pk", "domain")),
        list(AgencyRequest.objects.order_by("pk").values_list("pk", "status", "kind", "value")),
        list(Workshop.objects.order_by("pk").values_list("pk", "status", "title")),
        list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(Module.objects.order_by("pk").values_list("pk", "status")),
        list(Track.objects.order_by("pk").values_list("pk", "name")),
        list(Material.objects.order_by("pk").values_list("pk")),
        list(Question.objects.order_by("pk").values_list("pk", "position", "text")),
        list(WorkshopClosure.objects.order_by("pk").values_list("pk", "closed_at")),
        list(AttendanceMark.objects.order_by("pk").values_list("pk", "status")),
        list(Certificate.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(CredentialShare.objects.order_by("pk").values_list("pk", "label", "revoked_at")),
        list(CalendarFeed.objects.order_by("pk").values_list("pk", "token")),
        list(WorkshopTest.objects.order_by("pk").values_list("pk", "max_attempts")),
        list(Attempt.objects.order_by("pk").values_list("pk", "submitted_at", "score")),
        list(AttemptAnswer.objects.order_by("pk").values_list("pk", "response")),
        AuditEntry.objects.count(),
        list(QuestionnaireVersion.objects.order_by("pk").values_list("pk", "questionnaire_id")),
        list(SurveyResponse.objects.order_by("pk").values_list("pk", "answers")),
        list(Endpoint.objects.order_by("pk").values_list("pk", "secret", "is_active", "url")),
        list(Delivery.objects.order_by("pk").values_list("pk", "status", "next_attempt_at")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _redirects_to(response, prefix: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(prefix)


def test_every_url_has_a_declared_expectation():
    names = set(site_url_names())
    assert names - set(EXPECTATIONS) == set(), "declare who may use these new URLs"
    assert names - set(KWARGS) == set(), "say how to build these URLs' arguments"
    assert set(EXPECTATIONS) - names == set(), "stale expectations"


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_get_answers_each_role_as_declared(request, name):
    expect = EXPECTATIONS[name]
    world = build_world(request)
    url = reverse(name, kwargs=KWARGS[name](world))
    login, access = reverse("account_login"), reverse("access_status")
    for role in ROLES:
        response = _client(world, role).get(url)
        where = f"{name} as {role}: {response.status_code}"
        if role == "anonymous" and not expect.public:
            assert _redirects_to(response, login), where
        elif role == "suspended":
            # A suspended account is signed out on its next request.
            assert _redirects_to(response, login), where
        elif role in NOT_VETTED and not expect.before_vetting:
            assert _redirects_to(response, access), where
        elif expect.post_only and role in expect.ok:
            assert response.status_code == 405, where
        elif expect.post_only and role != "anonymous":
            assert response.status_code in (403, 404, 405), where
        elif role in expect.ok or (role == "anonymous" and expect.public):
            if name == "access_status":
                assert response.status_code == 200, where
            else:
                assert response.status_code == expect.ok_status, where
        elif name in ("access_status", "two_factor_setup"):
            assert response.status_code == 302, where  # users who need nothing here are sent on
        elif name in ("reconfirm", "two_factor_setup_link"):
            assert response.status_code == 400, where
        else:
            assert response.status_code in (403, 404), where
        if role not in MAY_SEE_OFFICER_A:
            assert world.officer.email.encode() not in _body(response), where


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_denied_roles_cannot_change_anything_by_post(request, name):
    expect = EXPECTATIONS[name]
    world = build_world(request)
    url = reverse(name, kwargs=KWARGS[name](world))
    login, access = reverse("account_login"), reverse("access_status")
    denied = [r for r in ROLES if r not in expect.ok and not (expect.public and r == "anonymous")]
    if expect.before_vetting:
        denied = [r for r in denied if r not in NOT_VETTED]
    for role in denied:
        before = _fingerprint()
        response = _client(world, role).post(url, {})
        where = f"POST {name} as {role}: {response.status_code}"
        if role in ("anonymous", "suspended"):
            assert _redirects_to(response, login), where
        elif role in NOT_VETTED:
            assert _redirects_to(response, access), where
        elif name == "access_status":
            assert response.status_code == 302, where  # verified users are sent on
        else:
            assert response.status_code in (400, 403, 404, 405), where
        assert _fingerprint() == before, where
        if role not in MAY_SEE_OFFICER_A:
            assert world.officer.email.encode() not in _body(response), where
