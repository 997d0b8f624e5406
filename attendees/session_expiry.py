"""Shorter sessions for staff: trainers, coordinators and admins hold officers' data."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .mfa import is_staff_member

STARTED_KEY = "_staff_session_started"
SEEN_KEY = "_staff_session_seen"


# Last-seen is rewritten at most this often: a session save on every request costs a query.
SEEN_RESOLUTION = 60


def start_clock(session) -> None:
    now = int(time.time())
    session[STARTED_KEY] = now
    session[SEEN_KEY] = now


class StaffSessionExpiryMiddleware:
    """Sign staff out after STAFF_SESSION_MAX_AGE seconds in all, or STAFF_SESSION_IDLE without
    a request; officers keep the normal session age."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and is_staff_member(user):
            now = int(time.time())
            if STARTED_KEY not in request.session:
                start_clock(request.session)
            started = request.session[STARTED_KEY]
            seen = request.session.get(SEEN_KEY, now)
            max_age, idle = settings.STAFF_SESSION_MAX_AGE, settings.STAFF_SESSION_IDLE
            if now - started > max_age or now - seen > idle:
                logout(request)
                messages.info(request, _("Your session has expired. Please sign in again."))
                return redirect(reverse("account_login"))
            if now - seen >= SEEN_RESOLUTION:
                request.session[SEEN_KEY] = now
        return self.get_response(request)
