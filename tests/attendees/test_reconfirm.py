"""Vetting expiry: a signed, single-use, time-limited link renews access."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attendees import services
from attendees.models import User, VettingDecision
from attendees.models.access import AccessState
from outbox.models import Mail
from tests.commit import after_commit
from tests.signin import sign_in
from trainingsite.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired_officer(officer, settings):
    officer.vetted_at = timezone.now() - settings.VETTING_VALIDITY - timedelta(days=1)
    officer.save()
    return officer


def _request_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reconfirm_request"))
    assert response.url == reverse("access_status")
    path = re.search(r"https?://[^/\s]+(/access/reconfirm/[^\s]+/)", mail.outbox[-1].body)
    return path.group(1)


def test_expired_officer_is_sent_to_access_page_with_button(client_for, expired_officer):
    client = client_for(expired_officer)
    assert client.get(reverse("dashboard")).url == reverse("access_status")
    body = client.get(reverse("access_status")).content.decode()
    assert reverse("reconfirm_request") in body


def test_link_renews_vetting_once(client_for, expired_officer, django_capture_on_commit_callbacks):
    client = client_for(expired_officer)
    url = _request_link(client, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == [expired_officer.email]
    # GET only shows the confirmation button: a mail scanner fetching the link changes nothing.
    assert client.get(url).status_code == 200
    expired_officer.refresh_from_db()
    assert expired_officer.access_state == AccessState.EXPIRED

    response = client.post(url)
    assert response.url == reverse("dashboard")
    officer = User.objects.get(pk=expired_officer.pk)
    assert officer.access_state == AccessState.OK
    assert officer.vetting_decisions.first().action == VettingDecision.Action.RECONFIRMED

    reused = client.post(url)
    assert reused.status_code == 400
    assert "already been used" in reused.content.decode()
    assert officer.vetting_decisions.filter(action="reconfirmed").count() == 1


def test_tampered_link_is_refused(client_for, expired_officer, django_capture_on_commit_callbacks):
    client = client_for(expired_officer)
    url = _request_link(client, django_capture_on_commit_callbacks)
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    response = client.post(tampered)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_expired_link_is_refused(
    client_for, expired_officer, monkeypatch, settings, django_capture_on_commit_callbacks
):
    client = client_for(expired_officer)
    url = _request_link(client, django_capture_on_commit_callbacks)
    later = time.time() + settings.RECONFIRM_LINK_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(url)
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_link_of_another_officer_is_refused(
    client, expired_officer, agency, django_capture_on_commit_callbacks
):
    from tests.factories import OfficerFactory

    sign_in(client, expired_officer)
    url = _request_link(client, django_capture_on_commit_callbacks)
    other = OfficerFactory(agency=agency)
    sign_in(client, other)
    assert client.post(url).status_code == 400


def test_link_refused_when_agency_domain_was_removed(expired_officer):
    token = services.make_reconfirm_token(user=expired_officer)
    expired_officer.agency.domains.all().delete()
    with pytest.raises(ServiceError):
        services.reconfirm_agency_email(user_id=expired_officer.pk, token=token)


def test_officer_with_valid_vetting_gets_no_link(client_for, officer):
    client = client_for(officer)
    with after_commit():
        response = client.post(reverse("reconfirm_request"))
    assert response.url == reverse("access_status")
    assert mail.outbox == []
    assert not Mail.objects.exists()


def test_anonymous_following_link_is_sent_to_login(client, expired_officer):
    token = services.make_reconfirm_token(user=expired_officer)
    response = client.get(reverse("reconfirm", args=[token]))
    assert response.url.startswith(reverse("account_login"))


def test_link_stops_working_after_email_change(expired_officer):
    token = services.make_reconfirm_token(user=expired_officer)
    assert expired_officer.email not in token
    User.objects.filter(pk=expired_officer.pk).update(email="moved@" + expired_officer.email_domain)
    with pytest.raises(ServiceError):
        services.reconfirm_agency_email(user_id=expired_officer.pk, token=token)
