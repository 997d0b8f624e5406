import base64
import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from attendance import services
from attendance.models import AttendanceChange, AttendanceMark
from attendance.passes import BadScanCode, read_sheet_token, sheet_token
from attendance.sheets import sheet_registrations
from audit.models import AuditEntry
from registrations.models import Registration
from tests.factories import OfficerFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(past_workshop):
    return past_workshop.sessions.first()


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def _sheet_url(session):
    return reverse("attendance:session_sheet", args=[session.pk])


def _paper_url(session):
    return reverse("attendance:session_paper", args=[session.pk])


# --- the PDF ---------------------------------------------------------------------------------


def test_sheet_lists_vetted_names_and_agencies_without_email(
    client_for, trainer, registration, session, officer
):
    officer.vetted_name = "Alice Vetted-Name"
    officer.save(update_fields=["vetted_name"])
    response = client_for(trainer).get(_sheet_url(session))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    pages, text = _text(response.content)
    assert pages == 1
    assert "Alice Vetted-Name" in text
    assert "Agency A" in text
    assert "Tracing Bitcoin" in text
    assert "Session 1 of 2" in text
    assert "Page 1 of 1" in text
    assert "@" not in text
    assert officer.email not in text


def test_sheet_shows_the_session_time_in_the_venue_zone(client_for, trainer, registration, session):
    workshop = session.workshop
    workshop.time_zone = "Asia/Singapore"
    workshop.venue_name = "Harbour Training Centre"
    workshop.save(update_fields=["time_zone", "venue_name"])
    _pages, text = _text(client_for(trainer).get(_sheet_url(session)).content)
    assert "Singapore" in text
    assert "GMT+08:00" in " ".join(text.split())
    assert "Harbour Training Centre" in text


def test_sheet_prints_in_the_trainers_language(client_for, trainer, registration, session):
    trainer.language = "zh-hans"
    trainer.save(update_fields=["language"])
    pdf = client_for(trainer).get(_sheet_url(session)).content
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "zh-Hans"
    _pages, text = _text(pdf)
    assert "Officer Alice" in text
    # Dates in the locale's format (CLDR), whatever the catalogue holds.
    assert "年" in text


@pytest.mark.slow
def test_sixty_officers_take_several_numbered_pages(client_for, trainer, session, agency):
    for n in range(60):
        RegistrationFactory(
            workshop=session.workshop,
            officer=OfficerFactory(agency=agency, full_name=f"Off {n:02}"),
        )
    response = client_for(trainer).get(_sheet_url(session))
    pages, text = _text(response.content)
    assert pages > 1
    assert f"Page {pages} of {pages}" in text
    for n in range(60):
        assert f"Off {n:02}" in text


def test_qr_payload_verifies_and_carries_no_personal_data(registration, session, officer):
    token = sheet_token(session.pk, registration.pk)
    assert read_sheet_token(token) == (session.pk, registration.pk)
    payload = token.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert json.loads(decoded) == [session.pk, registration.pk]
    for personal in (officer.email, officer.full_name, officer.vetted_name, "Agency A"):
        assert personal.lower() not in token.lower()


def test_forged_or_foreign_qr_payload_is_refused(registration, session):
    token = sheet_token(session.pk, registration.pk)
    with pytest.raises(BadScanCode):
        read_sheet_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(BadScanCode):
        read_sheet_token("not a code")


def test_sheet_download_is_audited(client_for, trainer, registration, session):
    client_for(trainer).get(_sheet_url(session))
    entry = AuditEntry.objects.get(action="attendance.sheet_printed")
    assert entry.actor == trainer
    assert entry.target_id == str(session.pk)


@pytest.mark.parametrize(
    "who, status",
    [
        ("trainer", 200),
        ("other_trainer", 404),
        ("officer", 404),
        ("coordinator", 200),
        ("other_coordinator", 404),
    ],
)
def test_sheet_and_paper_page_by_role(request, client_for, registration, session, who, status):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(_sheet_url(session)).status_code == status
    assert client.get(_paper_url(session)).status_code == status
    before = AttendanceMark.objects.count()
    response = client.post(_paper_url(session), {f"status_{registration.pk}": "present"})
    assert response.status_code == (302 if status == 200 else 404)
    assert AttendanceMark.objects.count() == before + (1 if status == 200 else 0)


