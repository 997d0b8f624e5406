"""Check-in passes: the officer's QR code on "My training", and a trainer's device checking the
officer in by scanning it (or a sign-in sheet's row), verified by the server when it syncs."""

import base64
import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import AttendanceChange, AttendanceMark
from attendance.passes import (
    MAX_LENGTH,
    BadScanCode,
    pass_token,
    read_scanned,
    sheet_token,
)
from attendance.services.offline import sync_marks
from registrations.models import Registration
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _scan(session, registration, token, *, minutes=1):
    return {
        "client_id": str(uuid.uuid4()),
        "session_id": session.pk,
        "registration_id": registration.pk,
        "status": "",
        "marked_at": (session.starts_at + dt.timedelta(minutes=minutes)).isoformat(),
        "kind": "scan",
        "token": token,
    }


@pytest.fixture
def running(current_workshop, officer):
    registration = RegistrationFactory(workshop=current_workshop, officer=officer)
    return current_workshop.sessions.first(), registration


# --- the codes ---------------------------------------------------------------------------------


def test_a_pass_says_only_its_registration_id(officer, running):
    _session, registration = running
    token = pass_token(registration.pk)
    payload = token.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert json.loads(decoded) == [registration.pk]
    for personal in (officer.email, officer.full_name, officer.vetted_name):
        assert personal.lower() not in token.lower()
    assert read_scanned(token) == (None, registration.pk)


def test_a_sheet_rows_code_reads_as_its_session_and_registration(running):
    session, registration = running
    assert read_scanned(sheet_token(session.pk, registration.pk)) == (session.pk, registration.pk)


@pytest.mark.parametrize(
    "make",
    [
        lambda pk: pass_token(pk)[:-2] + ("AA" if not pass_token(pk).endswith("AA") else "BB"),
        lambda pk: "not a code",
        lambda pk: "",
        lambda pk: None,
        lambda pk: pass_token(pk) + "x" * MAX_LENGTH,
        # Signed by us, but for something else (another salt).
        lambda pk: __import__("django.core.signing").core.signing.dumps([pk], salt="other"),
    ],
)
def test_a_forged_or_foreign_code_is_refused(running, make):
    with pytest.raises(BadScanCode):
        read_scanned(make(running[1].pk))


# --- syncing a scan ----------------------------------------------------------------------------


def test_a_scanned_pass_checks_the_officer_in_with_the_scan_time(trainer, running, settings):
    settings.ATTENDANCE_LATE_AFTER_MINUTES = 5
    session, registration = running
    [result] = sync_marks(
        by=trainer, marks=[_scan(session, registration, pass_token(registration.pk))]
    )
    assert result["result"] == "applied"
    mark = AttendanceMark.objects.get(registration=registration, session=session)
    assert (mark.status, mark.source, mark.marked_by) == ("present", "offline", trainer)
    assert mark.marked_at == session.starts_at + dt.timedelta(minutes=1)


def test_a_pass_scanned_after_the_late_threshold_is_late(trainer, running, settings):
    settings.ATTENDANCE_LATE_AFTER_MINUTES = 5
    session, registration = running
    sync_marks(
        by=trainer, marks=[_scan(session, registration, pass_token(registration.pk), minutes=8)]
    )
    assert AttendanceMark.objects.get().status == "late"


def test_a_scanned_sheet_row_checks_in_to_its_session(trainer, running):
    session, registration = running
    token = sheet_token(session.pk, registration.pk)
    [result] = sync_marks(by=trainer, marks=[_scan(session, registration, token)])
    assert result["result"] == "applied"


def _refused(trainer, mark):
    [result] = sync_marks(by=trainer, marks=[mark])
    assert result["result"] == "refused"
    assert not AttendanceChange.objects.exists()
    return result["message"]


def test_a_scan_with_a_forged_token_is_refused(trainer, running):
    session, registration = running
    token = pass_token(registration.pk)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (
        _refused(trainer, _scan(session, registration, forged))
        == "This check-in pass is not valid."
    )


def test_a_scan_without_a_token_is_refused(trainer, running):
    session, registration = running
    mark = _scan(session, registration, "")
    del mark["token"]
    assert _refused(trainer, mark) == "This check-in pass is not valid."


def test_another_officers_pass_cannot_check_this_one_in(trainer, running, agency):
    session, registration = running
    other = RegistrationFactory(workshop=session.workshop, officer=OfficerFactory(agency=agency))
    # The device claims `registration`, the signed pass says `other`.
    _refused(trainer, _scan(session, registration, pass_token(other.pk)))


