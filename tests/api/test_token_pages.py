"""The API tokens page: create (shown once), list, revoke; staff confirm with their TOTP."""

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from tests.totp import current_code

pytestmark = pytest.mark.django_db
URL = reverse("api_tokens")


def totp_secret(user) -> str:
    auth = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return get_adapter().decrypt(auth.data["secret"])


def test_an_officer_creates_a_token_shown_once(client_for, officer):
    client = client_for(officer)
    response = client.post(URL, {"name": "HR system", "access": "write", "days": "90"})
    assert response.status_code == 302
    response = client.get(URL)
    secret = response.context["created"]["secret"]
    assert secret.encode() in response.content
    token = ApiToken.objects.get(user=officer)
    assert (token.name, token.access) == ("HR system", "write")
    again = client.get(URL)
    assert secret.encode() not in again.content
    assert token.label.encode() in again.content
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/workshops/").status_code == 200


def test_the_page_is_in_the_account_menu(client_for, officer):
    assert URL.encode() in client_for(officer).get(reverse("dashboard")).content


def test_staff_without_a_code_get_no_token_and_keep_what_they_typed(client_for, coordinator):
    client = client_for(coordinator)
    response = client.post(URL, {"name": "Dashboard", "access": "read", "days": "30"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    assert b'value="Dashboard"' in response.content


def test_staff_with_a_wrong_code_get_no_token(client_for, coordinator):
    client = client_for(coordinator)
    response = client.post(
        URL, {"name": "Dashboard", "access": "read", "days": "30", "code": "000000"}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_staff_with_their_code_get_a_token(client_for, coordinator):
    client = client_for(coordinator)
    code = current_code(totp_secret(coordinator))
    response = client.post(URL, {"name": "Dashboard", "access": "read", "days": "30", "code": code})
    assert response.status_code == 302, response.content
    assert ApiToken.objects.filter(user=coordinator).count() == 1


def test_staff_cannot_pick_more_than_their_longest_life(client_for, trainer):
    client = client_for(trainer)
    code = current_code(totp_secret(trainer))
    response = client.post(URL, {"name": "x", "access": "read", "days": "365", "code": code})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "", "access": "read", "days": "30"},
        {"name": "x", "access": "admin", "days": "30"},
        {"name": "x", "access": "read", "days": "-1"},
        {"name": "x", "access": "read", "days": "abc"},
        {"name": "x" * 200, "access": "read", "days": "30"},
    ],
)
def test_bad_input_is_a_400_with_a_message(client_for, officer, data):
    response = client_for(officer).post(URL, data)
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_from_the_page(client_for, officer):
    client = client_for(officer)
    client.post(URL, {"name": "HR", "access": "read", "days": "30"})
    token = ApiToken.objects.get(user=officer)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.label.encode() not in client.get(URL).content


def test_nobody_revokes_someone_elses_token(client_for, officer, other_agency_officer):
    client_for(officer).post(URL, {"name": "HR", "access": "read", "days": "30"})
    token = ApiToken.objects.get(user=officer)
    response = client_for(other_agency_officer).post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_accounts_waiting_for_vetting_are_sent_to_their_status_page(client_for, pending_officer):
    response = client_for(pending_officer).get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("access_status")
