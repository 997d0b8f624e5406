"""Login refusals: suspended and rejected accounts, brute force."""

import pytest
from django.urls import reverse

from attendees.models import User
from tests.factories import PASSWORD, OfficerFactory

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _confirmed(user):
    from allauth.account.models import EmailAddress

    # The factories confirm the address already; this keeps the tests explicit about it.
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def test_verified_officer_logs_in(client, officer):
    response = _login(client, _confirmed(officer).email)
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.parametrize(
    ("status", "text"),
    [(User.Status.SUSPENDED, "account is suspended"), (User.Status.REJECTED, "not approved")],
)
def test_suspended_or_rejected_cannot_log_in(client, agency, status, text):
    user = _confirmed(OfficerFactory(agency=agency, status=status))
    response = _login(client, user.email)
    assert response.status_code == 200
    assert text in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_of_suspended_account_reveals_nothing(client, agency):
    user = _confirmed(OfficerFactory(agency=agency, status=User.Status.SUSPENDED))
    body = _login(client, user.email, "wrong-password").content.decode()
    assert "suspended" not in body


def test_signed_in_user_suspended_later_is_logged_out(client_for, officer):
    client = client_for(officer)
    User.objects.filter(pk=officer.pk).update(status=User.Status.SUSPENDED)
    response = client.get(reverse("dashboard"))
    assert response.url == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_sixth_failed_login_is_refused_with_clear_message(client, officer, settings):
    # A private local-memory cache: parallel test workers clearing the shared Redis cache
    # must not reset the counter mid-test.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "login-rate-limit-test",
        }
    }
    _confirmed(officer)
    for _ in range(5):
        body = _login(client, officer.email, "wrong-password").content.decode()
        assert "Too many failed" not in body
    body = _login(client, officer.email, "wrong-password").content.decode()
    assert "Too many failed sign-in attempts" in body
    # Even the right password is refused while blocked.
    body = _login(client, officer.email).content.decode()
    assert "Too many failed sign-in attempts" in body
    assert "_auth_user_id" not in client.session


def test_login_page_is_styled(client):
    body = client.get(reverse("account_login")).content.decode()
    assert "form-control" in body and "btn btn-primary" in body
