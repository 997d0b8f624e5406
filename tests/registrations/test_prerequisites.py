"""Prerequisite modules enforced when a registration is requested, and the coordinators'
recorded waiver."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attendance.models import Certificate
from audit.models import AuditEntry
from credentials.prerequisites import missing_prerequisites
from outbox.models import Mail
from registrations import services
from registrations.models import PrerequisiteWaiver, Registration
from registrations.services import RegistrationError
from tests.factories import (
    CoordinatorFactory,
    ModuleFactory,
    OfficerFactory,
    RegistrationFactory,
    TrackFactory,
    TrainerFactory,
    WorkshopFactory,
    publish_directly,
)
from workshops.models import Module, WorkshopModule

pytestmark = pytest.mark.django_db
State = Registration.State


@pytest.fixture
def track():
    return TrackFactory(name="Blockchain forensics", slug="forensics")


def _module(track, title: str, *, requires=()) -> Module:
    module = ModuleFactory(title=title, track=track)
    publish_directly(module, prerequisite_ids=[m.pk for m in requires])
    return module


@pytest.fixture
def basics(track):
    return _module(track, "UTXO basics")


@pytest.fixture
def keys(track):
    return _module(track, "Keys and wallets")


@pytest.fixture
def advanced(track, basics, keys):
    return _module(track, "Advanced tracing", requires=[basics, keys])


def _teach(workshop, *modules):
    for position, module in enumerate(modules):
        WorkshopModule.objects.create(
            workshop=workshop, revision=module.published_revision, position=position
        )
    return workshop


@pytest.fixture
def workshop(region, advanced):
    return _teach(WorkshopFactory(title="Advanced workshop", region=region), advanced)


def _completed(officer, *modules, revoked=False):
    """A past workshop teaching `modules` and the officer's certificate of it."""
    past = WorkshopFactory(
        sessions=[(timezone.now() - dt.timedelta(days=9), timezone.now() - dt.timedelta(days=8))],
    )
    _teach(past, *modules)
    registration = RegistrationFactory(workshop=past, officer=officer)
    return Certificate.objects.create(
        holder=officer,
        registration=registration,
        revoked_at=timezone.now() if revoked else None,
    )


def _register(workshop, officer):
    return services.register(workshop_id=workshop.pk, officer=officer)


# --- the rule -------------------------------------------------------------------------------


def test_registration_is_refused_naming_the_modules_missing(workshop, officer, basics):
    _completed(officer, basics)
    with pytest.raises(RegistrationError) as refused:
        _register(workshop, officer)
    assert refused.value.message == (
        "This workshop requires modules you have not completed yet: “Keys and wallets”. If you "
        "have equivalent training, ask the program coordinators to waive the requirement."
    )
    assert not Registration.objects.filter(workshop=workshop).exists()


def test_every_missing_module_is_named(workshop, officer):
    with pytest.raises(RegistrationError) as refused:
        _register(workshop, officer)
    assert "“Keys and wallets”, “UTXO basics”." in refused.value.message


def test_registration_passes_once_the_modules_are_completed(workshop, officer, basics, keys):
    _completed(officer, basics)
    _completed(officer, keys)
    assert _register(workshop, officer).state == State.CONFIRMED


def test_a_revoked_certificate_completes_nothing(workshop, officer, basics, keys):
    _completed(officer, basics, keys, revoked=True)
    with pytest.raises(RegistrationError, match="UTXO basics"):
        _register(workshop, officer)


def test_modules_taught_in_the_same_workshop_are_not_required(region, officer, advanced, basics):
    workshop = _teach(WorkshopFactory(region=region), basics, advanced)
    with pytest.raises(RegistrationError) as refused:
        _register(workshop, officer)
    assert "UTXO basics" not in refused.value.message
    assert "Keys and wallets" in refused.value.message
    _completed(officer, Module.objects.get(title="Keys and wallets"))
    assert _register(workshop, officer).state == State.CONFIRMED


