"""Signing a test client in as the site's sign-in would leave it."""

from attendees.mfa import has_totp, mark_verified


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
