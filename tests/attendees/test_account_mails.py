"""allauth's mails (confirmation, password reset, account notices) go through the outbox on the
site's mail layout: text and HTML, the program's name and address, the recipient's language."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from attendees.models import User
from outbox.models import Mail
from tests.commit import after_commit

pytestmark = pytest.mark.django_db

SITE = "https://training.example.net"
SIGNUP = {
    "password1": "a-Long-unusual-passphrase-42",
    "password2": "a-Long-unusual-passphrase-42",
    "full_name": "Nadia Rahman",
    "rank": "",
    "unit": "",
    "time_zone": "Europe/Paris",
}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def assert_branded(message, program_name):
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    # A security notice names the client's address, the test client's 127.0.0.1.
    ip = re.compile(r"IP address: 127\.0\.0\.1")
    for body in (ip.sub("", message.body), ip.sub("", html), message.subject):
        assert "127.0.0.1" not in body and "example.com" not in body
        assert "localhost" not in body
    assert program_name in message.subject and program_name in message.body
    assert '<td style="background-color: #0b3d66;' in html and program_name in html
    return html


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [
        ("en", "Please Confirm Your Email Address", "Hello from"),
        ("fr", "Veuillez confirmer votre adresse e-mail", "Bonjour de la part de"),
    ],
)
def test_confirmation_mail_is_branded_html_and_text_in_the_new_users_language(
    client, settings, agency, language, subject, greeting
):
    email = f"nadia@{agency.domains.first().domain}"
    with after_commit():
        client.post(reverse("account_signup"), {**SIGNUP, "email": email, "language": language})
    assert Mail.objects.filter(to=email, kind="account").count() == 1
    (message,) = mail.outbox
    assert message.subject == f"[{settings.PROGRAM_NAME}] {subject}"
    html = assert_branded(message, settings.PROGRAM_NAME)
    assert f'<html lang="{language}">' in html
    assert greeting in message.body
    link = re.search(rf"{SITE}/accounts/confirm-email/[^\s<\"]+/", message.body).group(0)
    assert f'href="{link}"' in html


def test_password_reset_mail_is_branded_in_the_users_language(client, settings, officer):
    User.objects.filter(pk=officer.pk).update(language="fr")
    with after_commit():
        client.post(reverse("account_reset_password"), {"email": officer.email})
    (message,) = mail.outbox
    assert message.to == [officer.email]
    assert "E-mail de réinitialisation du mot de passe" in message.subject
    html = assert_branded(message, settings.PROGRAM_NAME)
    assert '<html lang="fr">' in html
    link = re.search(rf"{SITE}/accounts/password/reset/key/[^\s<\"]+/", message.body).group(0)
    assert f'href="{link}"' in html


def test_password_changed_notice_gives_the_time_with_its_zone(client_for, settings, officer):
    User.objects.filter(pk=officer.pk).update(time_zone="Asia/Singapore")
    client = client_for(officer)
    with after_commit():
        client.post(
            reverse("account_change_password"),
            {
                "oldpassword": "correct-horse-battery-staple",
                "password1": "a-New-unusual-passphrase-43",
                "password2": "a-New-unusual-passphrase-43",
            },
        )
    notices = [m for m in mail.outbox if m.to == [officer.email]]
    (message,) = notices
    assert "(Asia/Singapore)" in message.body
    assert_branded(message, settings.PROGRAM_NAME)
