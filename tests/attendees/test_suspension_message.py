"""A suspended officer is told, wherever they meet the suspension, that their registrations
were withdrawn."""

import pytest
from django.test import Client
from django.urls import reverse

from attendees import services
from outbox.models import Mail
from registrations import services as registration_services
from registrations.models import Registration
from tests.factories import WorkshopFactory
from tests.signin import sign_in

pytestmark = pytest.mark.django_db
WITHDRAWN = "your registrations for upcoming workshops have been withdrawn"


def test_signed_in_officer_suspended_meanwhile_is_told_the_registrations_were_withdrawn(
    coordinator, officer, region, django_capture_on_commit_callbacks
):
    reg = registration_services.register(
        workshop_id=WorkshopFactory(region=region).pk, officer=officer
    )
    client = sign_in(Client(), officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.suspend_officer(officer_id=officer.pk, by=coordinator, reason="Audit")
    reg.refresh_from_db()
    assert reg.state == Registration.State.CANCELLED

    response = client.get(reverse("registration:my_training"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert WITHDRAWN in response.content.decode()
    decision = Mail.objects.get(to=officer.email, kind="vetting")
    assert "registrations for upcoming workshops have been withdrawn" in decision.content["body"]


def test_login_form_says_so_for_a_suspended_account(client, officer, coordinator, password):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=officer, email=officer.email, defaults={"verified": True, "primary": True}
    )
    services.suspend_officer(officer_id=officer.pk, by=coordinator, reason="Audit")
    response = client.post(reverse("account_login"), {"login": officer.email, "password": password})
    assert WITHDRAWN in response.content.decode()
