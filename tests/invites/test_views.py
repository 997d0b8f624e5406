import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils.http import http_date

from attendees.models import User
from invites.models import CalendarFeed
from invites.services import get_or_create_calendar_feed
from invites.tasks import sync_registration_invites
from registrations.models import Registration
from tests.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Workshop, WorkshopSession

from .conftest import local
from .icscheck import parse_calendar

pytestmark = pytest.mark.django_db


def feed_url(user) -> str:
    return reverse("invites:feed", kwargs={"token": get_or_create_calendar_feed(user=user).token})


# --- subscription feed -------------------------------------------------------------------


def test_feed_serves_only_the_officers_confirmed_sessions_as_publish(
    client, lisbon_workshop, officer, other_agency_officer, region
):
    RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    waitlisted = WorkshopFactory(region=region, title="Waitlisted one")
    RegistrationFactory(workshop=waitlisted, officer=officer, state=Registration.State.WAITLISTED)
    RegistrationFactory(workshop=lisbon_workshop, officer=other_agency_officer)

    response = client.get(feed_url(officer))  # no login: the token is the credential

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    raw = response.content
    cal, strict = parse_calendar(raw)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert strict.method.value == "PUBLISH"
    assert "my workshops" in str(cal["X-WR-CALNAME"])
    assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"])
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in raw
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in raw
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [
        "Blockchain forensics (session 1 of 2)",
        "Blockchain forensics (session 2 of 2)",
    ]
    assert b"Waitlisted one" not in raw
    assert b"ATTENDEE" not in raw
    assert other_agency_officer.email.encode() not in raw
    assert officer.email.encode() not in raw


def test_feed_reuses_the_uid_and_sequence_of_the_invites(client, lisbon_workshop, officer):
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_registration_invites(registration.pk)
    uids = set(officer.invite_deliveries.values_list("uid", flat=True))
    cal, _ = parse_calendar(client.get(feed_url(officer)).content)
    assert {str(e["UID"]) for e in cal.walk("VEVENT")} == uids


def test_trainer_feed_lists_the_sessions_they_teach(client, lisbon_workshop, trainer):
    cal, _ = parse_calendar(client.get(feed_url(trainer)).content)
    assert len(cal.walk("VEVENT")) == 2
    assert "meet.example.org" in str(cal.walk("VEVENT")[0]["DESCRIPTION"])