def test_prerequisites_are_those_frozen_at_publish(workshop, officer, advanced, track):
    # A prerequisite added to the working copy after publishing binds only the next revision.
    advanced.prerequisites.add(_module(track, "Later addition"))
    with pytest.raises(RegistrationError) as refused:
        _register(workshop, officer)
    assert "Later addition" not in refused.value.message


def test_a_workshop_without_prerequisites_costs_one_query(
    region, officer, basics, django_assert_max_num_queries
):
    plain = _teach(WorkshopFactory(region=region), basics)
    with django_assert_max_num_queries(1):
        assert missing_prerequisites(officer=officer, workshop=plain) == []
    assert _register(plain, officer).state == State.CONFIRMED


# --- the waiver -----------------------------------------------------------------------------


def _waive(workshop, officer, by, reason="Trained by Europol in 2023"):
    return services.grant_prerequisite_waiver(
        workshop_id=workshop.pk, officer_email=officer.email, by=by, reason=reason
    )


def test_a_waiver_lets_the_officer_through_and_is_audited(workshop, officer, coordinator):
    waiver = _waive(workshop, officer, coordinator)
    assert (waiver.officer, waiver.granted_by) == (officer, coordinator)
    entry = AuditEntry.objects.get(action="registration.prerequisites_waived")
    assert entry.actor == coordinator
    assert entry.data["reason"] == "Trained by Europol in 2023"
    assert entry.target_id == str(waiver.pk)
    assert _register(workshop, officer).state == State.CONFIRMED


def test_a_waiver_is_granted_once(workshop, officer, coordinator, program_admin):
    first = _waive(workshop, officer, coordinator)
    again = _waive(workshop, officer, program_admin, reason="Other reason")
    assert again.pk == first.pk and again.reason == "Trained by Europol in 2023"
    assert PrerequisiteWaiver.objects.count() == 1
    assert AuditEntry.objects.filter(action="registration.prerequisites_waived").count() == 1


def test_a_waiver_is_for_one_workshop(region, workshop, officer, coordinator, advanced):
    _waive(workshop, officer, coordinator)
    other = _teach(WorkshopFactory(region=region), advanced)
    with pytest.raises(RegistrationError, match="UTXO basics"):
        _register(other, officer)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_waiver_needs_a_reason(workshop, officer, coordinator, reason):
    with pytest.raises(RegistrationError, match="Give a reason"):
        _waive(workshop, officer, coordinator, reason=reason)
    assert not PrerequisiteWaiver.objects.exists()


def test_a_waiver_is_for_a_verified_officer(workshop, pending_officer, trainer, coordinator):
    for someone in (pending_officer, trainer):
        with pytest.raises(RegistrationError, match="No verified officer"):
            _waive(workshop, someone, coordinator)
    with pytest.raises(RegistrationError, match="No verified officer"):
        services.grant_prerequisite_waiver(
            workshop_id=workshop.pk, officer_email="nobody@x.org", by=coordinator, reason="x"
        )
    assert not PrerequisiteWaiver.objects.exists()


def test_only_coordinators_of_the_region_grant_waivers(
    workshop, officer, other_coordinator, trainer, focal_point
):
    for someone in (other_coordinator, trainer, focal_point):
        with pytest.raises(RegistrationError, match="You cannot manage this workshop"):
            _waive(workshop, officer, someone)
    assert not PrerequisiteWaiver.objects.exists()


def test_a_coordinator_does_not_waive_for_themself(workshop, region, agency):
    both = CoordinatorFactory(
        regions=[region], agency=agency, email="both@agencya.gov", vetted_name="Both"
    )
    with pytest.raises(RegistrationError, match="another coordinator"):
        _waive(workshop, both, both)


def test_a_revoked_waiver_applies_the_prerequisites_again(workshop, officer, coordinator):
    waiver = _waive(workshop, officer, coordinator)
    services.revoke_prerequisite_waiver(waiver_id=waiver.pk, by=coordinator)
    assert not PrerequisiteWaiver.objects.exists()
    assert AuditEntry.objects.filter(action="registration.prerequisite_waiver_revoked").exists()
    with pytest.raises(RegistrationError, match="UTXO basics"):
        _register(workshop, officer)


