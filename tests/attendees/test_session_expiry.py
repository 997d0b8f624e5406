import time

import pytest
from django.urls import reverse

from attendees.session_expiry import SEEN_KEY, STARTED_KEY

pytestmark = pytest.mark.django_db


def _age_session(client, *, started_ago: int, seen_ago: int):
    session = client.session
    session[STARTED_KEY] = int(time.time()) - started_ago
    session[SEEN_KEY] = int(time.time()) - seen_ago
    session.save()


def test_staff_session_ends_after_an_idle_hour(client_for, coordinator):
    client = client_for(coordinator)
    assert client.get(reverse("dashboard")).status_code == 200
    _age_session(client, started_ago=7200, seen_ago=3700)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_staff_session_ends_after_eight_hours_even_when_active(client_for, trainer):
    client = client_for(trainer)
    client.get(reverse("dashboard"))
    _age_session(client, started_ago=8 * 3600 + 60, seen_ago=10)
    assert client.get(reverse("dashboard")).status_code == 302


def test_active_staff_session_continues(client_for, coordinator):
    client = client_for(coordinator)
    client.get(reverse("dashboard"))
    _age_session(client, started_ago=3600, seen_ago=600)
    assert client.get(reverse("dashboard")).status_code == 200


def test_officer_session_is_not_shortened(client_for, officer):
    client = client_for(officer)
    _age_session(client, started_ago=10 * 3600, seen_ago=2 * 3600)
    assert client.get(reverse("dashboard")).status_code == 200
