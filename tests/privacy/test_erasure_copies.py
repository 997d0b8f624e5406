"""Erasing an officer removes their identity from every place it was copied to (the inventory in
privacy/copies.py), and the nightly purge of unconfirmed sign-ups leaves no copy."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import time

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from attendance import services as attendance_services
from attendance.models import Certificate, ClosureEvent, Feedback, WalkIn
from attendance.services.certificates import WORKSHOP_FACTS
from attendees.models import AgencyEvent, OnboardingRequest, User, VettingDecision
from attendees.services.vetting import submit_onboarding_request
from audit.models import AuditEntry
from audit.services import record_audit
from invites.models import InviteDelivery
from outbox.models import Mail
from privacy.services import erase_officer, purge_unconfirmed_accounts
from registrations import rows as registration_rows
from registrations.models import Registration, RegistrationEvent
from reports.models import ExportJob
from reports.tasks import build_export
from tests.factories import MaterialFactory, OfficerFactory, RegistrationFactory, WorkshopFactory
from workshops.models import MaterialDownload

pytestmark = pytest.mark.django_db

NAME, RANK, UNIT = "Zelda Quixote", "Superintendent", "Harbour Cyber Unit"
IP = "203.0.113.77"


@pytest.fixture
def person(agency):
    return OfficerFactory(agency=agency, full_name=NAME, rank=RANK, unit=UNIT)


@pytest.fixture
def workshop(region):
    return WorkshopFactory(region=region, title="Ledger tracing")


@pytest.fixture
def reg(person, workshop):
    return RegistrationFactory(workshop=workshop, officer=person)


def _identity(user) -> list[str]:
    return [user.email, NAME, RANK, UNIT, IP]


def assert_forgotten(text, identity: list[str]) -> None:
    text = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    for value in identity:
        assert value.casefold() not in text.casefold(), value


def _erase(person, by=None):
    erase_officer(user_id=person.pk, by=by, reason="Request by letter")


# --- the audit log -------------------------------------------------------------------------


def test_audit_entries_by_about_and_naming_the_officer_lose_their_identity(
    person, reg, agency, coordinator, other_agency_officer
):
    identity = _identity(person)
    by_them = record_audit(actor=person, action="privacy.export", summary="Export", target=person)
    about_them = record_audit(
        actor=coordinator,
        action="vetting.rejected",
        summary=f"Vetting rejected for {NAME}",
        target=person,
        reason=f"Zelda's {RANK} badge from the {UNIT} could not be confirmed",
    )
    about_reg = record_audit(
        actor=coordinator,
        action="registration.declined",
        summary=f"Registration #{reg.pk} declined",
        target=reg,
        message="Sorry Zelda, no seat left",
    )
    near_them = record_audit(
        actor=coordinator,
        action="agency.focal_named",
        summary=f"Agency #{agency.pk}: focal_named",
        target=agency,
        detail=NAME,
    )
    naming = record_audit(
        actor=coordinator,
        action="outbox.retry",
        summary="Retried",
        last_error=f"SMTPRecipientsRefused: {{'{person.email}': (550, b'no')}}",
    )
    other = record_audit(
        actor=coordinator,
        action="vetting.approved",
        summary="Vetting approved for Officer Bob",
        target=other_agency_officer,
        reason="Inspector of the Harbour Cyber Unit",
    )
    before = AuditEntry.objects.count()

    _erase(person, by=coordinator)

    assert AuditEntry.objects.count() == before + 1  # the erasure's own entry; none deleted
    for entry in (by_them, about_them, about_reg, near_them, naming):
        entry = AuditEntry.objects.get(pk=entry.pk)
        assert_forgotten(entry.actor_label + entry.summary + json.dumps(entry.data), identity)
    assert AuditEntry.objects.get(pk=by_them.pk).actor_label == f"erased-{person.pk}@invalid"
    assert AuditEntry.objects.get(pk=about_them.pk).data["reason"] == (
        "[erased]'s [erased] badge from the [erased] could not be confirmed"
    )
    unchanged = AuditEntry.objects.get(pk=other.pk)
    assert (unchanged.actor_label, unchanged.summary, unchanged.data) == (
        coordinator.email,
        "Vetting approved for Officer Bob",
        {"reason": "Inspector of the Harbour Cyber Unit"},
    )


def test_a_name_chosen_to_match_the_log_blanks_nobody_elses_entries(agency, coordinator):
    """Name, rank and unit are typed by the officer: erasing them must not let an officer
    named like the log's words blank those words in other people's entries."""
    person = OfficerFactory(agency=agency, full_name="Vetting approved", rank="declined")
    other = OfficerFactory(agency=agency)
    entry = record_audit(
        actor=coordinator,
        action="vetting.approved",
        summary=f"Vetting approved for officer #{other.pk}",
        target=other,
        reason="declined once, approved now",
    )
    event = RegistrationEvent.objects.create(
        registration=RegistrationFactory(officer=other),
        actor=coordinator,
        to_state="declined",
        reason="Vetting approved too late: declined",
    )
    _erase(person, by=coordinator)
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.summary == f"Vetting approved for officer #{other.pk}"
    assert entry.data == {"reason": "declined once, approved now"}
    event.refresh_from_db()
    assert event.reason == "Vetting approved too late: declined"


def test_erasure_reason_naming_the_officer_is_kept_without_their_name(person, coordinator):
    erase_officer(user_id=person.pk, by=coordinator, reason=f"Letter from {NAME} of 3 May")
    entry = AuditEntry.objects.get(action="privacy.erase")
    assert entry.data["reason"] == "Letter from [erased] of 3 May"


def test_erasure_reason_loses_every_identifier_of_the_officer(person, coordinator):
    first_name, local_part = NAME.split()[0], person.email.split("@")[0]
    reason = f"{first_name} ({RANK}, {UNIT}) wrote from {local_part}; see {person.email}"
    erase_officer(user_id=person.pk, by=coordinator, reason=reason)
    entry = AuditEntry.objects.get(action="privacy.erase")
    assert_forgotten(entry.data, [*_identity(person), first_name, local_part])
    assert entry.data["reason"].startswith("[erased] ([erased], [erased]) wrote from")
    assert entry.actor_id == coordinator.pk


def test_self_erasure_is_logged_without_the_officers_address(person):
    email = person.email
    erase_officer(user_id=person.pk, by=person, reason="Requested by the officer")
    entry = AuditEntry.objects.get(action="privacy.erase")
    assert entry.actor_id == person.pk
    assert entry.actor_label == f"erased-{person.pk}@invalid"
    assert_forgotten(
        [entry.actor_label, entry.summary, entry.data], [email, email.split("@")[0], NAME]
    )


# --- certificates ----------------------------------------------------------------------------


def _closed_with_certificate(person, trainer, region) -> Certificate:
    now = timezone.now().replace(microsecond=0)
    past = WorkshopFactory(
        region=region,
        trainers=[trainer],
        sessions=[(now - dt.timedelta(hours=30), now - dt.timedelta(hours=26))],
    )
    reg = RegistrationFactory(workshop=past, officer=person)
    attendance_services.record_marks(
        session_id=past.sessions.get().pk, by=trainer, marks={reg.pk: "present"}
    )
    attendance_services.close_workshop(workshop_id=past.pk, by=trainer)
    return Certificate.objects.get(registration=reg)


def test_certificates_valid_and_revoked_keep_only_workshop_facts(person, trainer, region):
    active = _closed_with_certificate(person, trainer, region)
    assert active.printed["officer_name"] == NAME
    # Revoked before the erasure, printed with a holder key added later (any key not a
    # workshop fact is the holder's).
    earlier = Certificate.objects.create(
        registration=active.registration,
        holder=active.holder,
        printed={**active.printed, "vetted_name": NAME, "rank": RANK},
        revoked_at=timezone.now(),
        revoke_reason=f"Name misspelled: {NAME}",
    )

    _erase(person)

    for certificate in (active, earlier):
        certificate.refresh_from_db()
        assert set(certificate.printed) <= WORKSHOP_FACTS
        assert certificate.printed["workshop_title"]
        assert_forgotten(certificate.printed, _identity(person))
        assert "Agency A" not in json.dumps(certificate.printed)
        assert_forgotten(certificate.revoke_reason, _identity(person))


# --- attendees: history, vetting, agencies, onboarding, sessions --------------------------------


def test_registration_event_reasons_lose_the_officer(person, reg, coordinator, focal_point):
    about = RegistrationEvent.objects.create(
        registration=reg,
        actor=coordinator,
        from_state="pending",
        to_state="confirmed",
        reason=f"Approved: {RANK} Quixote of the {UNIT}",
    )
    other_reg = RegistrationFactory(workshop=reg.workshop, officer=focal_point)
    naming = RegistrationEvent.objects.create(
        registration=other_reg,
        actor=coordinator,
        from_state="pending",
        to_state="confirmed",
        reason=f"Seat freed by {person.email}",
    )
    _erase(person)
    about.refresh_from_db()
    naming.refresh_from_db()
    assert about.reason == "Approved: [erased] [erased] of the [erased]"
    assert naming.reason == "Seat freed by [erased]"


def test_vetting_decision_reasons_lose_the_officer(person, coordinator):
    decision = VettingDecision.objects.create(
        officer=person,
        decided_by=coordinator,
        action="rejected",
        reason=f"Zelda's {UNIT} did not answer",
    )
    _erase(person)
    decision.refresh_from_db()
    assert decision.reason == "[erased]'s [erased] did not answer"


def test_agency_events_naming_the_officer_lose_the_name(person, agency, coordinator):
    event = AgencyEvent.objects.create(
        agency=agency, by=coordinator, action=AgencyEvent.Action.FOCAL_NAMED, detail=NAME
    )
    _erase(person)
    event.refresh_from_db()
    assert event.detail == "[erased]"


def test_onboarding_requests_from_the_officers_address_are_deleted(person):
    mine = OnboardingRequest.objects.create(
        full_name=NAME, email=person.email.upper(), agency_name="Agency A", country="SG"
    )
    other = OnboardingRequest.objects.create(
        full_name="Someone Else", email="else@example.org", agency_name="Other", country="SG"
    )
    _erase(person)
    assert not OnboardingRequest.objects.filter(pk=mine.pk).exists()
    assert OnboardingRequest.objects.filter(pk=other.pk).exists()


def test_every_session_holding_the_officer_is_deleted(client, person, other_agency_officer):
    client.force_login(person)
    signed_in = client.session.session_key
    Session.objects.filter(pk=signed_in).update(expire_date=timezone.now() - dt.timedelta(days=1))
    prefill = SessionStore()
    prefill["onboarding_prefill_email"] = person.email.upper()
    prefill.create()
    signing_in = SessionStore()
    signing_in["account_login"] = {"user_pk": str(person.pk), "email": None}
    signing_in.create()
    unrelated = SessionStore()
    unrelated["_auth_user_id"] = str(other_agency_officer.pk)
    unrelated.create()

    _erase(person)

    remaining = set(Session.objects.values_list("session_key", flat=True))
    assert remaining == {unrelated.session_key}


def test_admin_log_entries_lose_the_officer(person, reg, program_admin):
    def logged(obj, message):
        return LogEntry.objects.create(
            user=program_admin,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=CHANGE,
            change_message=json.dumps(message),
        )

    of_user = logged(person, [{"changed": {"fields": ["Unit"]}}])
    of_reg = logged(reg, [{"added": {"name": "e-mail address", "object": person.email}}])
    assert NAME in of_user.object_repr and NAME in of_reg.object_repr

    _erase(person)

    for entry in LogEntry.objects.filter(pk__in=[of_user.pk, of_reg.pk]):
        assert_forgotten(entry.object_repr + entry.change_message, _identity(person))
    assert json.loads(LogEntry.objects.get(pk=of_reg.pk).change_message) == [
        {"added": {"name": "e-mail address", "object": "[erased]"}}
    ]


def test_email_addresses_and_their_confirmations_are_deleted(person):
    address = EmailAddress.objects.get(user=person)
    EmailConfirmation.create(address)
    _erase(person)
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not EmailConfirmation.objects.filter(email_address__email=person.email).exists()


# --- attendance ------------------------------------------------------------------------------


def test_feedback_keeps_ratings_and_loses_the_free_text(person, reg):
    feedback = Feedback.objects.create(
        registration=reg, overall=4, trainer_rating=5, comments=f"As a {RANK} in the {UNIT}…"
    )
    _erase(person)
    feedback.refresh_from_db()
    assert (feedback.overall, feedback.trainer_rating, feedback.comments) == (4, 5, "")


def test_walk_in_and_closing_notes_lose_the_officer(person, reg, trainer):
    walk_in = WalkIn.objects.create(registration=reg, added_by=trainer, reason=f"{NAME}'s chief")
    closing = ClosureEvent.objects.create(
        workshop=reg.workshop, action="closed", actor=trainer, reason=f"{NAME} left early"
    )
    _erase(person)
    walk_in.refresh_from_db()
    closing.refresh_from_db()
    assert walk_in.reason == "[erased]'s chief"
    assert closing.reason == "[erased] left early"


# --- outbox, invites, downloads ----------------------------------------------------------------


def _mail(to, *, status=Mail.Status.SENT, recipient=None, **fields) -> Mail:
    return Mail.objects.create(
        kind=fields.pop("kind", "registration"),
        to=to,
        recipient=recipient,
        message_id=f"<{to}.{Mail.objects.count()}@training.example.org>",
        subject=fields.pop("subject", "Ledger tracing: confirmed"),
        content={"body": fields.pop("body", "You are confirmed.")},
        status=status,
        **fields,
    )


def test_every_mail_to_the_officer_sent_or_not_is_deleted(person, reg, other_agency_officer):
    mine = [
        _mail(person.email, recipient=person, workshop=reg.workshop),
        _mail(person.email, status=Mail.Status.READY, recipient=person),
        _mail(
            person.email,
            status=Mail.Status.FAILED,
            recipient=person,
            last_error=f"SMTPRecipientsRefused: {{'{person.email}': (550, b'unknown')}}",
        ),
        # Sent to their address before the account knew it (sign-up), in another case.
        _mail(person.email.upper(), kind="account", subject="Confirm your e-mail"),
    ]
    others = _mail(other_agency_officer.email, recipient=other_agency_officer)
    _erase(person)
    assert not Mail.objects.filter(pk__in=[m.pk for m in mine]).exists()
    assert Mail.objects.filter(pk=others.pk).exists()


def test_failed_mails_to_others_quoting_the_officer_lose_the_address(person, other_agency_officer):
    others = _mail(
        other_agency_officer.email,
        status=Mail.Status.FAILED,
        recipient=other_agency_officer,
        last_error=f"Bounce quoting {person.email}",
    )
    _erase(person)
    others.refresh_from_db()
    assert others.last_error == "Bounce quoting [erased]"


def test_mails_to_staff_about_the_officers_onboarding_request_lose_the_officer(
    person, coordinator, program_admin
):
    submit_onboarding_request(
        full_name=NAME, email=person.email, agency_name="Agency A", country="SG"
    )
    told = Mail.objects.filter(kind="onboarding")
    assert told.count() >= 1
    _erase(person)
    for row in Mail.objects.filter(kind="onboarding"):
        assert_forgotten(row.subject + json.dumps(row.content), _identity(person))


def test_calendar_deliveries_are_deleted(person, reg):
    session = reg.workshop.sessions.get()
    InviteDelivery.objects.create(
        user=person, workshop=reg.workshop, session=session, session_ref=session.pk
    )
    _erase(person)
    assert not InviteDelivery.objects.filter(user=person).exists()


def test_nothing_is_mailed_to_the_erased_account(person, reg, django_capture_on_commit_callbacks):
    address = person.email
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _erase(person)
    assert not [m for m in mail.outbox if any(a.endswith("@invalid") for a in m.to)]
    # Not to the old address either: what the erasure itself queued (the cancellation) is gone.
    assert not [m for m in mail.outbox if address in m.to]
    assert not Mail.objects.filter(to__iexact=address).exists()
    assert not Mail.objects.filter(recipient=person).exists()


def test_material_downloads_lose_the_ip_address(person):
    download = MaterialDownload.objects.create(
        material=MaterialFactory(), user=person, ip_address=IP
    )
    _erase(person)
    download.refresh_from_db()
    assert download.user_id == person.pk and download.ip_address is None


# --- reports: export files -----------------------------------------------------------------


def _built_export(coordinator, workshop) -> ExportJob:
    job = ExportJob.objects.create(
        requested_by=coordinator,
        kind="registrations",
        format="csv",
        filters={"workshop_id": workshop.pk},
    )
    assert build_export(str(job.pk)) is True
    job.refresh_from_db()
    return job


def test_stored_exports_that_may_list_the_officer_are_deleted(
    person, reg, coordinator, region, agency
):
    elsewhere = WorkshopFactory(region=region)
    RegistrationFactory(workshop=elsewhere, officer=OfficerFactory(agency=agency))
    listing = _built_export(coordinator, reg.workshop)
    with default_storage.open(listing.file_name) as fh:
        assert person.email in fh.read().decode()
    other = _built_export(coordinator, elsewhere)
    stored = listing.file_name

    _erase(person)

    listing.refresh_from_db()
    assert listing.file_name == "" and not default_storage.exists(stored)
    other.refresh_from_db()
    assert default_storage.exists(other.file_name)


# --- the cache -------------------------------------------------------------------------------


def test_cached_roster_rows_showing_the_officer_expire_within_the_bound(
    client_for, person, reg, coordinator, django_capture_on_commit_callbacks
):
    """Cached rows are keyed on what they show: erasing the officer changes the key, so the copy
    cached before is never served again and is gone after `registration_rows.CACHE_SECONDS`."""
    url = reverse("registration:workshop_registrations", args=[reg.workshop.pk])
    client = client_for(coordinator)
    assert NAME in client.get(url).content.decode()
    # The test's local-memory cache: pickled values and their expiry times.
    assert any(person.email.encode() in value for value in cache._cache.values())

    with django_capture_on_commit_callbacks(execute=True):
        _erase(person)

    assert_forgotten(client.get(url).content.decode(), _identity(person))
    bound = time.time() + registration_rows.CACHE_SECONDS
    for key, value in cache._cache.items():
        if cache._expire_info[key] is None or cache._expire_info[key] > bound:
            assert_forgotten(pickle.loads(value).__str__(), _identity(person))


# --- the nightly purge of unconfirmed sign-ups ---------------------------------------------


def test_purged_sign_up_leaves_no_copy(agency, program_admin):
    stale = OfficerFactory(
        agency=agency,
        status=User.Status.UNCONFIRMED,
        vetted_at=None,
        full_name=NAME,
        rank=RANK,
        unit=UNIT,
    )
    User.objects.filter(pk=stale.pk).update(date_joined=timezone.now() - dt.timedelta(days=20))
    identity = _identity(stale)
    signing_up = SessionStore()
    signing_up["account_login"] = {"user_pk": str(stale.pk), "email": stale.email}
    signing_up.create()
    about = record_audit(
        actor=program_admin, action="vetting.note", summary=f"Note on {NAME}", target=stale
    )
    by = record_audit(actor=stale, action="privacy.export", summary="Export", target=stale)
    logged = LogEntry.objects.create(
        user=program_admin,
        content_type=ContentType.objects.get_for_model(stale),
        object_id=str(stale.pk),
        object_repr=str(stale),
        action_flag=CHANGE,
        change_message="[]",
    )
    download = MaterialDownload.objects.create(
        material=MaterialFactory(), user=stale, ip_address=IP
    )

    assert purge_unconfirmed_accounts() == 1

    assert not Session.objects.filter(pk=signing_up.session_key).exists()
    for entry in AuditEntry.objects.filter(pk__in=[about.pk, by.pk]):
        assert_forgotten(entry.actor_label + entry.summary + json.dumps(entry.data), identity)
    assert_forgotten(LogEntry.objects.get(pk=logged.pk).object_repr, identity)
    download.refresh_from_db()
    assert download.ip_address is None


def test_erasure_keeps_statistics_rows(person, reg):
    _erase(person)
    assert Registration.objects.filter(pk=reg.pk, officer=person).exists()


def test_the_vetted_name_and_the_names_decisions_vetted_are_erased(person, coordinator):
    User.objects.filter(pk=person.pk).update(vetted_name=NAME, declined_name="Zelda Q. Director")
    decision = VettingDecision.objects.create(
        officer=person,
        decided_by=coordinator,
        action=VettingDecision.Action.NAME_APPROVED,
        name=NAME,
    )
    _erase(User.objects.get(pk=person.pk))
    person.refresh_from_db()
    decision.refresh_from_db()
    assert (person.vetted_name, person.declined_name, decision.name) == ("", "", "")
