"""Every way into a session passes the same gates: password, one lockout, account state, and a
TOTP code entered in this session for staff."""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from attendees.mfa import enrol_totp
from attendees.models import User
from tests.commit import after_commit
from tests.factories import PASSWORD, CoordinatorFactory, ProgramAdminFactory, StaffFactory
from tests.signin import ask_for_setup_link
from tests.totp import current_code

pytestmark = pytest.mark.django_db

# Pages only staff may open: the audit log, the vetting queue, agencies, exports and the admin.
STAFF_PAGES = ["/audit/", "/vetting/", "/agencies/", "/reports/exports/", "/admin/"]


def _code(secret: str) -> str:
    return current_code(secret)


# Where someone not (fully) signed in ends up: the sign-in and its second step.
SIGN_IN_STEPS = {"/accounts/login/", "/accounts/2fa/authenticate/", "/accounts/2fa/reauthenticate/"}


def _reaches_no_staff_page(client: Client, user: User) -> None:
    for path in [*STAFF_PAGES, f"/officers/{user.pk}/privacy/"]:
        response = client.get(path, follow=True)
        assert response.request["PATH_INFO"] in SIGN_IN_STEPS, path


@pytest.fixture
def program_admin():
    admin = ProgramAdminFactory(is_staff=True, is_superuser=True)
    EmailAddress.objects.update_or_create(
        user=admin, email=admin.email, defaults={"verified": True, "primary": True}
    )
    return admin


