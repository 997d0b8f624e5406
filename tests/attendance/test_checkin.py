import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import AttendanceChange, AttendanceMark
from tests.factories import RegistrationFactory
from trainingsite.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(current_workshop):
    return list(current_workshop.sessions.all())


@pytest.fixture
def enrolled(current_workshop, officer):
    return RegistrationFactory(workshop=current_workshop, officer=officer)


def _code(session, trainer):
    return services.get_or_create_checkin_code(session_id=session.pk, by=trainer).code


def test_code_marks_confirmed_officer_present_in_window(trainer, officer, enrolled, sessions):
    mark = services.check_in(officer=officer, code=_code(sessions[0], trainer))
    assert (mark.session, mark.status, mark.source) == (sessions[0], "present", "check_in")
    assert AttendanceChange.objects.get().changed_by == officer


def test_code_is_accepted_with_hyphen_and_lower_case(trainer, officer, enrolled, sessions):
    code = services.get_or_create_checkin_code(session_id=sessions[0].pk, by=trainer)
    mark = services.check_in(officer=officer, code=code.display_code.lower())
    assert mark.status == "present"


def test_check_in_twice_changes_nothing(trainer, officer, enrolled, sessions):
    code = _code(sessions[0], trainer)
    services.check_in(officer=officer, code=code)
    services.check_in(officer=officer, code=code)
    assert AttendanceChange.objects.count() == 1


def test_check_in_after_grace_period_is_late(trainer, officer, enrolled, sessions):
    now = sessions[0].starts_at + dt.timedelta(minutes=16)
    assert services.check_in(officer=officer, code=_code(sessions[0], trainer), now=now).status == (
        "late"
    )


def test_code_of_another_session_is_refused(trainer, officer, enrolled, sessions):
    with pytest.raises(ServiceError, match="not open yet"):
        services.check_in(officer=officer, code=_code(sessions[1], trainer))
    assert not AttendanceMark.objects.exists()


def test_window_opens_30_minutes_before_and_closes_at_end(trainer, officer, enrolled, sessions):
    session, code = sessions[1], _code(sessions[1], trainer)
    with pytest.raises(ServiceError, match="not open yet"):
        services.check_in(
            officer=officer, code=code, now=session.starts_at - dt.timedelta(minutes=31)
        )
    services.check_in(officer=officer, code=code, now=session.starts_at - dt.timedelta(minutes=30))
    assert AttendanceMark.objects.get(session=session).status == "present"


def test_code_after_session_end_is_refused(trainer, officer, enrolled, sessions):
    code = _code(sessions[0], trainer)
    with pytest.raises(ServiceError, match="has ended"):
        services.check_in(
            officer=officer, code=code, now=sessions[0].ends_at + dt.timedelta(seconds=1)
        )


def test_officer_not_confirmed_for_workshop_is_refused(trainer, other_agency_officer, sessions):
    with pytest.raises(ServiceError, match="not confirmed"):
        services.check_in(officer=other_agency_officer, code=_code(sessions[0], trainer))
    assert not AttendanceMark.objects.exists()


def test_wrong_codes_are_rate_limited(trainer, officer, enrolled, sessions, settings, locmem_cache):
    settings.ATTENDANCE_CHECKIN_GUESSES = 3
    for _i in range(3):
        with pytest.raises(ServiceError, match="not valid"):
            services.check_in(officer=officer, code="AAAAAAAA")
    with pytest.raises(ServiceError, match="Too many"):
        services.check_in(officer=officer, code=_code(sessions[0], trainer))
    assert not AttendanceMark.objects.exists()


def test_regenerated_code_voids_old_one(trainer, officer, enrolled, sessions):
    old = _code(sessions[0], trainer)
    services.regenerate_checkin_code(session_id=sessions[0].pk, by=trainer)
    with pytest.raises(ServiceError, match="not valid"):
        services.check_in(officer=officer, code=old)


def test_opening_the_qr_link_prefills_but_does_not_mark(client_for, trainer, enrolled, sessions):
    code = _code(sessions[0], trainer)
    response = client_for(enrolled.officer).get(reverse("attendance:checkin") + f"?code={code}")
    assert response.status_code == 200
    assert code in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_check_in_view_marks_present(client_for, trainer, enrolled, sessions):
    code = _code(sessions[0], trainer)
    response = client_for(enrolled.officer).post(reverse("attendance:checkin"), {"code": code})
    assert response.status_code == 200
    assert "You are checked in" in response.content.decode()
    assert AttendanceMark.objects.get().status == "present"


def test_check_in_view_shows_clear_refusal(client_for, trainer, enrolled, sessions):
    code = _code(sessions[1], trainer)
    response = client_for(enrolled.officer).post(reverse("attendance:checkin"), {"code": code})
    assert response.status_code == 400
    assert "check-in is not open yet" in response.content.decode()


def test_anonymous_check_in_link_goes_to_login_and_back(client, trainer, sessions):
    url = reverse("attendance:checkin") + "?code=ABCDEFGH"
    response = client.get(url)
    assert response.status_code == 302
    assert "next=" in response.url


def test_trainer_sees_code_page_and_qr_svg(client_for, trainer, sessions):
    url = reverse("attendance:checkin_code", args=[sessions[0].pk])
    response = client_for(trainer).get(url)
    code = sessions[0].check_in_code
    assert code.display_code in response.content.decode()
    svg = client_for(trainer).get(url + "?format=svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content


def test_officer_and_other_trainer_cannot_see_code(client_for, officer, other_trainer, sessions):
    url = reverse("attendance:checkin_code", args=[sessions[0].pk])
    assert client_for(officer).get(url).status_code == 403
    assert client_for(other_trainer).get(url).status_code == 404


def test_window_uses_workshop_setting(trainer, officer, enrolled, sessions):
    services.update_attendance_settings(
        workshop_id=enrolled.workshop_id,
        by=trainer,
        completion_threshold=75,
        checkin_opens_minutes=5,
    )
    with pytest.raises(ServiceError, match="not open yet"):
        services.check_in(
            officer=officer,
            code=_code(sessions[1], trainer),
            now=sessions[1].starts_at - dt.timedelta(minutes=6),
        )
    assert timezone.now()