def test_sheet_signed_out_redirects_to_sign_in(client, session):
    response = client.get(_sheet_url(session))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_sheet_and_paper_page_share_the_row_order(session, agency):
    names = ["Zed", "adam", "Maria"]
    for name in names:
        RegistrationFactory(
            workshop=session.workshop, officer=OfficerFactory(agency=agency, full_name=name)
        )
    order = [r.officer.name_of_record for r in sheet_registrations(session)]
    assert order == ["adam", "Maria", "Zed"]


# --- entering a paper sheet ------------------------------------------------------------------


def test_paper_marks_are_recorded_with_source_paper(client_for, trainer, registration, session):
    response = client_for(trainer).post(_paper_url(session), {f"status_{registration.pk}": "late"})
    assert response.status_code == 302
    assert response["Location"] == reverse("attendance:session", args=[session.pk])
    mark = AttendanceMark.objects.get()
    assert (mark.status, mark.source, mark.marked_by) == ("late", "paper", trainer)
    assert AttendanceChange.objects.get().source == "paper"
    entry = AuditEntry.objects.get(action="attendance.marked")
    assert entry.data["source"] == "paper"
    page = client_for(trainer).get(response["Location"]).content.decode()
    assert "From a paper sign-in sheet" in page
    assert "Paper sheet entered: 1 change." in page


def test_paper_blank_rows_keep_their_marks(client_for, trainer, registration, session, agency):
    other = RegistrationFactory(workshop=session.workshop, officer=OfficerFactory(agency=agency))
    services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})
    client_for(trainer).post(_paper_url(session), {f"status_{other.pk}": "absent"})
    statuses = dict(AttendanceMark.objects.values_list("registration_id", "status"))
    assert statuses == {registration.pk: "present", other.pk: "absent"}


def test_paper_on_closed_workshop_is_refused_keeping_the_ticks(
    client_for, trainer, registration, session
):
    services.close_workshop(workshop_id=session.workshop_id, by=trainer)
    response = client_for(trainer).post(_paper_url(session), {f"status_{registration.pk}": "late"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This workshop is closed" in body
    assert f'id="p{registration.pk}-late" value="late" autocomplete="off" checked' in body
    assert not AttendanceMark.objects.filter(source="paper").exists()


def test_paper_officer_not_on_roster_is_refused(client_for, trainer, registration, session, agency):
    waitlisted = RegistrationFactory(
        workshop=session.workshop,
        officer=OfficerFactory(agency=agency),
        state=Registration.State.WAITLISTED,
    )
    foreign = RegistrationFactory(officer=OfficerFactory(agency=agency))
    for reg in (waitlisted, foreign):
        response = client_for(trainer).post(
            _paper_url(session),
            {f"status_{registration.pk}": "present", f"status_{reg.pk}": "present"},
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "not on this workshop&#x27;s confirmed roster" in body
        assert f'id="p{registration.pk}-present" value="present" autocomplete="off" checked' in body
    assert not AttendanceMark.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"status_abc": "present"}, {"status_1": "gone"}, {}, {"status_99999999999999999999": "late"}],
)
def test_paper_bad_input_is_400_with_message(client_for, trainer, registration, session, data):
    response = client_for(trainer).post(_paper_url(session), data)
    assert response.status_code == 400
    assert 'class="alert alert-danger' in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_session_page_links_sheet_and_paper(client_for, trainer, registration, session):
    body = client_for(trainer).get(reverse("attendance:session", args=[session.pk])).content
    assert _sheet_url(session).encode() in body
    assert _paper_url(session).encode() in body


def test_paper_page_queries_do_not_grow_with_the_roster(
    client_for, trainer, session, agency, django_assert_max_num_queries
):
    client = client_for(trainer)
    RegistrationFactory(workshop=session.workshop, officer=OfficerFactory(agency=agency))
    client.get(_paper_url(session))
    with django_assert_max_num_queries(20) as one:
        client.get(_paper_url(session))
    for _n in range(19):
        RegistrationFactory(workshop=session.workshop, officer=OfficerFactory(agency=agency))
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(_paper_url(session))
