"""Signing a test client in as the site's sign-in would leave it."""

import re

from django.core import mail
from django.urls import reverse

from attendees.mfa import has_totp, mark_verified
from tests.commit import after_commit


def sign_in(client, user):
    """`force_login`, plus what allauth's second step records for an account with TOTP (staff
    always have it): a code was entered in this session. Tests of the sign-in steps themselves
    go through the real pages instead."""
    client.force_login(user)
    if has_totp(user):
        session = client.session
        mark_verified(session, user)
        session.save()
    return client


def ask_for_setup_link(client) -> str:
    """Press "Send me the link" on the two-factor set-up page, as a staff member without an
    authenticator; returns the path of the link in the mail it sends."""
    with after_commit():
        response = client.post(reverse("two_factor_setup_send"))
    assert response.status_code == 302, response.status_code
    found = re.search(r"https?://[^/\s]+(/two-factor/setup/link/\S+/)", mail.outbox[-1].body)
    return found.group(1)
