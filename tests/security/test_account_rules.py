"""Account rules that held on the main path but not on every path: e-mail addresses and vetting,
sign-up timing, and text from users reaching mail headers."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attendees.models import AgencyDomain, OnboardingRequest, User, VettingDecision
from attendees.models.access import AccessState
from tests.factories import CoordinatorFactory
from trainingsite.mail import header_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired_officer(officer, settings):
    User.objects.filter(pk=officer.pk).update(
        vetted_at=timezone.now() - settings.VETTING_VALIDITY - dt.timedelta(days=1)
    )
    EmailAddress.objects.update_or_create(
        user=officer, email=officer.email, defaults={"verified": True, "primary": True}
    )
    officer.refresh_from_db()
    assert officer.access_state == AccessState.EXPIRED
    return officer


def _add_and_confirm(client, address: str):
    response = client.post(reverse("account_email"), {"action_add": "", "email": address})
    added = EmailAddress.objects.filter(email=address).first()
    if added is not None:
        client.post(reverse("account_confirm_email", args=[EmailConfirmationHMAC(added).key]))
    return response


def test_an_address_on_another_agencys_domain_cannot_be_added(
    client_for, expired_officer, other_agency
):
    foreign = f"me@{other_agency.domains.get().domain}"
    response = _add_and_confirm(client_for(expired_officer), foreign)
    assert response.status_code == 200
    assert "agency&#x27;s e-mail domain" in response.content.decode()
    assert not EmailAddress.objects.filter(email=foreign).exists()
    expired_officer.refresh_from_db()
    assert expired_officer.access_state == AccessState.EXPIRED


def test_confirming_a_second_own_agency_address_renews_nothing(client_for, expired_officer):
    second = AgencyDomain.objects.create(agency=expired_officer.agency, domain="unit.agency.gov")
    address = f"me@{second.domain}"
    _add_and_confirm(client_for(expired_officer), address)
    assert EmailAddress.objects.get(email=address).verified
    expired_officer.refresh_from_db()
    # Renewal is the re-confirmation link's job only: still expired, nothing recorded.
    assert expired_officer.access_state == AccessState.EXPIRED
    assert not VettingDecision.objects.filter(
        officer=expired_officer, action=VettingDecision.Action.RECONFIRMED
    ).exists()


def test_a_new_sign_up_still_moves_on_when_its_agency_address_is_confirmed(unconfirmed_officer):
    address = EmailAddress.objects.create(
        user=unconfirmed_officer, email=unconfirmed_officer.email, verified=False, primary=True
    )
    from allauth.account.signals import email_confirmed

    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    unconfirmed_officer.refresh_from_db()
    assert unconfirmed_officer.status == User.Status.PENDING


class CountingHasher(MD5PasswordHasher):
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


def test_sign_up_hashes_a_password_whether_or_not_the_address_has_an_account(
    client, settings, officer
):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    domain = officer.agency.domains.get().domain

    def hashes_for(email: str) -> int:
        CountingHasher.calls = 0
        password = "Long-enough-password-2026"
        response = client.post(
            reverse("account_signup"),
            {
                "email": email,
                "password1": password,
                "password2": password,
                "full_name": "New Officer",
                "country": "SG",
                "time_zone": "UTC",
                "language": "en",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        return CountingHasher.calls

    existing, new = hashes_for(officer.email), hashes_for(f"newcomer@{domain}")
    assert existing == new >= 1
    assert User.objects.filter(email=f"newcomer@{domain}").exists()


def test_a_line_break_in_an_onboarding_request_reaches_no_mail_header(
    client, agency, django_capture_on_commit_callbacks
):
    """Names with line breaks are refused at the form (one validator for every name); what
    does reach a header is cleaned in one place."""
    CoordinatorFactory(regions=[agency.region])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("onboarding_request"),
            {
                "full_name": "Ravi\r\nBcc: attacker@example.com",
                "email": "ravi@newagency.example",
                "agency_name": "New\nAgency\r\nBcc: attacker@example.com",
                "country": agency.country.code,
            },
        )
    assert response.status_code == 200
    assert "line breaks" in response.content.decode()
    assert OnboardingRequest.objects.count() == 0
    assert mail.outbox == []
    assert header_text("New\nAgency\r\nBcc: attacker@example.com") == (
        "New Agency Bcc: attacker@example.com"
    )
