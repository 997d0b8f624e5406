"""The name on certificates is one the vetting saw; the display name is the officer's own."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse

from attendees import services
from attendees.models import Agency, User, VettingDecision
from audit.models import AuditEntry
from tests.factories import CoordinatorFactory, OfficerFactory
from trainingsite.errors import ServiceError

pytestmark = pytest.mark.django_db

PROFILE = {"rank": "Inspector", "unit": "", "time_zone": "UTC", "language": "en"}


def _rename(officer, name):
    """What the profile page does: the display name changes, nothing else."""
    services.update_profile(user=User.objects.get(pk=officer.pk), full_name=name, **PROFILE)
    officer.refresh_from_db()
    return officer


@pytest.fixture
def renamed(officer):
    """Officer Alice, vetted under that name, now calls herself a Director General."""
    return _rename(officer, "Director General Alice")


# --- vetting grants access: the name it saw is vetted ----------------------------------------


def test_auto_verification_vets_the_name_given_at_signup(agency):
    agency.vetting_mode = Agency.VettingMode.AUTO
    agency.save()
    user = OfficerFactory(
        agency=agency, full_name="Signed Up", status=User.Status.UNCONFIRMED, vetted_at=None
    )
    services.confirm_officer_email(user_id=user.pk, email=user.email)
    user.refresh_from_db()
    assert (user.status, user.vetted_name) == (User.Status.VERIFIED, "Signed Up")
    assert user.vetting_decisions.get().name == "Signed Up"


def test_review_without_decision_vets_no_name(pending_officer):
    assert pending_officer.vetted_name == ""
    # Never the e-mail address, nor the display name nobody vetted.
    assert pending_officer.name_of_record == "Name not vetted"


def test_approval_vets_the_name_the_focal_point_saw(client_for, focal_point, pending_officer):
    response = client_for(focal_point).post(
        reverse("vetting_decide", args=[pending_officer.pk]),
        {"action": "approve", "name": pending_officer.full_name, "next": "my_agency"},
    )
    assert response.status_code == 302
    pending_officer.refresh_from_db()
    assert pending_officer.vetted_name == pending_officer.full_name
    decision = pending_officer.vetting_decisions.get(action=VettingDecision.Action.APPROVED)
    assert decision.name == pending_officer.full_name


def test_approval_refuses_a_name_changed_since_the_page_was_shown(
    client_for, coordinator, pending_officer
):
    shown = pending_officer.full_name
    _rename(pending_officer, "Director General Pending")
    response = client_for(coordinator).post(
        reverse("vetting_decide", args=[pending_officer.pk]), {"action": "approve", "name": shown}
    )
    assert response.status_code == 400
    assert "changed their name" in response.content.decode()
    pending_officer.refresh_from_db()
    assert (pending_officer.status, pending_officer.vetted_name) == (User.Status.PENDING, "")


def test_reinstatement_vets_the_name_the_coordinator_saw(client_for, coordinator, officer):
    services.suspend_officer(officer_id=officer.pk, by=coordinator, reason="Audit")
    _rename(officer, "Alice Tan")
    client_for(coordinator).post(
        reverse("vetting_decide", args=[officer.pk]), {"action": "reinstate", "name": "Alice Tan"}
    )
    officer.refresh_from_db()
    assert (officer.status, officer.vetted_name) == (User.Status.VERIFIED, "Alice Tan")


def test_data_migration_vets_current_names_of_verified_officers_only(
    officer, pending_officer, trainer
):
    User.objects.update(vetted_name="")
    migration = importlib.import_module("attendees.migrations.0006_vetted_name_from_full_name")
    migration.vet_current_names(apps, None)
    names = dict(User.objects.values_list("pk", "vetted_name"))
    assert names[officer.pk] == "Officer Alice"
    assert names[pending_officer.pk] == "" and names[trainer.pk] == ""


# --- the officer's side: the profile ---------------------------------------------------------


def test_profile_change_keeps_the_vetted_name_and_says_it_waits(client_for, officer):
    client = client_for(officer)
    response = client.post(reverse("profile"), {**PROFILE, "full_name": "Director General X"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.full_name, officer.vetted_name) == ("Director General X", "Officer Alice")
    body = client.get(reverse("profile")).content.decode()
    assert "carry <strong>Officer Alice</strong>" in body
    assert "waits for a decision" in body


def test_profile_with_vetted_name_says_nothing_waits(client_for, officer):
    body = client_for(officer).get(reverse("profile")).content.decode()
    assert "waits for a decision" not in body
    assert "Name on certificates" in body


# --- the deciders' side: listing and deciding ------------------------------------------------


def test_name_change_is_listed_for_its_focal_point_and_region_coordinator_only(
    client_for, renamed, focal_point, coordinator, other_coordinator
):
    url = reverse("vetting_detail", args=[renamed.pk])
    assert url in client_for(focal_point).get(reverse("my_agency")).content.decode()
    assert url in client_for(coordinator).get(reverse("vetting_queue")).content.decode()
    body = client_for(other_coordinator).get(reverse("vetting_queue")).content.decode()
    assert "Director General Alice" not in body
    assert client_for(other_coordinator).get(url).status_code == 404


def test_name_change_is_not_listed_once_the_name_is_back(client_for, renamed, coordinator):
    _rename(renamed, "Officer Alice")
    body = client_for(coordinator).get(reverse("vetting_queue")).content.decode()
    assert "Name change requests" not in body


def test_focal_point_accepts_a_name_change(
    client_for, renamed, focal_point, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(focal_point).post(
            reverse("vetting_name_decide", args=[renamed.pk]),
            {"action": "accept", "name": "Director General Alice", "next": "my_agency"},
        )
    assert response.status_code == 302 and response.url == reverse("my_agency")
    renamed.refresh_from_db()
    assert renamed.vetted_name == "Director General Alice"
    decision = renamed.vetting_decisions.get()
    assert (decision.action, decision.decided_by, decision.name) == (
        VettingDecision.Action.NAME_APPROVED,
        focal_point,
        "Director General Alice",
    )
    assert AuditEntry.objects.filter(action="vetting.name_approved", actor=focal_point).exists()
    assert [m.to for m in mail.outbox] == [[renamed.email]]
    assert "Director General Alice" in mail.outbox[0].body


def test_coordinator_declines_a_name_change_with_a_reason(
    client_for, renamed, coordinator, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    url = reverse("vetting_name_decide", args=[renamed.pk])
    response = client.post(url, {"action": "decline", "name": "Director General Alice"})
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"action": "decline", "name": "Director General Alice", "reason": "Not your title."},
        )
    assert response.status_code == 302
    renamed.refresh_from_db()
    assert (renamed.vetted_name, renamed.declined_name) == (
        "Officer Alice",
        "Director General Alice",
    )
    assert AuditEntry.objects.filter(action="vetting.name_declined", actor=coordinator).exists()
    [message] = mail.outbox
    assert message.to == [renamed.email] and "Not your title." in message.body
    assert "Name change requests" not in client.get(reverse("vetting_queue")).content.decode()
    profile = client_for(renamed).get(reverse("profile")).content.decode()
    assert "was declined" in profile and "Not your title." in profile


def test_accept_refuses_a_name_changed_since_the_page_was_shown(client_for, renamed, coordinator):
    _rename(renamed, "Commissioner Alice")
    response = client_for(coordinator).post(
        reverse("vetting_name_decide", args=[renamed.pk]),
        {"action": "accept", "name": "Director General Alice"},
    )
    assert response.status_code == 400
    renamed.refresh_from_db()
    assert renamed.vetted_name == "Officer Alice"


def test_focal_point_cannot_vet_their_own_name(client_for, focal_point):
    _rename(focal_point, "Director General Focal")
    response = client_for(focal_point).post(
        reverse("vetting_name_decide", args=[focal_point.pk]),
        {"action": "accept", "name": "Director General Focal"},
    )
    assert response.status_code == 404
    focal_point.refresh_from_db()
    assert focal_point.vetted_name == "Focal Point"


def test_deciding_without_a_pending_change_is_refused(officer, coordinator):
    with pytest.raises(ServiceError):
        services.accept_name_change(officer_id=officer.pk, by=coordinator, name="Officer Alice")


def test_coordinator_of_another_region_cannot_decide(renamed, other_region):
    outsider = CoordinatorFactory(regions=[other_region])
    with pytest.raises(ServiceError):
        services.accept_name_change(
            officer_id=renamed.pk, by=outsider, name="Director General Alice"
        )
    renamed.refresh_from_db()
    assert renamed.vetted_name == "Officer Alice"
