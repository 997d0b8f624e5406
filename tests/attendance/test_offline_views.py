"""The trainer's "today" page, its data for the device, and the service worker."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import CheckInCode
from attendance.views.offline import sessions_today
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_workshop(current_workshop, officer):
    RegistrationFactory(workshop=current_workshop, officer=officer)
    return current_workshop


def test_today_lists_the_sessions_of_today_only(client_for, trainer, today_workshop):
    response = client_for(trainer).get(reverse("attendance:today"))
    assert response.status_code == 200
    today, tomorrow = today_workshop.sessions.all()
    assert reverse("attendance:session", args=[today.pk]).encode() in response.content
    assert reverse("attendance:session", args=[tomorrow.pk]).encode() not in response.content
    # Cached by the service worker only, never with no-store (which it would refuse).
    assert response["Cache-Control"] == "private, no-cache"
    assert b"offline-attendance.js" in response.content


def test_today_is_the_venues_day(trainer, region):
    now = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)
    # 23:30 UTC is already the 11th in Tokyo: a session at 09:00 Tokyo time on the 11th is
    # today there, one at 09:00 on the 10th (Tokyo) is yesterday.
    workshop = WorkshopFactory(
        region=region,
        trainers=[trainer],
        time_zone="Asia/Tokyo",
        sessions=[
            (
                dt.datetime(2026, 3, 10, 0, 0, tzinfo=dt.UTC),
                dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC),
            ),
            (
                dt.datetime(2026, 3, 11, 0, 0, tzinfo=dt.UTC),
                dt.datetime(2026, 3, 11, 3, 0, tzinfo=dt.UTC),
            ),
        ],
    )
    yesterday, today = workshop.sessions.all()
    assert sessions_today(trainer, now) == [today]


def test_other_trainers_and_officers_do_not_see_today(
    client_for, other_trainer, officer, today_workshop
):
    response = client_for(other_trainer).get(reverse("attendance:today"))
    assert response.status_code == 200
    assert today_workshop.title.encode() not in response.content
    data = client_for(other_trainer).get(reverse("attendance:today_data")).json()
    assert data["sessions"] == []
    assert client_for(officer).get(reverse("attendance:today")).status_code == 403
    assert client_for(officer).get(reverse("attendance:today_data")).status_code == 403


def test_today_data_has_rosters_marks_and_codes(client_for, trainer, officer, today_workshop):
    session = today_workshop.sessions.first()
    registration = today_workshop.registrations.get()
    services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "late"})
    response = client_for(trainer).get(reverse("attendance:today_data"))
    assert response["Cache-Control"] == "private, no-store"
    data = response.json()
    assert data["user"] == trainer.pk
    assert data["csrf"]
    [entry] = data["sessions"]
    assert entry["id"] == session.pk
    assert entry["code"] == CheckInCode.objects.get(session=session).code
    assert entry["roster"] == [{"id": registration.pk, "name": officer.full_name, "status": "late"}]
    # Names only: no e-mail addresses or other contact details go to the device.
    assert officer.email not in response.content.decode()


def test_today_data_queries_do_not_grow_with_the_roster(
    client_for, trainer, today_workshop, agency, django_assert_max_num_queries
):
    client = client_for(trainer)
    client.get(reverse("attendance:today_data"))  # the check-in code is made once
    with django_assert_max_num_queries(30) as captured:
        client.get(reverse("attendance:today_data"))
    small = len(captured)
    for _ in range(20):
        RegistrationFactory(workshop=today_workshop, officer=OfficerFactory(agency=agency))
    with django_assert_max_num_queries(small):
        client.get(reverse("attendance:today_data"))


def test_service_worker_is_served_at_the_root_to_everyone(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert "/static/vendor/workbox/workbox-sw.js" in body
    assert "modulePathPrefix" in body
    # Only the today page and My training are kept, and only when they may be stored.
    assert '"/attendance/today/": TODAY_CACHE' in body
    assert '"/my-training/": "trainingsite-my-training"' in body
    assert "no-store" in body


def test_trainers_reach_today_from_the_dashboard_and_the_attendance_list(
    client_for, trainer, coordinator
):
    url = reverse("attendance:today").encode()
    assert url in client_for(trainer).get(reverse("dashboard")).content
    assert url in client_for(coordinator).get(reverse("attendance:workshops")).content


def test_a_session_later_today_is_listed(trainer, region):
    now = timezone.now()
    workshop = WorkshopFactory(
        region=region,
        trainers=[trainer],
        time_zone="UTC",
        sessions=[(now, now + dt.timedelta(hours=1))],
    )
    assert sessions_today(trainer, now) == [workshop.sessions.get()]