def test_admin_login_form_is_the_sites_sign_in(client, program_admin):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    # Django's own form no longer signs anyone in, whatever is posted to it.
    response = client.post("/admin/login/", {"username": program_admin.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert SESSION_KEY not in client.session
    _reaches_no_staff_page(client, program_admin)


def test_password_alone_at_the_sign_in_reaches_no_staff_page(client, program_admin):
    response = client.post(
        reverse("account_login"), {"login": program_admin.email, "password": PASSWORD}
    )
    assert response.url == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session
    _reaches_no_staff_page(client, program_admin)


def test_password_and_code_reach_the_staff_pages_and_the_admin(client, program_admin):
    secret = enrol_totp(program_admin)
    client.post(reverse("account_login"), {"login": program_admin.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    for path in STAFF_PAGES:
        assert client.get(path).status_code == 200, path


def test_a_session_opened_without_a_code_must_enter_one_first(program_admin):
    """A session that skipped allauth's second step (any path outside the sign-in) is asked
    for a code before anything else; enrolment alone is not enough."""
    secret = enrol_totp(program_admin)
    client = Client()
    client.force_login(program_admin)  # a session with no second factor in it
    for path in STAFF_PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("mfa_reauthenticate")), path
    assert client.post(reverse("mfa_reauthenticate"), {"code": "000000"}).status_code == 200
    assert client.get("/audit/").status_code == 302
    response = client.post(reverse("mfa_reauthenticate") + "?next=/audit/", {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get("/audit/").status_code == 200


def test_password_reset_signs_no_one_in(client, program_admin):
    with after_commit():
        client.post(reverse("account_reset_password"), {"email": program_admin.email})
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body)
    response = client.get(link.group(0))
    new_password = "A-new-and-long-password-2026"
    client.post(response.url, {"password1": new_password, "password2": new_password})
    program_admin.refresh_from_db()
    assert program_admin.check_password(new_password)
    assert SESSION_KEY not in client.session
    _reaches_no_staff_page(client, program_admin)


def test_confirming_an_email_address_signs_no_one_in(client):
    coordinator = CoordinatorFactory()
    address = EmailAddress.objects.create(
        user=coordinator, email="second@training.example.org", verified=False, primary=False
    )
    key = EmailConfirmationHMAC(address).key
    response = client.post(reverse("account_confirm_email", args=[key]))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    _reaches_no_staff_page(client, coordinator)


# Committed for real: allauth sends authenticator_added (which records the code) on commit.
@pytest.mark.django_db(transaction=True)
def test_an_officer_made_staff_mid_session_enrols_before_going_on(client_for, officer):
    client = client_for(officer)
    assert client.get(reverse("dashboard")).status_code == 200
    User.objects.filter(pk=officer.pk).update(is_trainer=True)
    response = client.get(reverse("dashboard"))
    assert response.url == reverse("two_factor_setup")
    # Their password signed this session in; the authenticator also takes their mailbox.
    assert client.get(reverse("mfa_activate_totp")).url == reverse("two_factor_setup")
    link = ask_for_setup_link(client)
    assert client.get(link).url == reverse("mfa_activate_totp")
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302:  # allauth asks for the password again first
        assert response.url.startswith(reverse("account_reauthenticate"))
        response = client.post(response.url, {"password": PASSWORD}, follow=True)
    secret = response.context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert client.get(reverse("dashboard")).status_code == 200


def test_django_admin_users_need_the_second_factor_too():
    staff = StaffFactory(is_staff=True, mfa=False)
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/").url == reverse("two_factor_setup")


def test_admin_password_change_is_the_sites_page(client_for, program_admin):
    response = client_for(program_admin).get("/admin/password_change/")
    assert response.status_code == 302
    assert response.url == reverse("account_change_password")


# --- one lockout for every page that takes a password ------------------------------------------


def _lock_cache(settings):
    # A private local-memory cache: another test worker must not reset the counters mid-test.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lk"}
    }


def _refused_as_locked(response) -> bool:
    return "Too many failed sign-in attempts" in response.content.decode()


def test_wrong_passwords_on_every_page_count_toward_one_lockout(settings, client_for, officer):
    _lock_cache(settings)
    EmailAddress.objects.update_or_create(
        user=officer, email=officer.email, defaults={"verified": True, "primary": True}
    )
    signed_in = client_for(officer)
    wrong = "not-the-password"
    # Two at the sign-in, one each at re-authentication, password change and erasure...
    anonymous = Client()
    for _ in range(2):
        anonymous.post(reverse("account_login"), {"login": officer.email, "password": wrong})
    signed_in.post(reverse("account_reauthenticate"), {"password": wrong})
    signed_in.post(
        reverse("account_change_password"),
        {
            "oldpassword": wrong,
            "password1": "Another-long-pass-1",
            "password2": "Another-long-pass-1",
        },
    )
    signed_in.post(reverse("my_data_erase"), {"password": wrong})
    # ...make five: the right password is now refused everywhere.
    response = Client().post(
        reverse("account_login"), {"login": officer.email, "password": PASSWORD}
    )
    assert _refused_as_locked(response)
    assert _refused_as_locked(signed_in.post(reverse("my_data_erase"), {"password": PASSWORD}))
    assert User.objects.get(pk=officer.pk).is_active  # not erased


# --- the client's address behind the documented load balancer ----------------------------------


def test_failed_sign_ins_lock_out_the_forwarded_client_not_the_proxy(settings, client, agency):
    from tests.factories import OfficerFactory

    _lock_cache(settings)
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "5/5m/ip"}
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "REMOTE_ADDR": "10.0.0.1"}
    colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", "REMOTE_ADDR": "10.0.0.1"}
    victim, bystander = OfficerFactory(agency=agency), OfficerFactory(agency=agency)
    for user in (victim, bystander):
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    for _ in range(6):
        client.post(reverse("account_login"), {"login": victim.email, "password": "x"}, **attacker)
    response = Client().post(
        reverse("account_login"), {"login": bystander.email, "password": PASSWORD}, **colleague
    )
    assert response.status_code == 302 and not _refused_as_locked(response)
    response = Client().post(
        reverse("account_login"), {"login": bystander.email, "password": PASSWORD}, **attacker
    )
    assert _refused_as_locked(response)


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(settings, rf):
    from trainingsite.ratelimit import client_ip

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "10.0.0.1"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"


@pytest.mark.parametrize("limited", ["verify", "onboarding"])
def test_site_limits_key_on_the_forwarded_client(settings, client, limited):
    _lock_cache(settings)
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.CERTIFICATE_VERIFY_LIMIT = 2

    def hit(address):
        meta = {"HTTP_X_FORWARDED_FOR": address, "REMOTE_ADDR": "10.0.0.1"}
        if limited == "verify":
            return Client().get(
                reverse("credentials:verify"), {"number": "CERT-AAAA-AAAA-AAAA-AAAA"}, **meta
            )
        return Client().post(
            reverse("onboarding_request"),
            {"full_name": "A B", "email": "a@b.example", "agency_name": "X", "country": "KE"},
            **meta,
        )

    for _ in range(6):
        hit("203.0.113.9")
    assert hit("203.0.113.9").status_code == 429
    assert hit("198.51.100.7").status_code != 429


# --- the Host header changes nothing --------------------------------------------------------------


def test_the_lockout_holds_whatever_host_the_attacker_names(settings, officer):
    _lock_cache(settings)
    settings.ALLOWED_HOSTS = ["*"]
    EmailAddress.objects.update_or_create(
        user=officer, email=officer.email, defaults={"verified": True, "primary": True}
    )
    for n in range(5):
        Client().post(
            reverse("account_login"),
            {"login": officer.email, "password": "not-the-password"},
            HTTP_HOST=f"attempt-{n}.example",
        )
    response = Client().post(
        reverse("account_login"),
        {"login": officer.email, "password": PASSWORD},
        HTTP_HOST="fresh-host.example",
    )
    assert _refused_as_locked(response)


def test_reset_and_confirmation_links_point_at_the_site_not_the_requests_host(
    settings, client, officer
):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://training.example.org"
    EmailAddress.objects.update_or_create(
        user=officer, email=officer.email, defaults={"verified": True, "primary": True}
    )
    with after_commit():
        client.post(
            reverse("account_reset_password"), {"email": officer.email}, HTTP_HOST="evil.example"
        )
    body = mail.outbox[-1].body
    assert "evil.example" not in body
    assert "https://training.example.org/accounts/password/reset/key/" in body
    address = EmailAddress.objects.create(
        user=officer, email=f"second.{officer.email}", verified=False, primary=False
    )
    signed_in = Client(HTTP_HOST="evil.example")
    signed_in.force_login(officer)
    with after_commit():
        signed_in.post(
            reverse("account_email"), {"action_send": "", "email": address.email}, follow=False
        )
    body = mail.outbox[-1].body
    assert "evil.example" not in body
    assert "https://training.example.org/accounts/confirm-email/" in body


def test_the_site_record_follows_the_configured_address_after_migrate(settings):
    from django.contrib.sites.models import Site

    from attendees.apps import sync_site

    settings.SITE_URL = "https://training.example.org"
    sync_site(sender=None, using="default")
    site = Site.objects.get(pk=settings.SITE_ID)
    assert site.domain == "training.example.org" and site.name == settings.PROGRAM_NAME
