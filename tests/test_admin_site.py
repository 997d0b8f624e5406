"""Django's admin as the site configures it (trainingsite/admin_site.py, attendees/admin.py)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.urls import reverse

from attendance.models import (
    AttendanceChange,
    Certificate,
    ClosureEvent,
    Completion,
    WorkshopClosure,
)
from attendees.models import Agency, Region, User
from audit.models import AuditEntry
from registrations.models import Registration
from tests.factories import (
    ModuleFactory,
    RegionFactory,
    RegistrationFactory,
    StaffFactory,
    TrackFactory,
    WorkshopFactory,
)
from tests.signin import sign_in
from workshops.models import Module, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    sign_in(client, StaffFactory(is_staff=True, is_superuser=True))
    return client


def test_the_site_is_ours():
    from trainingsite.admin_site import AdminSite

    assert isinstance(admin.site, AdminSite)


def test_admin_pages_are_headed_by_the_program(superuser_client, settings):
    body = superuser_client.get(reverse("admin:index")).content.decode()
    assert settings.PROGRAM_NAME in body
    assert "Django administration" not in body


def test_a_nul_character_is_refused_not_sent_to_the_database(superuser_client):
    url = reverse("admin:invites_invitedelivery_changelist")
    response = superuser_client.get(url, {"method__exact": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert superuser_client.get(url, {"method__exact": "REQUEST"}).status_code == 200


def test_an_action_on_ids_that_are_not_ids_is_refused(superuser_client):
    region = RegionFactory()
    url = reverse("admin:attendees_region_changelist")
    for bogus in ["", "x", "1.5"]:
        response = superuser_client.post(
            url, {"action": "delete_selected", "_selected_action": [str(region.pk), bogus]}
        )
        assert response.status_code == 400, bogus
    assert Region.objects.filter(pk=region.pk).exists()
    # Real ids reach Django's confirmation page.
    response = superuser_client.post(
        url, {"action": "delete_selected", "_selected_action": [str(region.pk)]}
    )
    assert response.status_code == 200 and "Are you sure" in response.content.decode()


def _with_recovery_codes(user):
    # What enrolling on the site adds beside the TOTP authenticator (its content is allauth's).
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={})
    return user


def test_authenticators_are_listed_without_their_secrets_and_cannot_be_edited(
    superuser_client,
):
    staff = _with_recovery_codes(StaffFactory())  # TOTP enrolled
    authenticator = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
    secret = authenticator.data["secret"]
    change = reverse("admin:mfa_authenticator_change", args=[authenticator.pk])
    page = superuser_client.get(change)
    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert superuser_client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    posted = superuser_client.post(change, {"type": "webauthn", "data": "{}"})
    assert posted.status_code == 403
    authenticator.refresh_from_db()
    assert authenticator.type == Authenticator.Type.TOTP
    # Deleting one (a lost phone) stays possible.
    delete = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 302
    # Its recovery codes go with it: they alone would still ask for a second factor.
    assert not Authenticator.objects.filter(user=staff).exists()


def test_deleting_one_of_two_authenticators_keeps_the_recovery_codes(superuser_client):
    staff = _with_recovery_codes(StaffFactory())
    totp = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.WEBAUTHN, data={})
    changelist = reverse("admin:mfa_authenticator_changelist")
    response = superuser_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [str(totp.pk)], "post": "yes"},
    )
    assert response.status_code == 302
    left = set(Authenticator.objects.filter(user=staff).values_list("type", flat=True))
    assert left == {Authenticator.Type.WEBAUTHN, Authenticator.Type.RECOVERY_CODES}


def test_certificates_are_not_added_or_deleted_by_hand(superuser_client):
    assert superuser_client.get(reverse("admin:attendance_certificate_add")).status_code == 403
    response = superuser_client.post(reverse("admin:attendance_certificate_add"), {"_save": ""})
    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in_whatever_they_send(client):
    url = reverse("admin:invites_invitedelivery_changelist")
    response = client.get(url, {"method__exact": "a\x00b"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_vetting_decisions_are_not_written_by_hand(superuser_client):
    assert superuser_client.get(reverse("admin:attendees_vettingdecision_add")).status_code == 403
    changelist = superuser_client.get(reverse("admin:attendees_vettingdecision_changelist"))
    assert changelist.status_code == 200


# --- state the services own is shown in the admin, not typed into it ------------------------


def _change(model, pk):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def _add(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def _delete(model, pk):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[pk])


def test_workshops_are_not_published_cancelled_edited_or_deleted_in_the_admin(
    superuser_client, region, officer
):
    workshop = WorkshopFactory(region=region, capacity=5)
    reg = RegistrationFactory(workshop=workshop, officer=officer)
    assert superuser_client.get(_change(Workshop, workshop.pk)).status_code == 200  # view
    posted = superuser_client.post(
        _change(Workshop, workshop.pk), {"status": "cancelled", "capacity": "0"}
    )
    assert posted.status_code == 403
    assert superuser_client.get(_add(Workshop)).status_code == 403
    assert superuser_client.post(_delete(Workshop, workshop.pk), {"post": "yes"}).status_code == 403
    workshop.refresh_from_db()
    reg.refresh_from_db()
    assert (workshop.status, workshop.capacity) == (Workshop.Status.PUBLISHED, 5)
    assert reg.state == Registration.State.CONFIRMED


def _user_form(user, **overrides) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "rank": user.rank,
        "unit": user.unit,
        "country": str(user.country),
        "time_zone": user.time_zone,
        "language": user.language,
        "is_active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_user_admin_leaves_vetting_email_and_agency_to_the_services(
    superuser_client, pending_officer, other_agency
):
    response = superuser_client.post(
        _change(User, pending_officer.pk),
        _user_form(
            pending_officer,
            email="someone@gmail.example.com",
            agency=str(other_agency.pk),
            status="verified",
            vetted_at_0="2030-01-01",
            vetted_at_1="10:00:00",
            is_focal_point="on",
            is_active=None,  # unticked: an officer's access is not switched off here either
            is_trainer="on",  # roles stay editable
        ),
    )
    assert response.status_code == 302
    user = User.objects.get(pk=pending_officer.pk)
    assert user.email == pending_officer.email
    assert user.agency_id == pending_officer.agency_id
    assert user.status == User.Status.PENDING and user.vetted_at is None
    assert user.is_focal_point is False and user.is_active is True
    assert user.is_trainer is True


def test_a_staff_account_may_still_be_deactivated_in_the_admin(superuser_client):
    staff = StaffFactory()
    response = superuser_client.post(_change(User, staff.pk), _user_form(staff, is_active=None))
    assert response.status_code == 302
    assert User.objects.get(pk=staff.pk).is_active is False


def test_an_account_added_in_the_admin_is_verified_staff_and_audited(superuser_client):
    data = {
        "email": "new.trainer@training.example.org",
        "full_name": "New Trainer",
        "password1": "a-Long-pass-phrase-42",
        "password2": "a-Long-pass-phrase-42",
        "usable_password": "true",
    }
    assert superuser_client.post(_add(User), data).status_code == 302
    user = User.objects.get(email=data["email"])
    assert user.agency_id is None and user.status == User.Status.VERIFIED
    assert AuditEntry.objects.filter(action="user.staff_created", target_id=str(user.pk)).exists()


def test_an_agency_address_cannot_be_added_in_the_admin(superuser_client, agency):
    email = f"someone@{agency.domains.first().domain}"
    data = {
        "email": email,
        "full_name": "Not Staff",
        "password1": "a-Long-pass-phrase-42",
        "password2": "a-Long-pass-phrase-42",
        "usable_password": "true",
    }
    response = superuser_client.post(_add(User), data)
    assert response.status_code == 200
    assert "agency" in response.content.decode()
    assert not User.objects.filter(email=email).exists()


def test_agency_status_vetting_mode_and_domains_change_only_through_the_services(
    superuser_client, agency
):
    domain = agency.domains.get()
    data = {
        "name": agency.name,
        "country": str(agency.country),
        "region": str(agency.region_id),
        "vetting_mode": "auto",
        "is_active": "",
        "domains-TOTAL_FORMS": "2",
        "domains-INITIAL_FORMS": "1",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
        "domains-0-id": str(domain.pk),
        "domains-0-agency": str(agency.pk),
        "domains-0-domain": "gmail.com",
        "domains-0-DELETE": "on",
        "domains-1-agency": str(agency.pk),
        "domains-1-domain": "attacker.example",
    }
    superuser_client.post(_change(Agency, agency.pk), data)
    agency.refresh_from_db()
    assert agency.is_active is True
    assert agency.vetting_mode == Agency.VettingMode.REVIEW
    assert list(agency.domains.values_list("pk", "domain")) == [(domain.pk, domain.domain)]


def test_email_addresses_are_not_added_changed_or_verified_in_the_admin(superuser_client, officer):
    address = EmailAddress.objects.get(user=officer)
    EmailAddress.objects.filter(pk=address.pk).update(verified=False)
    changelist = reverse("admin:account_emailaddress_changelist")
    assert superuser_client.get(_add(EmailAddress)).status_code == 403
    posted = superuser_client.post(
        _change(EmailAddress, address.pk),
        {"user": str(officer.pk), "email": "taken.over@example.com", "verified": "on"},
    )
    assert posted.status_code == 403
    superuser_client.post(
        changelist, {"action": "make_verified", "_selected_action": [str(address.pk)]}
    )
    address.refresh_from_db()
    assert (address.email, address.verified) == (officer.email, False)


def test_a_certificate_revoked_in_the_admin_goes_through_the_service_for_good(
    superuser_client, officer, region
):
    from attendance.services.certificates import issue_certificate

    workshop = WorkshopFactory(region=region)
    certificate = issue_certificate(
        registration=RegistrationFactory(workshop=workshop, officer=officer), workshop=workshop
    )
    url = _change(Certificate, certificate.pk)
    assert superuser_client.post(url, {"revoke_reason": "Issued in error"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    entry = AuditEntry.objects.get(action="certificate.revoked")
    assert entry.target_id == str(certificate.pk) and entry.actor is not None
    # Not un-revoked by emptying the fields.
    superuser_client.post(url, {"revoke_reason": "", "revoked_at_0": "", "revoked_at_1": ""})
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revoke_reason == "Issued in error"


def test_closures_and_what_closing_wrote_are_not_edited_in_the_admin(
    superuser_client, region, officer
):
    workshop = WorkshopFactory(region=region)
    closure = WorkshopClosure.objects.create(workshop=workshop)
    url = _change(WorkshopClosure, closure.pk)
    posted = superuser_client.post(
        url,
        {
            "workshop": str(workshop.pk),
            "completion_threshold": "1",
            "checkin_opens_minutes": "30",
            "closed_at_0": "2030-01-01",
            "closed_at_1": "10:00:00",
        },
    )
    assert posted.status_code == 403
    closure.refresh_from_db()
    assert closure.closed_at is None and closure.completion_threshold == 75
    for model in (WorkshopClosure, Completion, ClosureEvent, AttendanceChange):
        assert superuser_client.get(_add(model)).status_code == 403, model


def test_modules_and_who_may_download_their_materials_are_not_edited_in_the_admin(
    superuser_client,
):
    module = ModuleFactory()
    assert superuser_client.get(_change(Module, module.pk)).status_code == 200
    posted = superuser_client.post(_change(Module, module.pk), {"title": "Renamed"})
    assert posted.status_code == 403
    assert superuser_client.get(_add(Module)).status_code == 403
    module.refresh_from_db()
    assert module.title != "Renamed"


# --- history is shown, never written, in the admin ---------------------------------------------


def _history_rows():
    """One row of every history model registered in the admin."""
    from attendance.models import WalkIn
    from attendees.models import AgencyEvent, VettingDecision
    from invites.models import InviteDelivery, ReminderDelivery
    from registrations.models import RegistrationEvent
    from tests.factories import AgencyFactory, MaterialFactory, OfficerFactory, publish_directly
    from workshops.models import MaterialDownload

    staff = StaffFactory()
    workshop = WorkshopFactory()
    reg = RegistrationFactory(workshop=workshop)
    session = workshop.sessions.first()

    return [
        ClosureEvent.objects.create(workshop=workshop, action="closed", actor=staff),
        Completion.objects.create(registration=reg, completed=True, attended_minutes=60),
        AttendanceChange.objects.create(
            registration=reg, session=session, old_status="", new_status="present"
        ),
        WalkIn.objects.create(registration=reg, added_by=staff, reason="On the day"),
        WorkshopClosure.objects.create(workshop=workshop),
        VettingDecision.objects.create(
            officer=OfficerFactory(), decided_by=staff, action="approved"
        ),
        AgencyEvent.objects.create(agency=AgencyFactory(), by=staff, action="suspended"),
        RegistrationEvent.objects.create(registration=reg, to_state="confirmed"),
        reg,
        InviteDelivery.objects.create(
            user=reg.officer, workshop=workshop, session=session, session_ref=session.pk
        ),
        ReminderDelivery.objects.create(registration=reg, days_before=1),
        MaterialDownload.objects.create(material=MaterialFactory(), user=reg.officer),
        publish_directly(ModuleFactory()),
        AuditEntry.objects.create(action="x", summary="y"),
        workshop,
    ]


def test_history_and_service_owned_rows_cannot_be_added_changed_or_deleted(superuser_client):
    for row in _history_rows():
        model = type(row)
        where = model._meta.label
        assert superuser_client.get(_change(model, row.pk)).status_code == 200, where
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert superuser_client.get(changelist).status_code == 200, where
        assert superuser_client.get(_add(model)).status_code == 403, where
        assert superuser_client.post(_add(model), {}).status_code == 403, where
        assert superuser_client.post(_change(model, row.pk), {}).status_code == 403, where
        posted = superuser_client.post(_delete(model, row.pk), {"post": "yes"})
        assert posted.status_code == 403, where
        deleted = superuser_client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [str(row.pk)], "post": "yes"},
        )
        assert deleted.status_code in (200, 302), where  # no such action: nothing happens
        assert model._default_manager.filter(pk=row.pk).exists(), where


def test_protected_user_fields_are_shown_read_only(superuser_client, officer):
    html = superuser_client.get(_change(User, officer.pk)).content.decode()
    for field in ("agency", "status", "vetted_name", "email"):
        assert f'name="{field}"' not in html, field
    assert 'name="is_trainer"' in html  # roles stay editable


def test_a_role_change_in_the_admin_is_audited_once(superuser_client, region):
    staff = StaffFactory()
    response = superuser_client.post(
        _change(User, staff.pk),
        _user_form(staff, is_trainer="on", coordinated_regions=[str(region.pk)]),
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="user.roles_changed")
    assert entry.target_id == str(staff.pk) and entry.actor.is_superuser
    assert entry.data["changes"] == {
        "is_trainer": [False, True],
        "coordinated_regions": [[], [region.name]],
    }
    # Saving again without a change records nothing.
    staff.refresh_from_db()
    superuser_client.post(
        _change(User, staff.pk),
        _user_form(staff, is_trainer="on", coordinated_regions=[str(region.pk)]),
    )
    assert AuditEntry.objects.filter(action="user.roles_changed").count() == 1


def test_publishing_from_the_admin_goes_through_the_service(region):
    from django.test import Client

    from tests.factories import ProgramAdminFactory

    client = Client()
    sign_in(client, ProgramAdminFactory(is_staff=True, is_superuser=True))
    from tests.factories import ModuleRevisionFactory
    from workshops.models import WorkshopModule

    ready = WorkshopFactory(region=region, status=Workshop.Status.DRAFT)

    WorkshopModule.objects.create(workshop=ready, revision=ModuleRevisionFactory(), position=0)
    bare = WorkshopFactory(region=region, status=Workshop.Status.DRAFT)  # no module
    changelist = reverse("admin:workshops_workshop_changelist")
    response = client.post(
        changelist,
        {"action": "publish", "_selected_action": [str(ready.pk), str(bare.pk)]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 workshop(s) published." in html and "Before publishing" in html
    ready.refresh_from_db()
    bare.refresh_from_db()
    assert (ready.status, bare.status) == (Workshop.Status.PUBLISHED, Workshop.Status.DRAFT)
    assert AuditEntry.objects.filter(action="workshop.published", target_id=str(ready.pk)).exists()


def test_the_workshop_admin_links_to_the_sites_pages(superuser_client):
    workshop = WorkshopFactory()
    html = superuser_client.get(_change(Workshop, workshop.pk)).content.decode()
    assert reverse("workshops:workshop_cancel", args=[workshop.pk]) in html
    assert reverse("workshops:workshop_edit", args=[workshop.pk]) in html


def test_the_track_admin_shows_the_certificate_wording_without_editing_it(superuser_client):
    track = TrackFactory(certificate_wording={"en": "has completed {workshop}"})
    url = reverse("admin:workshops_track_change", args=[track.pk])
    response = superuser_client.post(
        url,
        {
            "name": track.name,
            "slug": track.slug,
            "position": 0,
            "certificate_wording": '"not a mapping"',
        },
    )
    assert response.status_code == 302
    track.refresh_from_db()
    assert track.certificate_wording == {"en": "has completed {workshop}"}
