"""A staff account's first authenticator takes the password and a link mailed to the account's
confirmed address, opened in the session that asked for it: a stolen password alone enrols no
attacker's authenticator."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.urls import reverse

from attendees.mfa import USED_SESSION_KEY
from outbox.models import Mail
from tests.commit import after_commit
from tests.factories import PASSWORD, OfficerFactory, ProgramAdminFactory, TrainerFactory
from tests.signin import ask_for_setup_link, sign_in
from tests.totp import current_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def unenrolled():
    """A program admin (Django admin too) who has not enrolled an authenticator yet."""
    return ProgramAdminFactory(is_staff=True, is_superuser=True, mfa=False)


def _password_sign_in(user) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _activation_form(client):
    """The activation page as allauth shows it, re-entering the password if it asks."""
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate")):
        response = client.post(response.url, {"password": PASSWORD}, follow=True)
    assert response.status_code == 200
    return response


def _error(response) -> str:
    return response.context["error"]


# --- the attacker who has the password only -----------------------------------------------------


def test_the_password_alone_opens_no_activation_page(unenrolled):
    attacker = _password_sign_in(unenrolled)
    setup = reverse("two_factor_setup")
    for path in ["/", "/admin/", "/audit/", reverse("mfa_activate_totp"), reverse("mfa_index")]:
        assert attacker.get(path).url == setup, path
    # Nor can the address the link goes to be changed first.
    assert attacker.get(reverse("account_email")).url == setup
    assert attacker.post(reverse("account_email"), {"email": "x@evil.example"}).url == setup
    response = attacker.post(reverse("mfa_activate_totp"), {"code": "123456"})
    assert response.url == setup
    assert not Authenticator.objects.filter(user=unenrolled).exists()
    assert USED_SESSION_KEY not in attacker.session


def test_a_link_asked_for_by_the_attacker_opens_nothing_elsewhere(unenrolled):
    """The link goes to the holder's mailbox; opened from another session (the holder's own
    browser, or a copy read anywhere) it allows nothing there, and the asking session still
    cannot enrol."""
    attacker = _password_sign_in(unenrolled)
    link = ask_for_setup_link(attacker)
    assert mail.outbox[-1].to == [unenrolled.email]
    holder = _password_sign_in(unenrolled)
    response = holder.get(link)
    assert response.status_code == 400
    assert "does not belong to this session" in _error(response)
    assert holder.get(reverse("mfa_activate_totp")).url == reverse("two_factor_setup")
    assert attacker.get(reverse("mfa_activate_totp")).url == reverse("two_factor_setup")


def test_a_session_verified_without_an_authenticator_still_takes_the_link(client):
    """An admin deleted the authenticator of a signed-in staff member: a new one takes a link."""
    trainer = TrainerFactory()
    sign_in(client, trainer)
    Authenticator.objects.filter(user=trainer).delete()
    assert client.get(reverse("mfa_activate_totp")).url == reverse("two_factor_setup")


# --- the holder: the page, the mail, the link ---------------------------------------------------


def test_the_setup_page_offers_the_link_to_the_confirmed_address(unenrolled):
    client = _password_sign_in(unenrolled)
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Set up two-factor sign-in" in body
    assert unenrolled.email in body
    assert reverse("two_factor_setup_send") in body
    assert 'class="btn btn-primary"' in body


def test_the_mail_names_the_program_and_says_what_to_do_if_unasked(settings, unenrolled):
    settings.PROGRAM_NAME = "Example Training Program"
    client = _password_sign_in(unenrolled)
    ask_for_setup_link(client)
    message = mail.outbox[-1]
    assert "Example Training Program" in message.subject
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "Example Training Program" in body
        assert "If you did not ask for this" in body
        assert "/accounts/password/reset/" in body
        assert "valid for 30 minutes" in body
    assert Mail.objects.filter(kind="mfa_enrolment", recipient=unenrolled).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_link_lets_the_same_session_enrol_once(unenrolled):
    # Committed for real: allauth sends authenticator_added (which records the code) on commit.
    client = _password_sign_in(unenrolled)
    link = ask_for_setup_link(client)
    response = client.get(link)
    assert response.url == reverse("mfa_activate_totp")
    secret = _activation_form(client).context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=unenrolled, type=Authenticator.Type.TOTP).exists()
    for path in ["/", "/audit/", "/admin/"]:
        assert client.get(path).status_code == 200, path
    reused = client.get(link)
    assert reused.status_code == 400
    assert "already been used" in _error(reused)


def test_an_opened_link_cannot_be_opened_again(unenrolled):
    client = _password_sign_in(unenrolled)
    link = ask_for_setup_link(client)
    assert client.get(link).url == reverse("mfa_activate_totp")
    reused = client.get(link)
    assert reused.status_code == 400
    assert "already been used" in _error(reused)


def test_an_expired_link_is_refused(monkeypatch, settings, unenrolled):
    client = _password_sign_in(unenrolled)
    link = ask_for_setup_link(client)
    later = time.time() + settings.TWO_FACTOR_SETUP_LINK_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get(link)
    assert response.status_code == 400
    assert "expired" in _error(response)
    assert client.get(reverse("mfa_activate_totp")).url == reverse("two_factor_setup")


def test_another_accounts_link_is_refused(unenrolled):
    victim_session = _password_sign_in(unenrolled)
    link = ask_for_setup_link(victim_session)
    other = TrainerFactory(mfa=False)
    client = _password_sign_in(other)
    ask_for_setup_link(client)  # their own link is pending in this session
    response = client.get(link)
    assert response.status_code == 400
    assert "another account" in _error(response)
    assert client.get(reverse("mfa_activate_totp")).url == reverse("two_factor_setup")


def test_a_tampered_link_is_refused(unenrolled):
    client = _password_sign_in(unenrolled)
    link = ask_for_setup_link(client)
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    response = client.get(tampered)
    assert response.status_code == 400
    assert "not valid" in _error(response)


def test_only_the_newest_link_works(unenrolled):
    client = _password_sign_in(unenrolled)
    first = ask_for_setup_link(client)
    second = ask_for_setup_link(client)
    response = client.get(first)
    assert response.status_code == 400
    assert "newer link" in _error(response)
    assert client.get(second).url == reverse("mfa_activate_totp")


def test_a_link_to_an_address_no_longer_the_accounts_is_refused(unenrolled):
    client = _password_sign_in(unenrolled)
    link = ask_for_setup_link(client)
    EmailAddress.objects.filter(user=unenrolled).update(email="moved@training.example.org")
    response = client.get(link)
    assert response.status_code == 400
    assert "no longer uses" in _error(response)


def test_signed_out_the_link_leads_to_the_sign_in(unenrolled):
    client = _password_sign_in(unenrolled)
    link = ask_for_setup_link(client)
    response = Client().get(link)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_asking_for_links_is_rate_limited(unenrolled):
    client = _password_sign_in(unenrolled)
    for _ in range(3):
        ask_for_setup_link(client)
    with after_commit():
        response = client.post(reverse("two_factor_setup_send"))
    assert response.status_code == 429
    assert "Too many links" in _error(response)
    assert len(mail.outbox) == 3
    # Per account: a new session of the same account is held back too.
    with after_commit():
        response = _password_sign_in(unenrolled).post(reverse("two_factor_setup_send"))
    assert response.status_code == 429
    assert len(mail.outbox) == 3


def test_no_link_without_a_confirmed_address():
    staff = TrainerFactory(mfa=False, email_confirmed=False)
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert reverse("two_factor_setup_send") not in page.content.decode()
    with after_commit():
        response = client.post(reverse("two_factor_setup_send"))
    assert response.status_code == 400
    assert "no confirmed e-mail address" in _error(response)
    assert mail.outbox == []


def test_no_link_while_an_address_waits_for_confirmation(unenrolled):
    EmailAddress.objects.create(
        user=unenrolled, email="new@training.example.org", verified=False, primary=False
    )
    client = _password_sign_in(unenrolled)
    with after_commit():
        response = client.post(reverse("two_factor_setup_send"))
    assert response.status_code == 400
    assert "waiting for confirmation" in _error(response)
    assert mail.outbox == []


# --- everyone else is unaffected ----------------------------------------------------------------


def test_officers_enrol_voluntarily_without_a_link(agency):
    officer = OfficerFactory(agency=agency)
    client = _password_sign_in(officer)
    assert client.get(reverse("dashboard")).status_code == 200
    _activation_form(client)
    assert client.get(reverse("two_factor_setup")).url == reverse("mfa_index")
    with after_commit():
        assert client.post(reverse("two_factor_setup_send")).status_code == 403
    assert mail.outbox == []


def test_enrolled_staff_need_no_link(client_for, coordinator):
    client = client_for(coordinator)
    assert client.get(reverse("two_factor_setup")).url == reverse("mfa_index")
    assert client.post(reverse("two_factor_setup_send")).status_code == 403


def test_staff_created_in_the_admin_confirm_their_address_then_take_the_link():
    """An account made in the admin has no confirmed address yet: allauth confirms it at the
    first sign-in, and the link then goes there."""
    staff = TrainerFactory(mfa=False, email_confirmed=False)
    client = Client()
    with after_commit():
        response = client.post(
            reverse("account_login"), {"login": staff.email, "password": PASSWORD}
        )
    assert response.url == reverse("account_email_verification_sent")
    found = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    client.post(found.group(1))
    client = _password_sign_in(staff)
    assert client.get("/").url == reverse("two_factor_setup")
    ask_for_setup_link(client)
    assert mail.outbox[-1].to == [staff.email]