def test_only_coordinators_of_the_region_revoke_waivers(
    workshop, officer, coordinator, other_coordinator
):
    waiver = _waive(workshop, officer, coordinator)
    with pytest.raises(RegistrationError):
        services.revoke_prerequisite_waiver(waiver_id=waiver.pk, by=other_coordinator)
    assert PrerequisiteWaiver.objects.filter(pk=waiver.pk).exists()


# --- every way to a registration ------------------------------------------------------------


def test_a_nomination_skips_officers_missing_prerequisites_by_name(
    workshop, agency, focal_point, basics, keys
):
    ready = OfficerFactory(agency=agency, full_name="Ready Rita")
    _completed(ready, basics, keys)
    missing = OfficerFactory(agency=agency, full_name="Missing Max")
    result = services.nominate(
        workshop_id=workshop.pk, officer_ids=[ready.pk, missing.pk], by=focal_point
    )
    assert [r.officer for r in result.done] == [ready]
    assert result.skipped == [
        "Missing Max has not completed modules this workshop requires: “Keys and wallets”, "
        "“UTXO basics”. If they have equivalent training, a coordinator of the workshop's "
        "region can waive the requirement."
    ]
    assert not Registration.objects.filter(officer=missing).exists()


def test_accepting_a_nomination_is_refused_without_the_prerequisites(
    workshop, officer, focal_point
):
    offered = RegistrationFactory(
        workshop=workshop,
        officer=officer,
        state=State.OFFERED,
        confirmed_at=None,
        nominated_by=focal_point,
        nominated_at=timezone.now(),
    )
    with pytest.raises(RegistrationError, match="you have not completed"):
        services.accept_nomination(registration_id=offered.pk, officer=officer)
    offered.refresh_from_db()
    assert offered.state == State.OFFERED


@pytest.fixture
def running(region, advanced, trainer):
    now = timezone.now().replace(microsecond=0)
    workshop = WorkshopFactory(
        region=region,
        trainers=[trainer],
        sessions=[(now - dt.timedelta(minutes=10), now + dt.timedelta(hours=3))],
    )
    return _teach(workshop, advanced)


def test_a_walk_in_is_refused_without_the_prerequisites(running, officer, trainer):
    with pytest.raises(RegistrationError) as refused:
        services.admit_walk_in(
            workshop_id=running.pk, email=officer.email, by=trainer, reason="Turned up"
        )
    assert refused.value.message.startswith(
        "Officer Alice has not completed modules this workshop requires:"
    )
    assert not Registration.objects.filter(workshop=running).exists()


def test_a_walk_in_with_a_waiver_is_admitted(running, officer, trainer, coordinator):
    _waive(running, officer, coordinator)
    admitted = services.admit_walk_in(
        workshop_id=running.pk, email=officer.email, by=trainer, reason="Turned up"
    )
    assert admitted.registration.state == State.CONFIRMED


def test_an_approval_is_not_checked_again(region, advanced, officer, coordinator):
    """The check ran when the registration was requested (the waiver then let it through)."""
    workshop = _teach(WorkshopFactory(region=region, requires_approval=True), advanced)
    waiver = _waive(workshop, officer, coordinator)
    registration = _register(workshop, officer)
    assert registration.state == State.PENDING
    services.revoke_prerequisite_waiver(waiver_id=waiver.pk, by=coordinator)
    services.approve_registration(registration_id=registration.pk, by=coordinator)
    registration.refresh_from_db()
    assert registration.state == State.CONFIRMED


def test_a_waitlist_promotion_is_not_checked_again(region, advanced, officer, coordinator, agency):
    workshop = _teach(WorkshopFactory(region=region, capacity=1), advanced)
    seated = RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))
    waiver = _waive(workshop, officer, coordinator)
    assert _register(workshop, officer).state == State.WAITLISTED
    services.revoke_prerequisite_waiver(waiver_id=waiver.pk, by=coordinator)
    services.remove_registration(registration_id=seated.pk, by=coordinator, reason="Left")
    assert Registration.objects.get(workshop=workshop, officer=officer).state == State.CONFIRMED


