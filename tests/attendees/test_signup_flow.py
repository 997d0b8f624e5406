"""Sign-up through allauth, e-mail confirmation and vetting, for both vetting modes."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from attendees.models import Agency, OnboardingRequest, User, VettingDecision
from outbox.models import Mail
from tests.commit import after_commit
from tests.factories import AgencyFactory, CoordinatorFactory, ProgramAdminFactory
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

SIGNUP = {
    "password1": "a-Long-unusual-passphrase-42",
    "password2": "a-Long-unusual-passphrase-42",
    "full_name": "Nadia Rahman",
    "rank": "Detective Sergeant",
    "unit": "Cyber Crime Unit",
    "time_zone": "Asia/Singapore",
    "language": "en",
}


def _signup(client, email):
    with after_commit():
        return client.post(reverse("account_signup"), {**SIGNUP, "email": email})


def _confirm_from_outbox(client, email):
    message = next(m for m in mail.outbox if m.to == [email])
    url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)
    page = client.get(url)
    assert page.status_code == 200
    with after_commit():
        return client.post(url)


def test_signup_page_uses_bootstrap_fields(client):
    body = client.get(reverse("account_signup")).content.decode()
    assert "form-control" in body
    assert 'name="full_name"' in body and 'name="time_zone"' in body


def test_unregistered_domain_gets_error_with_onboarding_link_and_keeps_input(client, agency):
    response = _signup(client, "someone@unknown-police.example")
    body = response.content.decode()
    assert response.status_code == 200
    assert "not one of them" in body
    assert f'href="{reverse("onboarding_request")}"' in body
    assert "?email=" not in body  # no personal data in URLs
    assert 'value="someone@unknown-police.example"' in body
    assert 'value="Nadia Rahman"' in body and 'value="Cyber Crime Unit"' in body
    assert not User.objects.filter(email="someone@unknown-police.example").exists()


def test_suspended_agency_domain_cannot_sign_up(client, agency):
    agency.is_active = False
    agency.save()
    _signup(client, f"new@{agency.domains.first().domain}")
    assert not User.objects.filter(email__startswith="new@").exists()


def test_auto_mode_verifies_on_confirmation(client, region):
    agency = AgencyFactory(name="Auto 1", region=region, vetting_mode=Agency.VettingMode.AUTO)
    email = f"nadia@{agency.domains.first().domain}"
    response = _signup(client, email)
    assert response.status_code == 302
    user = User.objects.get(email=email)
    assert user.status == User.Status.UNCONFIRMED
    assert user.agency == agency and user.country == agency.country
    assert (user.full_name, user.rank, user.time_zone) == (
        "Nadia Rahman",
        "Detective Sergeant",
        "Asia/Singapore",
    )
    _confirm_from_outbox(client, email)
    user.refresh_from_db()
    assert user.status == User.Status.VERIFIED
    assert user.vetted_at is not None
    assert user.has_program_access
    assert list(user.vetting_decisions.values_list("action", flat=True)) == [
        VettingDecision.Action.AUTO_VERIFIED
    ]


def test_review_mode_goes_pending_then_coordinator_approves(
    client, agency, coordinator, django_capture_on_commit_callbacks
):
    email = f"nadia@{agency.domains.first().domain}"
    _signup(client, email)
    _confirm_from_outbox(client, email)
    user = User.objects.get(email=email)
    assert user.status == User.Status.PENDING
    assert user.vetting_decisions.get().action == VettingDecision.Action.SUBMITTED

    sign_in(client, user)
    assert client.get(reverse("dashboard")).url == reverse("access_status")
    assert "waiting to be vetted" in client.get(reverse("access_status")).content.decode()

    sign_in(client, coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("vetting_decide", args=[user.pk]), {"action": "approve"})
    user.refresh_from_db()
    assert user.status == User.Status.VERIFIED and user.has_program_access
    assert user.vetting_decisions.first().decided_by == coordinator
    assert [m.to for m in mail.outbox] == [[email]]


def test_review_mode_focal_point_rejects_with_reason_emailed(
    client, agency, focal_point, django_capture_on_commit_callbacks
):
    email = f"nadia@{agency.domains.first().domain}"
    _signup(client, email)
    _confirm_from_outbox(client, email)
    user = User.objects.get(email=email)
    sign_in(client, focal_point)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("vetting_decide", args=[user.pk]),
            {"action": "reject", "reason": "Not a member of our unit", "next": "my_agency"},
        )
    assert response.url == reverse("my_agency")
    user.refresh_from_db()
    assert user.status == User.Status.REJECTED
    decision = user.vetting_decisions.first()
    assert (decision.action, decision.decided_by, decision.reason) == (
        VettingDecision.Action.REJECTED,
        focal_point,
        "Not a member of our unit",
    )
    assert "Not a member of our unit" in mail.outbox[0].body


def test_onboarding_request_reaches_region_coordinators_and_admins(
    client, agency, coordinator, other_coordinator, django_capture_on_commit_callbacks
):
    admin = ProgramAdminFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("onboarding_request"),
            {
                "full_name": "Ravi Kumar",
                "email": "ravi@newagency.example",
                "agency_name": "New Agency",
                "country": agency.country.code,
                "message": "We would like to join.",
            },
        )
    assert response.status_code == 302
    assert OnboardingRequest.objects.get().agency_name == "New Agency"
    # One message per recipient: no coordinator learns the others' addresses.
    assert sorted(m.to for m in mail.outbox) == sorted([[admin.email], [coordinator.email]])
    assert all("ravi@newagency.example" in m.body for m in mail.outbox)


def test_onboarding_request_for_new_country_reaches_every_coordinator(
    client, coordinator, other_coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("onboarding_request"),
            {"full_name": "A B", "email": "a@b.example", "agency_name": "X", "country": "KE"},
        )
    assert sorted(m.to for m in mail.outbox) == sorted(
        [[coordinator.email], [other_coordinator.email]]
    )


def test_onboarding_form_prefills_email_and_shows_errors(client):
    _signup(client, "x@y.example")  # unregistered domain: the address is kept in the session
    body = client.get(reverse("onboarding_request")).content.decode()
    assert 'value="x@y.example"' in body
    assert (
        'value="z@y.example"'
        not in client.get(reverse("onboarding_request") + "?email=z%40y.example").content.decode()
    )
    response = client.post(reverse("onboarding_request"), {"full_name": "Only name"})
    assert response.status_code == 200
    assert 'value="Only name"' in response.content.decode()
    assert not OnboardingRequest.objects.exists()


def test_unverified_coordinator_gets_no_onboarding_mail(client, region):
    CoordinatorFactory(regions=[region], status=User.Status.SUSPENDED)
    with after_commit():
        client.post(
            reverse("onboarding_request"),
            {"full_name": "A B", "email": "a@b.example", "agency_name": "X", "country": "SG"},
        )
    assert mail.outbox == []
    assert not Mail.objects.exists()


def test_onboarding_form_is_rate_limited_per_address(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "onboarding-rate-limit-test",
        }
    }
    data = {"full_name": "A B", "email": "a@b.example", "agency_name": "X", "country": "KE"}
    for _ in range(5):
        assert client.post(reverse("onboarding_request"), data).status_code == 302
    response = client.post(reverse("onboarding_request"), data)
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert 'value="A B"' in response.content.decode()
    assert OnboardingRequest.objects.count() == 5
