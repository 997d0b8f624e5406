"""Every named URL of the site → how to build its kwargs from the world."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from surveys.models import Questionnaire, QuestionnaireVersion

# Third-party URL trees whose access rules are the library's own (allauth's login, sign-up,
# password reset and MFA pages are public or self-only by design; Django's admin has its own
# staff check). Listed explicitly: anything else that appears in the resolver must be declared
# in the matrix.
THIRD_PARTY_PREFIXES = ("admin/", "accounts/")
# The REST API answers bearer tokens, not sessions: its routes have their own matrix
# (tests/api/test_api_matrix.py), which checks it declares every one of them.
API_PREFIX = "api/v1/"


def named_patterns(skip_prefixes: tuple[str, ...] = ()) -> dict[str, tuple[str, URLPattern]]:
    """`namespace:name` → (route, pattern) for every named URL whose route does not start with
    one of `skip_prefixes` (walks the resolver, so a new view is never missed)."""
    found: dict[str, tuple[str, URLPattern]] = {}

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(pattern.url_patterns, route, full)
            elif pattern.name and not route.startswith(skip_prefixes):
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found[name] = (route, pattern)

    walk(get_resolver().url_patterns, "", None)
    return found


def site_url_names() -> dict[str, str]:
    """`namespace:name` → route, for every pattern of the site outside the allow-list."""
    skip = (*THIRD_PARTY_PREFIXES, API_PREFIX)
    return {name: route for name, (route, _p) in named_patterns(skip).items()}


def api_url_names() -> dict[str, str]:
    """`namespace:name` → route, for every route of the REST API."""
    return {
        name: route
        for name, (route, _p) in named_patterns().items()
        if route.startswith(API_PREFIX)
    }


def pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


KWARGS = {
    "dashboard": lambda w: {},
    "access_status": lambda w: {},
    "reconfirm_request": lambda w: {},
    "reconfirm": lambda w: {"token": "not-a-real-token"},
    "profile": lambda w: {},
    "api_tokens": lambda w: {},
    "api_token_revoke": lambda w: {"pk": w.api_token.pk},
    "two_factor_setup": lambda w: {},
    "two_factor_setup_send": lambda w: {},
    "two_factor_setup_link": lambda w: {"token": "not-a-real-token"},
    "onboarding_request": lambda w: {},
    "web_manifest": lambda w: {},
    "vetting_queue": lambda w: {},
    "vetting_detail": lambda w: {"pk": w.users["pending"].pk},
    "vetting_decide": lambda w: {"pk": w.users["pending"].pk},
    "vetting_name_decide": pk("officer"),
    "my_agency": lambda w: {},
    "agency_profile": lambda w: {},
    "agency_request_withdraw": pk("agency_request"),
    "agency_list": lambda w: {},
    "agency_detail": pk("agency"),
    "agency_domain_add": pk("agency"),
    "agency_domain_remove": lambda w: {
        "pk": w.agency.pk,
        "domain_pk": w.agency.domains.first().pk,
    },
    "agency_status": pk("agency"),
    "agency_vetting_mode": pk("agency"),
    "agency_focal_point": lambda w: {"pk": w.agency.pk, "officer_pk": w.officer.pk},
    "agency_request_decide": lambda w: {"pk": w.agency.pk, "request_pk": w.agency_request.pk},
    "healthz": lambda w: {},
    "set_language": lambda w: {},
    "my_data": lambda w: {},
    "my_data_download": lambda w: {},
    "my_data_erase": lambda w: {},
    "officer_privacy": pk("officer"),
    "registration:register": lambda w: {"workshop_pk": w.workshop.pk},
    "registration:my_training": lambda w: {},
    "registration:cancel": pk("registration"),
    "registration:withdraw": pk("requested_registration"),
    "registration:leave_waitlist": pk("waitlisted_registration"),
    "registration:workshop_registrations": lambda w: {"workshop_pk": w.workshop.pk},
    "registration:decide": pk("pending_registration"),
    "registration:nominations": lambda w: {},
    "registration:nomination_decide": pk("pending_registration"),
    "registration:nominate": lambda w: {},
    "registration:nomination_answer": pk("offered_registration"),
    "registration:reserve_seats": lambda w: {"workshop_pk": w.workshop.pk},
    "registration:reservation_release": pk("reservation"),
    "registration:prerequisite_waiver": lambda w: {"workshop_pk": w.workshop.pk},
    "registration:prerequisite_waiver_revoke": pk("waiver"),
    "workshops:module_list": lambda w: {},
    "workshops:module_create": lambda w: {},
    "workshops:markdown_preview": lambda w: {},
    "workshops:review_queue": lambda w: {},
    "workshops:track_list": lambda w: {},
    "workshops:track_edit": lambda w: {"pk": w.module.track_id},
    "workshops:module_detail": pk("module"),
    "workshops:module_edit": pk("module"),
    "workshops:revision_detail": lambda w: {"pk": w.module.pk, "number": 1},
    "workshops:revision_diff": pk("module"),
    "workshops:module_transition": lambda w: {"pk": w.module.pk, "action": "submit"},
    "workshops:material_upload": pk("module"),
    "workshops:material_delete": pk("material"),
    "workshops:question_create": pk("module"),
    "workshops:question_edit": pk("question"),
    "workshops:question_delete": pk("question"),
    "workshops:question_move": pk("question"),
    "workshops:material_download": pk("material"),
    "workshops:library": lambda w: {},
    "workshops:library_module": lambda w: {"slug": w.module.slug},
    "workshops:catalog": lambda w: {},
    "workshops:workshop_detail": pk("workshop"),
    "workshops:my_workshops": lambda w: {},
    "workshops:schedule": lambda w: {},
    "workshops:schedule_calendar": lambda w: {},
    "workshops:workshop_create": lambda w: {},
    "workshops:workshop_edit": pk("workshop"),
    "workshops:workshop_duplicate": pk("workshop"),
    "workshops:workshop_publish": pk("workshop"),
    "workshops:workshop_cancel": pk("workshop"),
    "invites:feed": lambda w: {"token": w.feed.token},
    "invites:subscription": lambda w: {},
    "invites:reset_subscription": lambda w: {},
    "invites:workshop_calendar": pk("workshop"),
    "invites:workshop_ics": pk("workshop"),
    "attendance:workshops": lambda w: {},
    "attendance:roster": pk("past_workshop"),
    "attendance:roster_moved": lambda w: {"workshop_pk": w.workshop.pk},
    "attendance:walk_in": pk("workshop"),
    "attendance:close": pk("past_workshop"),
    "attendance:reopen": pk("past_workshop"),
    "attendance:settings": pk("workshop"),
    "assessment_results:results": pk("past_workshop"),
    "assessment_results:scores_csv": pk("past_workshop"),
    "attendance:session": pk("session"),
    "attendance:checkin_code": pk("session"),
    "attendance:session_sheet": pk("session"),
    "attendance:session_paper": pk("session"),
    "attendance:today": lambda w: {},
    "attendance:today_data": lambda w: {},
    "attendance:sync": lambda w: {},
    "attendance:service_worker": lambda w: {},
    "attendance:certificate_preview": lambda w: {},
    "attendance:checkin": lambda w: {},
    "attendance:training_record": lambda w: {},
    "attendance:certificate_pdf": pk("certificate"),
    "audit:log": lambda w: {},
    "audit:export": lambda w: {},
    "inbox:index": lambda w: {},
    "agencies:home": lambda w: {},
    "agencies:record": pk("agency"),
    "agencies:record_export": lambda w: {"pk": w.agency.pk, "kind": "attendance", "fmt": "csv"},
    "reports:exports": lambda w: {},
    "reports:workshop_export": lambda w: {
        "pk": w.workshop.pk,
        "kind": "registrations",
        "fmt": "csv",
    },
    "reports:download": lambda w: {"token": "not-a-real-token"},
    "outbox:failed": lambda w: {},
    "outbox:retry": lambda w: {"pk": 999_999},
    "reports:program": lambda w: {},
    "reports:program_xlsx": lambda w: {},
    "reports:program_gain_csv": lambda w: {},
    "assessments:test": pk("pre_test"),
    "assessments:start": pk("pre_test"),
    "assessments:attempt": pk("attempt"),
    "assessments:answer": pk("attempt"),
    "assessments:result": pk("attempt"),
    "assessments:workshop_tests": pk("workshop"),
    "assessments:configure": lambda w: {"pk": w.workshop.pk, "kind": "pre"},
    "assessments:remove": lambda w: {"pk": w.workshop.pk, "kind": "pre"},
    "credentials:did_document": lambda w: {},
    "credentials:did_document_at_path": lambda w: {},
    "credentials:jwks": lambda w: {},
    "credentials:issuer": lambda w: {},
    "credentials:status_list": lambda w: {},
    "credentials:credential_json": pk("certificate"),
    "credentials:credential_jwt": pk("certificate"),
    "credentials:share_create": pk("certificate"),
    "credentials:share_revoke": pk("share"),
    "credentials:verify": lambda w: {},
    "credentials:verify_number": lambda w: {"number": w.certificate.number},
    "credentials:verify_json": lambda w: {"number": w.certificate.number},
    "credentials:verify_shared": lambda w: {"token": w.share.token},
    "credentials:verify_file": lambda w: {},
    "surveys:questionnaires": lambda w: {},
    "surveys:questionnaire_create": lambda w: {},
    "surveys:questionnaire_edit": pk("questionnaire"),
    "surveys:questionnaire_version": lambda w: {"pk": w.questionnaire.pk, "number": 1},
    "surveys:feedback_results": pk("past_workshop"),
    "surveys:feedback": pk("past_registration"),
    "surveys:follow_up": lambda w: {"pk": _follow_up_due(w).pk},
    "webhooks:list": lambda w: {},
    "webhooks:detail": pk("endpoint"),
    "webhooks:edit": pk("endpoint"),
    "webhooks:rotate": pk("endpoint"),
    "webhooks:toggle": pk("endpoint"),
    "webhooks:ping": pk("endpoint"),
    "webhooks:delete": pk("endpoint"),
    "webhooks:redeliver": pk("delivery"),
}


def _follow_up_due(w):
    """Officer A's closed workshop, with a program-wide follow-up survey already due."""
    questionnaire, _created = Questionnaire.objects.get_or_create(
        kind=Questionnaire.Kind.FOLLOW_UP, track=None, defaults={"follow_up_days": 1}
    )
    if questionnaire.current_version is None:
        questionnaire.current_version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire,
            number=1,
            questions=[{"key": "q1", "kind": "rating", "text": "Useful?", "required": True}],
        )
        questionnaire.save(update_fields=["current_version"])
    return w.past_registration