# --- pages ----------------------------------------------------------------------------------


def test_the_officer_reads_the_refusal_on_registering(client_for, workshop, officer):
    response = client_for(officer).post(
        reverse("registration:register", args=[workshop.pk]), follow=True
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "requires modules you have not completed yet" in text
    assert "“Keys and wallets”, “UTXO basics”" in text


def test_the_workshop_page_lists_the_prerequisites(client_for, workshop, officer, basics):
    body = client_for(officer).get(reverse("workshops:workshop_detail", args=[workshop.pk]))
    text = body.content.decode()
    assert 'id="h-prerequisites"' in text
    assert "Keys and wallets" in text and "UTXO basics" in text
    assert reverse("workshops:library_module", args=[basics.slug]) in text


def test_a_workshop_page_without_prerequisites_says_nothing_of_them(
    client_for, region, officer, basics
):
    plain = _teach(WorkshopFactory(region=region), basics)
    text = client_for(officer).get(reverse("workshops:workshop_detail", args=[plain.pk]))
    assert 'id="h-prerequisites"' not in text.content.decode()


def test_the_publish_preview_lists_the_prerequisites(client_for, workshop, coordinator):
    text = client_for(coordinator).get(reverse("workshops:workshop_publish", args=[workshop.pk]))
    assert "UTXO basics" in text.content.decode()


def _page(client, workshop):
    return client.get(reverse("registration:workshop_registrations", args=[workshop.pk]))


def test_coordinators_see_prerequisites_and_waivers(client_for, workshop, officer, coordinator):
    _waive(workshop, officer, coordinator)
    response = _page(client_for(coordinator), workshop)
    text = response.content.decode()
    assert 'id="h-prerequisites"' in text
    assert "UTXO basics" in text and "Keys and wallets" in text
    assert officer.email in text and "Trained by Europol in 2023" in text
    assert "Coordinator Cara" in text
    assert reverse("registration:prerequisite_waiver", args=[workshop.pk]) in text


def test_no_prerequisites_section_for_a_workshop_without_them(
    client_for, region, coordinator, basics
):
    plain = _teach(WorkshopFactory(region=region), basics)
    assert 'id="h-prerequisites"' not in _page(client_for(coordinator), plain).content.decode()


def test_coordinator_grants_a_waiver_from_the_page(client_for, workshop, officer, coordinator):
    response = client_for(coordinator).post(
        reverse("registration:prerequisite_waiver", args=[workshop.pk]),
        {"email": officer.email.upper(), "reason": "Equivalent course"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#h-prerequisites")
    assert PrerequisiteWaiver.objects.get().officer == officer


@pytest.mark.parametrize(
    "data, error",
    [
        ({"email": "", "reason": "x"}, "This field is required."),
        ({"email": "not-an-address", "reason": "x"}, "Enter a valid email address."),
        ({"email": "nobody@nowhere.org", "reason": "x"}, "No verified officer"),
        ({"email": "OFFICER", "reason": ""}, "This field is required."),
    ],
)
def test_a_bad_waiver_form_is_a_400_with_its_reason(
    client_for, workshop, officer, coordinator, data, error
):
    data = {**data, "email": officer.email if data["email"] == "OFFICER" else data["email"]}
    response = client_for(coordinator).post(
        reverse("registration:prerequisite_waiver", args=[workshop.pk]), data
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not PrerequisiteWaiver.objects.exists()


def test_other_roles_cannot_grant_waivers(
    client_for, workshop, officer, other_coordinator, trainer, focal_point
):
    url = reverse("registration:prerequisite_waiver", args=[workshop.pk])
    data = {"email": officer.email, "reason": "Please"}
    assert client_for(other_coordinator).post(url, data).status_code == 404
    for someone in (trainer, focal_point, officer, TrainerFactory()):
        assert client_for(someone).post(url, data).status_code == 403
    assert not PrerequisiteWaiver.objects.exists()


def test_coordinator_revokes_a_waiver_from_the_page(
    client_for, workshop, officer, coordinator, other_coordinator
):
    waiver = _waive(workshop, officer, coordinator)
    url = reverse("registration:prerequisite_waiver_revoke", args=[waiver.pk])
    assert client_for(other_coordinator).post(url).status_code == 404
    assert PrerequisiteWaiver.objects.exists()
    response = client_for(coordinator).post(url)
    assert response.status_code == 302
    assert not PrerequisiteWaiver.objects.exists()


# --- registrations lacking prerequisites, flagged for the coordinator -----------------------


def _badges(text: str) -> int:
    return text.count("Lacks prerequisites")


def test_the_registrations_page_flags_officers_lacking_prerequisites(
    client_for, workshop, agency, coordinator, basics, keys
):
    # Rows written before the rule (or by hand) are not refused again: they are flagged.
    RegistrationFactory(
        workshop=workshop, officer=OfficerFactory(agency=agency, full_name="Lacking Lou")
    )
    partly = RegistrationFactory(
        workshop=workshop, officer=OfficerFactory(agency=agency, full_name="Partly Pat")
    )
    _completed(partly.officer, basics)
    ready = RegistrationFactory(
        workshop=workshop, officer=OfficerFactory(agency=agency, full_name="Ready Rita")
    )
    _completed(ready.officer, basics, keys)
    waived = RegistrationFactory(
        workshop=workshop, officer=OfficerFactory(agency=agency, full_name="Waived Will")
    )
    _waive(workshop, waived.officer, coordinator)
    text = _page(client_for(coordinator), workshop).content.decode()
    assert _badges(text) == 2
    rows = {name: text.split(name, 1)[1].split("</tr>", 1)[0] for name in (
        "Lacking Lou", "Partly Pat", "Ready Rita", "Waived Will"
    )}  # fmt: skip
    assert 'title="Modules not completed: Keys and wallets, UTXO basics"' in rows["Lacking Lou"]
    assert (
        '<span class="visually-hidden">: Keys and wallets, UTXO basics</span>'
        in (rows["Lacking Lou"])
    )
    assert 'title="Modules not completed: Keys and wallets"' in rows["Partly Pat"]
    assert "Lacks prerequisites" not in rows["Ready Rita"]
    assert "Lacks prerequisites" not in rows["Waived Will"]


def test_the_flag_goes_once_the_modules_are_completed(
    client_for, workshop, agency, coordinator, basics, keys
):
    """The rows are cached under what they show: the flag is part of it."""
    registration = RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))
    client = client_for(coordinator)
    assert _badges(_page(client, workshop).content.decode()) == 1
    _completed(registration.officer, basics, keys)
    assert _badges(_page(client, workshop).content.decode()) == 0


def test_a_revoked_certificate_leaves_the_flag(client_for, workshop, agency, coordinator, basics):
    registration = RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))
    _completed(registration.officer, basics, revoked=True)
    text = _page(client_for(coordinator), workshop).content.decode()
    assert 'title="Modules not completed: Keys and wallets, UTXO basics"' in text


