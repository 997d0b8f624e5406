"""Database sessions, read with one plain SELECT.

Every signed-in request loads its session. Django's `db` store builds an ORM query for it, which
cost as much Python as the rest of a short request (0.85 ms against 0.28 here on the reference
VM, bench/registration_rush.py). The read here is the same row with the same expiry rule;
saving, deleting and the Session model are Django's own.
"""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from trainingsite.plainsql import PlainSelect

_SESSION = PlainSelect(Session, where="{session_key} = %s AND {expire_date} > %s")

# Sessions signed in before the backends moved to attendees/auth_backends.py name the old
# paths, which Django would no longer accept: read as the new ones, nobody is signed out.
RENAMED_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": "attendees.auth_backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": (
        "attendees.auth_backends.AuthenticationBackend"
    ),
}


class SessionStore(db.SessionStore):
    def load(self):
        data = super().load()
        renamed = RENAMED_BACKENDS.get(data.get(BACKEND_SESSION_KEY))
        if renamed:
            data[BACKEND_SESSION_KEY] = renamed
        return data

    def _get_session_from_db(self):
        session = _SESSION.get([self.session_key, timezone.now()])
        if session is None:
            self._session_key = None
        return session
