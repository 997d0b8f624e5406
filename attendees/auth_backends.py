"""Authentication backends: Django's and allauth's, with the per-request user read in plain SQL.

`get_user` runs on every signed-in request; its ORM query cost 0.75 ms of Python against
0.25 here (trainingsite/plainsql.py). The rules are Django's: an inactive user gets None.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from attendees.models import User
from trainingsite.plainsql import PlainSelect, primary_key

_USER = PlainSelect(User, where="{id} = %s")


def _load_user(backend, user_id):
    pk = primary_key(User, user_id)
    if pk is None:
        return None
    user = _USER.get([pk])
    return user if user is not None and backend.user_can_authenticate(user) else None


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        return _load_user(self, user_id)


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id):
        return _load_user(self, user_id)
