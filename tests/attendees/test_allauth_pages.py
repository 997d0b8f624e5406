"""allauth pages render through our Bootstrap elements."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["account_login", "account_signup", "account_reset_password", "onboarding_request"]
)
def test_public_pages_are_styled(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert "form-control" in body and "btn btn-primary" in body


@pytest.mark.parametrize(
    "name",
    [
        "account_email",
        "account_change_password",
        "mfa_index",
        "mfa_activate_totp",
        "account_logout",
    ],
)
def test_account_pages_are_styled(client_for, officer, name):
    EmailAddress.objects.update_or_create(
        user=officer, email=officer.email, defaults={"verified": True, "primary": True}
    )
    response = client_for(officer).get(reverse(name))
    if response.status_code == 302:  # MFA activation asks to re-authenticate first
        response = client_for(officer).get(response.url)
    assert response.status_code == 200
    assert "btn btn-" in response.content.decode()


def test_confirm_email_page_is_styled(client, unconfirmed_officer):
    address = EmailAddress.objects.create(
        user=unconfirmed_officer, email=unconfirmed_officer.email, verified=False, primary=True
    )
    key = EmailConfirmationHMAC(address).key
    body = client.get(reverse("account_confirm_email", args=[key])).content.decode()
    assert "btn btn-primary" in body and unconfirmed_officer.email in body
