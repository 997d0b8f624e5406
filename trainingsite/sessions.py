"""Database sessions, read with one plain SELECT.

Every signed-in request loads its session. Django's `db` store builds an ORM query for it, which
cost as much Python as the rest of a short request (0.85 ms against 0.28 here on the reference
VM, bench/registration_rush.py). The read here is the same row with the same expiry rule;
saving, deleting and the Session model are Django's own.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from trainingsite.plainsql import PlainSelect

_SESSION = PlainSelect(Session, where="{session_key} = %s AND {expire_date} > %s")


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        session = _SESSION.get([self.session_key, timezone.now()])
        if session is None:
            self._session_key = None
        return session