def test_no_flag_for_a_workshop_without_prerequisites(client_for, region, agency, coordinator):
    plain = WorkshopFactory(region=region)
    RegistrationFactory(workshop=plain, officer=OfficerFactory(agency=agency))
    assert _badges(_page(client_for(coordinator), plain).content.decode()) == 0


def test_the_flags_are_read_in_two_queries_whatever_the_officers(
    workshop, agency, coordinator, basics, django_assert_num_queries
):
    officers = [OfficerFactory(agency=agency) for _ in range(5)]
    _completed(officers[0], basics)
    _waive(workshop, officers[1], coordinator)
    required = list(Module.objects.required_for(workshop.pk).select_related("published_revision"))
    with django_assert_num_queries(2):
        gaps = services.lacking_prerequisites(
            workshop=workshop, officer_ids=[o.pk for o in officers], required=required
        )
    assert gaps[officers[0].pk] == ["Keys and wallets"]
    assert officers[1].pk not in gaps
    assert set(gaps) == {o.pk for o in officers} - {officers[1].pk}


def test_the_flagged_registrations_page_costs_the_same_for_1_or_20_rows(
    client_for, workshop, agency, coordinator, basics, django_assert_max_num_queries
):
    # A workshop without prerequisites keeps its bound (15, tests/registrations/test_views.py);
    # the prerequisites section reads three more (the revisions, the modules, the waivers) and
    # the flags two (the completions, the waivers of the officers listed): 20.
    def add(count):
        for index in range(count):
            registration = RegistrationFactory(
                workshop=workshop, officer=OfficerFactory(agency=agency)
            )
            if index % 2:
                _completed(registration.officer, basics)

    add(1)
    _waive(workshop, OfficerFactory(agency=agency), coordinator)
    client = client_for(coordinator)
    with django_assert_max_num_queries(20) as one:
        response = _page(client, workshop)
    assert _badges(response.content.decode()) == 1
    add(19)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = _page(client, workshop)
    assert _badges(response.content.decode()) == 20


