"""Demo API tokens with known secrets, so a newcomer can call the API at once (`make run`
prints them). Only the demo data has them: real tokens are random and shown once."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from attendees.demo import DEMO_PASSWORD
from attendees.models import User

from .models import ApiToken, hash_token

TOKENS = [
    # (label, owner, access, key, secret)
    (
        "Officer (Singapore)",
        "officer@spf.example.sg",
        ApiToken.Access.WRITE,
        "demo0fficer1",
        "tsk_demo0fficer1_demo-officer-token-not-for-production",
    ),
    (
        "Focal point (Singapore)",
        "focal@spf.example.sg",
        ApiToken.Access.READ,
        "demof0cal001",
        "tsk_demof0cal001_demo-focal-point-token-not-for-production",
    ),
]


def seed():
    logins = []
    for label, email, access, key, secret in TOKENS:
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        ApiToken.objects.update_or_create(
            key=key,
            defaults={
                "user": user,
                "name": "Demo",
                "token_hash": hash_token(secret),
                "access": access,
                # Renewed at every seeding: the demo token never expires on a demo site.
                "expires_at": timezone.now() + timedelta(days=365),
                "revoked_at": None,
            },
        )
        logins.append((label, email, DEMO_PASSWORD, f"API token: {secret}"))
    return logins
