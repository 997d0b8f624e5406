"""The API's one way in: a bearer token, checked with its owner's account on every request."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, hash_token
from api.services import TokenError, create_token, revoke_token
from audit.models import AuditEntry
from tests.api.conftest import token_for
from tests.commit import after_commit
from tests.factories import OfficerFactory, StaffFactory
from tests.signin import sign_in

pytestmark = pytest.mark.django_db
URL = "/api/v1/workshops/"


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_no_token_is_401_with_a_bearer_challenge():
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_session_is_not_a_way_into_the_api(client, officer):
    client.force_login(officer)
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer a b",
        "Bearer tsk_short_x",
        "Bearer not-a-token",
        "Bearer tsk_0123456789ab_wrongsecret",
        "Token tsk_0123456789ab_x",
        "Bearer tsk_\u00e9\u00e9",
    ],
)
def test_malformed_or_unknown_tokens_are_401(officer, header):
    token_for(officer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(URL).status_code == 401


def test_a_token_is_stored_hashed_and_works(officer):
    secret = token_for(officer)
    token = ApiToken.objects.get(user=officer)
    assert secret not in (token.key, token.token_hash)
    assert token.token_hash == hash_token(secret)
    assert bearer(secret).get(URL).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_right_key_with_a_wrong_secret_is_refused(officer):
    secret = token_for(officer)
    assert bearer(secret[:-2] + "xx").get(URL).status_code == 401


def test_an_expired_token_is_refused(officer):
    secret = token_for(officer)
    ApiToken.objects.filter(user=officer).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(secret).get(URL).status_code == 401


def test_a_revoked_token_is_refused_and_the_revocation_audited(officer):
    secret = token_for(officer)
    token = ApiToken.objects.get(user=officer)
    revoke_token(token_id=token.pk, user=officer)
    assert bearer(secret).get(URL).status_code == 401
    assert AuditEntry.objects.filter(action="api.token_revoked", target_id=str(token.pk)).exists()


def test_nobody_revokes_another_users_token(officer, other_agency_officer):
    token_for(officer)
    token = ApiToken.objects.get(user=officer)
    with pytest.raises(TokenError):
        revoke_token(token_id=token.pk, user=other_agency_officer)


@pytest.mark.parametrize("change", ["suspend", "deactivate", "unvet"])
def test_a_token_stops_with_its_owners_access(officer, change):
    secret = token_for(officer)
    if change == "suspend":
        officer.status = officer.Status.SUSPENDED
    elif change == "deactivate":
        officer.is_active = False
    else:
        officer.status = officer.Status.PENDING
    officer.save()
    assert bearer(secret).get(URL).status_code == 401


def test_a_read_token_cannot_write(officer):
    response = bearer(token_for(officer)).post(URL, {}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["pending", "suspended"])
def test_accounts_without_program_access_create_no_token(pending_officer, suspended_officer, who):
    user = pending_officer if who == "pending" else suspended_officer
    with pytest.raises(TokenError):
        create_token(user=user, name="x", access="read", days=30, second_factor_verified=False)


def test_staff_need_their_second_factor_to_create_a_token(coordinator):
    with pytest.raises(TokenError):
        create_token(
            user=coordinator, name="x", access="read", days=30, second_factor_verified=False
        )


def test_staff_tokens_live_shorter(coordinator, officer, settings):
    with pytest.raises(TokenError):
        create_token(
            user=coordinator,
            name="x",
            access="read",
            days=settings.API_STAFF_TOKEN_MAX_DAYS + 1,
            second_factor_verified=True,
        )
    create_token(user=officer, name="x", access="read", days=365, second_factor_verified=False)


def test_tokens_per_user_are_capped(officer, settings):
    settings.API_TOKENS_PER_USER = 2
    token_for(officer)
    token_for(officer)
    with pytest.raises(TokenError):
        token_for(officer)


def test_creation_is_audited_without_the_secret(officer):
    secret = token_for(officer)
    entry = AuditEntry.objects.get(action="api.token_created")
    assert entry.actor == officer
    assert secret not in entry.summary and secret not in str(entry.data)


def test_requests_are_rate_limited_per_token(officer, settings):
    settings.API_RATE_LIMIT = "3/minute"
    client = bearer(token_for(officer))
    other = bearer(token_for(OfficerFactory(agency=officer.agency)))
    codes = [client.get(URL).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert other.get(URL).status_code == 200


def test_answers_carry_an_etag_and_honour_if_none_match(officer):
    client = bearer(token_for(officer))
    first = client.get(URL)
    etag = first["ETag"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_schema_and_reference_page_are_public(client):
    schema = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert b"/api/v1/workshops/" in schema.content
    page = client.get(reverse("api_docs"))
    assert page.status_code == 200


def test_the_owner_is_mailed_about_a_new_token_without_its_secret(officer, mailoutbox):
    with after_commit():
        secret = token_for(officer)
    sent = [m for m in mailoutbox if m.to == [officer.email]]
    assert len(sent) == 1
    assert "API token" in sent[0].subject
    assert secret not in sent[0].body and secret[:16] in sent[0].body


def test_calls_without_a_token_are_rate_limited_per_address(client, settings):
    settings.API_ANON_RATE_LIMIT = "2/minute"
    url = reverse("api_schema")
    codes = [client.get(url).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code == 200


def test_an_administrator_revokes_a_leaked_token_in_the_admin(officer, client):
    superuser_client = sign_in(client, StaffFactory(is_staff=True, is_superuser=True))
    secret = token_for(officer)
    token = ApiToken.objects.get(user=officer)
    response = superuser_client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert bearer(secret).get(URL).status_code == 401
    entry = AuditEntry.objects.get(action="api.token_revoked")
    assert entry.actor != officer


@pytest.mark.parametrize(
    "path", ["/api/v1/nope/", "/api/v2/workshops/", "/api/", "/api/v1/workshops/1/x/"]
)
def test_unknown_api_addresses_answer_a_json_404(path):
    response = APIClient().get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_answers_are_private_to_their_token(officer):
    response = bearer(token_for(officer)).get(URL)
    assert "Authorization" in response["Vary"]
    assert "private" in response["Cache-Control"]