def test_a_sheet_row_for_another_session_is_refused(trainer, running):
    session, registration = running
    tomorrow = session.workshop.sessions.exclude(pk=session.pk).get()
    _refused(trainer, _scan(session, registration, sheet_token(tomorrow.pk, registration.pk)))


def test_a_pass_of_an_officer_off_the_roster_is_refused(trainer, running):
    session, registration = running
    registration.state = Registration.State.CANCELLED
    registration.save(update_fields=["state"])
    message = _refused(trainer, _scan(session, registration, pass_token(registration.pk)))
    assert "roster" in message


def test_a_scan_outside_the_check_in_time_is_refused(trainer, registration):
    session = registration.workshop.sessions.first()  # over: it ended hours ago
    late = int((session.ends_at - session.starts_at).total_seconds() // 60) + 60
    mark = _scan(session, registration, pass_token(registration.pk), minutes=late)
    assert "check-in time" in _refused(trainer, mark)


def test_a_trainer_of_another_workshop_cannot_use_a_pass(other_trainer, running):
    session, registration = running
    _refused(other_trainer, _scan(session, registration, pass_token(registration.pk)))


# --- the officer's pass on "My training" -------------------------------------------------------


def _passes(client_for, officer):
    response = client_for(officer).get(reverse("registration:my_training"))
    assert response.status_code == 200
    return response


def test_my_training_shows_a_pass_for_a_coming_workshop_held_in_a_room(
    client_for, officer, region, trainer
):
    now = timezone.now()
    soon = WorkshopFactory(
        region=region,
        trainers=[trainer],
        sessions=[(now + dt.timedelta(days=3), now + dt.timedelta(days=3, hours=4))],
    )
    registration = RegistrationFactory(workshop=soon, officer=officer)
    response = _passes(client_for, officer)
    assert [r.pk for r, _code in response.context["checkin_passes"]] == [registration.pk]
    html = response.content.decode()
    assert f'data-pass="{registration.pk}"' in html
    assert "<svg" in html and "Check-in pass for" in html
    # The QR code is drawn in the page (kept by the offline copy), not fetched.
    assert "<img" not in html.split(f'data-pass="{registration.pk}"')[1].split("</div>")[0]


@pytest.mark.parametrize("case", ["online", "far", "waitlisted", "ended", "cancelled"])
def test_no_pass_where_there_is_nothing_to_check_in_to(client_for, officer, region, trainer, case):
    now = timezone.now()
    start = now + dt.timedelta(days=30 if case == "far" else 2)
    if case == "ended":
        start = now - dt.timedelta(days=2)
    workshop = WorkshopFactory(
        region=region,
        trainers=[trainer],
        format="online" if case == "online" else "in_person",
        status="cancelled" if case == "cancelled" else "published",
        sessions=[(start, start + dt.timedelta(hours=4))],
    )
    state = Registration.State.WAITLISTED if case == "waitlisted" else Registration.State.CONFIRMED
    RegistrationFactory(workshop=workshop, officer=officer, state=state)
    response = _passes(client_for, officer)
    assert response.context["checkin_passes"] == []
    assert "data-pass=" not in response.content.decode()


def test_an_officer_sees_only_their_own_pass(client_for, officer, running, agency):
    session, registration = running
    other = RegistrationFactory(workshop=session.workshop, officer=OfficerFactory(agency=agency))
    response = _passes(client_for, officer)
    assert [r.pk for r, _code in response.context["checkin_passes"]] == [registration.pk]
    assert f'data-pass="{other.pk}"' not in response.content.decode()


# --- the trainer's page --------------------------------------------------------------------------


def test_today_may_use_the_camera_and_the_qr_readers_webassembly(client_for, trainer):
    response = client_for(trainer).get(reverse("attendance:today"))
    assert "camera=(self)" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "'wasm-unsafe-eval'" in response["Content-Security-Policy"]
    # Every other page keeps the camera and WebAssembly off.
    other = client_for(trainer).get(reverse("attendance:workshops"))
    assert "camera=()" in other["Permissions-Policy"]
    assert "wasm-unsafe-eval" not in other["Content-Security-Policy"]


def test_today_data_gives_each_sessions_check_in_time(client_for, trainer, running):
    session, _registration = running
    data = client_for(trainer).get(reverse("attendance:today_data")).json()
    [entry] = data["sessions"]
    assert dt.datetime.fromisoformat(entry["checkin_opens"]) == session.starts_at - dt.timedelta(
        minutes=30
    )
    assert dt.datetime.fromisoformat(entry["checkin_closes"]) == session.ends_at