# --- a waiver nobody needs, and the officer's mail ------------------------------------------


def test_a_waiver_is_refused_to_an_officer_who_lacks_no_prerequisite(
    workshop, officer, coordinator, basics, keys
):
    _completed(officer, basics, keys)
    with pytest.raises(RegistrationError) as refused:
        _waive(workshop, officer, coordinator)
    assert refused.value.message == (
        "This officer has already completed every prerequisite: no waiver is needed."
    )
    assert not PrerequisiteWaiver.objects.exists()
    assert not AuditEntry.objects.filter(action="registration.prerequisites_waived").exists()
    assert not Mail.objects.exists()


def test_a_waiver_is_granted_to_an_officer_who_lacks_one_module(
    workshop, officer, coordinator, basics
):
    _completed(officer, basics)
    assert _waive(workshop, officer, coordinator).officer == officer


def test_the_page_says_why_a_waiver_is_not_needed(
    client_for, workshop, officer, coordinator, basics, keys
):
    _completed(officer, basics, keys)
    response = client_for(coordinator).post(
        reverse("registration:prerequisite_waiver", args=[workshop.pk]),
        {"email": officer.email, "reason": "Just in case"},
    )
    assert response.status_code == 400
    assert "has already completed every prerequisite: no waiver is needed." in (
        response.content.decode()
    )
    assert not PrerequisiteWaiver.objects.exists()


def test_the_officer_is_mailed_when_a_waiver_is_granted(
    workshop, officer, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _waive(workshop, officer, coordinator)
    row = Mail.objects.get(kind="prerequisite_waiver")
    assert (row.to, row.recipient, row.workshop) == (officer.email, officer, workshop)
    (sent,) = mail.outbox
    assert sent.to == [officer.email]
    assert sent.subject == "You may register for Advanced workshop"
    url = reverse("workshops:workshop_detail", args=[workshop.pk])
    assert url in sent.body and url in sent.alternatives[0][0]
    assert "You may now register for “Advanced workshop”." in sent.body
    assert "Trained by Europol" not in sent.body  # the reason is kept for staff


def test_the_waiver_mail_is_in_the_officers_language(
    workshop, officer, coordinator, django_capture_on_commit_callbacks
):
    officer.language = "fr"
    officer.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        _waive(workshop, officer, coordinator)
    (sent,) = mail.outbox
    assert "Bonjour Officer Alice," in sent.body
    assert "Ouvrir l'atelier" in sent.alternatives[0][0]


def test_a_waiver_granted_again_mails_nobody(
    workshop, officer, coordinator, program_admin, django_capture_on_commit_callbacks
):
    _waive(workshop, officer, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _waive(workshop, officer, program_admin)
    assert Mail.objects.filter(kind="prerequisite_waiver").count() == 1
