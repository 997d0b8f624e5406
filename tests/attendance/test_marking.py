import pytest
from django.urls import reverse

from attendance import services
from attendance.models import AttendanceChange, AttendanceMark
from registrations.models import Registration
from tests.factories import OfficerFactory, RegistrationFactory
from trainingsite.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(past_workshop):
    return past_workshop.sessions.first()


def test_record_marks_creates_mark_and_history(trainer, registration, session):
    changed = services.record_marks(
        session_id=session.pk, by=trainer, marks={registration.pk: "late"}
    )
    assert changed == 1
    mark = AttendanceMark.objects.get(registration=registration, session=session)
    assert (mark.status, mark.marked_by) == ("late", trainer)
    change = AttendanceChange.objects.get()
    assert (change.old_status, change.new_status, change.changed_by) == ("", "late", trainer)


def test_saving_same_marks_twice_records_nothing_new(trainer, registration, session):
    services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})
    again = services.record_marks(
        session_id=session.pk, by=trainer, marks={registration.pk: "present"}
    )
    assert again == 0
    assert AttendanceMark.objects.count() == 1
    assert AttendanceChange.objects.count() == 1


def test_correction_records_old_and_new_status_and_who(trainer, coordinator, registration, session):
    services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})
    services.record_marks(session_id=session.pk, by=coordinator, marks={registration.pk: "absent"})
    latest = AttendanceChange.objects.order_by("-pk").first()
    assert (latest.old_status, latest.new_status, latest.changed_by) == (
        "present",
        "absent",
        coordinator,
    )
    assert AttendanceMark.objects.get().status == "absent"


def test_mark_all_present_keeps_exceptions(trainer, registration, session, agency):
    other = RegistrationFactory(
        workshop=registration.workshop, officer=OfficerFactory(agency=agency)
    )
    services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "excused"})
    changed = services.mark_all_present(session_id=session.pk, by=trainer)
    assert changed == 1
    statuses = dict(AttendanceMark.objects.values_list("registration_id", "status"))
    assert statuses == {registration.pk: "excused", other.pk: "present"}
    assert services.mark_all_present(session_id=session.pk, by=trainer) == 0


def test_cannot_mark_officer_not_on_confirmed_roster(trainer, past_workshop, session, agency):
    waitlisted = RegistrationFactory(
        workshop=past_workshop,
        officer=OfficerFactory(agency=agency),
        state=Registration.State.WAITLISTED,
    )
    foreign = RegistrationFactory(officer=OfficerFactory(agency=agency))
    for reg in (waitlisted, foreign):
        with pytest.raises(ServiceError):
            services.record_marks(session_id=session.pk, by=trainer, marks={reg.pk: "present"})
    assert not AttendanceMark.objects.exists()


def test_unknown_status_is_refused(trainer, registration, session):
    with pytest.raises(ServiceError):
        services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "gone"})


def test_other_trainer_cannot_mark(other_trainer, registration, session):
    with pytest.raises(ServiceError):
        services.record_marks(
            session_id=session.pk, by=other_trainer, marks={registration.pk: "present"}
        )


def test_marking_a_closed_workshop_is_refused(trainer, registration, session):
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    with pytest.raises(ServiceError, match="re-open"):
        services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})


def test_session_page_post_saves_marks_and_redirects(client_for, trainer, registration, session):
    url = reverse("attendance:session", args=[session.pk])
    response = client_for(trainer).post(url, {f"status_{registration.pk}": "late"})
    assert response.status_code == 302
    assert AttendanceMark.objects.get().status == "late"
    page = client_for(trainer).get(url).content.decode()
    assert "Attendance saved: 1 change." in page
    assert registration.officer.full_name in page


def test_mark_all_present_button_keeps_choices_made_on_the_page(
    client_for, trainer, registration, session, agency
):
    other = RegistrationFactory(
        workshop=registration.workshop, officer=OfficerFactory(agency=agency)
    )
    url = reverse("attendance:session", args=[session.pk])
    client_for(trainer).post(url, {"action": "all_present", f"status_{other.pk}": "absent"})
    statuses = dict(AttendanceMark.objects.values_list("registration_id", "status"))
    assert statuses == {registration.pk: "present", other.pk: "absent"}