def test_feed_answers_304_to_etag_and_last_modified_until_something_changes(
    client, lisbon_workshop, officer
):
    RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    url = feed_url(officer)
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and last_modified

    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    not_modified = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert not_modified.status_code == 304
    assert not_modified["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200

    session = lisbon_workshop.sessions.first()
    session.starts_at += dt.timedelta(hours=1)
    session.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_feed_if_modified_since_before_the_change_gets_the_body(client, lisbon_workshop, officer):
    RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    url = feed_url(officer)
    client.get(url)
    feed = CalendarFeed.objects.get(user=officer)
    earlier = http_date(feed.content_changed_at.timestamp() - 3600)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_reset_token_makes_the_old_address_404(client_for, client, officer):
    old = feed_url(officer)
    assert client.get(old).status_code == 200
    response = client_for(officer).post(reverse("invites:reset_subscription"))
    assert response.status_code == 302
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(feed_url(officer)).status_code == 200


@pytest.mark.parametrize("token", ["nope", "x" * 43, "../../admin"])
def test_unknown_token_is_404(client, token):
    response = client.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 404
    assert b"VCALENDAR" not in response.content


def test_suspended_users_feed_is_404(client, officer):
    url = feed_url(officer)
    officer.status = User.Status.SUSPENDED
    officer.save()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("token", ["%00", "a%00b"])
def test_feed_token_with_a_nul_byte_is_404(client, token):
    assert client.get(f"/calendar/feed/{token}.ics").status_code == 404


def test_feed_refuses_post(client, officer):
    assert client.post(feed_url(officer)).status_code == 405


# --- subscription page -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "focal_point", "trainer"])
def test_subscription_page_shows_the_users_private_addresses(request, client_for, who):
    user = request.getfixturevalue(who)
    response = client_for(user).get(reverse("invites:subscription"))
    assert response.status_code == 200
    token = CalendarFeed.objects.get(user=user).token
    body = response.content.decode()
    assert f"webcal://training.example.org/calendar/feed/{token}.ics" in body
    assert f"https://training.example.org/calendar/feed/{token}.ics" in body
    assert "<script>" not in body.replace('<script src="', "")


@pytest.mark.parametrize("who", ["coordinator", "program_admin"])
def test_subscription_page_is_forbidden_to_staff_without_sessions(request, client_for, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("invites:subscription")).status_code == 403
    assert client_for(user).post(reverse("invites:reset_subscription")).status_code == 403


def test_subscription_page_needs_login_and_program_access(client, client_for, pending_officer):
    response = client.get(reverse("invites:subscription"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client_for(pending_officer).get(reverse("invites:subscription"))
    assert response.status_code == 302 and response["Location"] == "/access/"


def test_reset_requires_post(client_for, officer):
    assert client_for(officer).get(reverse("invites:reset_subscription")).status_code == 405


def test_other_users_token_is_never_shown(client_for, officer, other_agency_officer):
    other = get_or_create_calendar_feed(user=other_agency_officer).token
    body = client_for(officer).get(reverse("invites:subscription")).content.decode()
    assert other not in body


def test_dashboard_shows_the_calendar_panel_to_officers_only(client_for, officer, coordinator):
    url = reverse("invites:subscription")
    assert url in client_for(officer).get(reverse("dashboard")).content.decode()
    assert url not in client_for(coordinator).get(reverse("dashboard")).content.decode()


# --- workshop download and links ---------------------------------------------------------


def ics(client, workshop):
    return client.get(reverse("invites:workshop_ics", kwargs={"pk": workshop.pk}))


def test_download_ics_for_a_visible_workshop_without_joining_link(
    client_for, lisbon_workshop, officer
):
    response = ics(client_for(officer), lisbon_workshop)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="blockchain-forensics.ics"'
    cal, _ = parse_calendar(response.content)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert len(cal.walk("VEVENT")) == 2
    assert b"meet.example.org" not in response.content


@pytest.mark.parametrize("who", ["registered", "trainer", "coordinator", "program_admin"])
def test_download_ics_has_the_joining_link_for_attendees_and_staff(
    request, client_for, lisbon_workshop, officer, who
):
    if who == "registered":
        RegistrationFactory(workshop=lisbon_workshop, officer=officer)
        user = officer
    else:
        user = request.getfixturevalue(who)
    response = ics(client_for(user), lisbon_workshop)
    assert response.status_code == 200
    assert b"meet.example.org/secret-room" in response.content.replace(b"\r\n ", b"")


def test_waitlisted_officer_download_has_no_joining_link(client_for, lisbon_workshop, officer):
    RegistrationFactory(
        workshop=lisbon_workshop, officer=officer, state=Registration.State.WAITLISTED
    )
    response = ics(client_for(officer), lisbon_workshop)
    assert b"meet.example.org" not in response.content.replace(b"\r\n ", b"")


@pytest.mark.parametrize("who", ["officer", "other_coordinator", "trainer"])
def test_draft_workshop_download_is_404_outside_its_scope(request, client_for, region, who):
    workshop = WorkshopFactory(region=region, status=Workshop.Status.DRAFT)
    user = request.getfixturevalue(who)
    assert ics(client_for(user), workshop).status_code == 404
    page = client_for(user).get(reverse("invites:workshop_calendar", kwargs={"pk": workshop.pk}))
    assert page.status_code == 404


def test_download_needs_login(client, lisbon_workshop):
    response = ics(client, lisbon_workshop)
    assert response.status_code == 302


def test_calendar_links_use_utc_times(client_for, lisbon_workshop, officer):
    response = client_for(officer).get(
        reverse("invites:workshop_calendar", kwargs={"pk": lisbon_workshop.pk})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("invites:workshop_ics", kwargs={"pk": lisbon_workshop.pk}) in body
    google = [
        parse_qs(urlsplit(href).query)
        for href in _hrefs(body, "https://calendar.google.com/calendar/render?")
    ]
    outlook = [
        parse_qs(urlsplit(href).query)
        for href in _hrefs(body, "https://outlook.live.com/calendar/0/deeplink/compose?")
    ]
    # 09:00 WEST = 08:00Z before the change, 09:00 WET = 09:00Z after.
    assert [g["dates"][0] for g in google] == [
        "20351026T080000Z/20351026T160000Z",
        "20351029T090000Z/20351029T170000Z",
    ]
    assert [o["startdt"][0] for o in outlook] == ["2035-10-26T08:00:00Z", "2035-10-29T09:00:00Z"]
    assert [o["enddt"][0] for o in outlook] == ["2035-10-26T16:00:00Z", "2035-10-29T17:00:00Z"]
    assert google[0]["action"] == ["TEMPLATE"]
    assert google[0]["text"] == ["Blockchain forensics (session 1 of 2)"]
    assert "Lisboa" in google[0]["location"][0]
    assert outlook[0]["subject"] == ["Blockchain forensics (session 1 of 2)"]
    assert "meet.example.org" not in body  # never in third-party links or the page
    assert 'rel="noopener noreferrer"' in body


def _hrefs(body: str, prefix: str) -> list[str]:
    import html
    import re

    return [
        html.unescape(h)
        for h in re.findall(r'href="([^"]+)"', body)
        if h.startswith(prefix.replace("&", "&amp;")) or html.unescape(h).startswith(prefix)
    ]


@pytest.mark.parametrize("count", [1, 20])
def test_calendar_page_queries_do_not_grow_with_sessions(
    client_for, region, officer, django_assert_max_num_queries, count
):
    start = local("Asia/Singapore", 2035, 6, 1, 9)
    workshop = WorkshopFactory(
        region=region,
        sessions=[
            (start + dt.timedelta(days=i), start + dt.timedelta(days=i, hours=8))
            for i in range(count)
        ],
    )
    assert WorkshopSession.objects.filter(workshop=workshop).count() == count
    client = client_for(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("invites:workshop_calendar", kwargs={"pk": workshop.pk}))
    assert response.content.decode().count("calendar.google.com") == count