def test_session_page_bad_input_is_400_with_message(client_for, trainer, registration, session):
    url = reverse("attendance:session", args=[session.pk])
    response = client_for(trainer).post(url, {"status_abc": "present"})
    assert response.status_code == 400
    assert "Invalid form data." in response.content.decode()
    response = client_for(trainer).post(url, {f"status_{registration.pk}": "nope"})
    assert response.status_code == 400


def test_session_page_has_no_inline_script(client_for, trainer, registration, session):
    body = client_for(trainer).get(reverse("attendance:session", args=[session.pk])).content
    assert b"js/attendance.js" in body
    assert b"<script>" not in body
    assert b"onclick" not in body


# --- a session that has not started asks for confirmation before saving ----------------------


@pytest.fixture
def future_session(current_workshop):
    """Tomorrow's session of a workshop that is running now."""
    return current_workshop.sessions.order_by("starts_at").last()


@pytest.fixture
def current_registration(current_workshop, officer):
    return RegistrationFactory(workshop=current_workshop, officer=officer)


def test_future_session_post_without_confirm_asks_and_saves_nothing(
    client_for, trainer, current_registration, future_session
):
    url = reverse("attendance:session", args=[future_session.pk])
    response = client_for(trainer).post(url, {f"status_{current_registration.pk}": "excused"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "This session has not started yet" in body
    # The choices ride along in the confirmation form, a plain POST that needs no script.
    assert f'name="status_{current_registration.pk}" value="excused"' in body
    assert 'name="confirm" value="1"' in body
    assert b"<script>" not in response.content
    assert not AttendanceMark.objects.exists()


def test_future_session_post_with_confirm_saves(
    client_for, trainer, current_registration, future_session
):
    url = reverse("attendance:session", args=[future_session.pk])
    response = client_for(trainer).post(
        url, {f"status_{current_registration.pk}": "excused", "confirm": "1"}
    )
    assert response.status_code == 302
    assert AttendanceMark.objects.get(session=future_session).status == "excused"


def test_future_session_mark_all_present_asks_then_keeps_the_action(
    client_for, trainer, current_registration, future_session
):
    url = reverse("attendance:session", args=[future_session.pk])
    client = client_for(trainer)
    response = client.post(url, {"action": "all_present"})
    assert response.status_code == 200
    assert 'value="all_present"' in response.content.decode()
    assert not AttendanceMark.objects.exists()
    assert client.post(url, {"action": "all_present", "confirm": "1"}).status_code == 302
    assert AttendanceMark.objects.get().status == "present"


def test_future_session_with_bogus_status_is_refused_not_confirmed(
    client_for, trainer, current_registration, future_session
):
    url = reverse("attendance:session", args=[future_session.pk])
    response = client_for(trainer).post(url, {f"status_{current_registration.pk}": "<b>x"})
    assert response.status_code == 400
    assert "<b>x" not in response.content.decode()


def test_running_session_saves_without_confirmation(
    client_for, trainer, current_registration, current_workshop
):
    running = current_workshop.sessions.order_by("starts_at").first()
    url = reverse("attendance:session", args=[running.pk])
    response = client_for(trainer).post(url, {f"status_{current_registration.pk}": "present"})
    assert response.status_code == 302
    assert AttendanceMark.objects.get().status == "present"


def test_future_session_page_warns_before_marking(client_for, trainer, future_session):
    body = client_for(trainer).get(reverse("attendance:session", args=[future_session.pk]))
    assert "you will be asked to confirm" in body.content.decode()


def test_outsiders_cannot_confirm_future_session_marks(
    client_for, other_trainer, other_coordinator, current_registration, future_session
):
    url = reverse("attendance:session", args=[future_session.pk])
    data = {f"status_{current_registration.pk}": "present", "confirm": "1"}
    assert client_for(other_trainer).post(url, data).status_code == 404
    assert client_for(other_coordinator).post(url, data).status_code == 404
    assert client_for(current_registration.officer).post(url, data).status_code == 403
    assert not AttendanceMark.objects.exists()
