import pytest
from django.urls import reverse

from attendees.models import User

pytestmark = pytest.mark.django_db

PROFILE = {
    "full_name": "Alice Tan",
    "rank": "Senior Inspector",
    "unit": "Digital Forensics",
    "time_zone": "Europe/Lisbon",
    "language": "fr",
}


def test_officer_edits_profile(client_for, officer):
    response = client_for(officer).post(reverse("profile"), PROFILE)
    assert response.url == reverse("profile")
    officer.refresh_from_db()
    assert (officer.full_name, officer.rank, officer.unit, officer.time_zone) == (
        "Alice Tan",
        "Senior Inspector",
        "Digital Forensics",
        "Europe/Lisbon",
    )


def test_agency_and_email_cannot_be_changed(client_for, officer, other_agency):
    client_for(officer).post(
        reverse("profile"),
        {**PROFILE, "email": "evil@elsewhere.example", "agency": other_agency.pk, "status": "x"},
    )
    fresh = User.objects.get(pk=officer.pk)
    assert fresh.email == officer.email and fresh.agency_id == officer.agency_id
    assert fresh.status == User.Status.VERIFIED


def test_language_drives_the_interface(client_for, officer):
    client = client_for(officer)
    client.post(reverse("profile"), PROFILE)
    assert '<html lang="fr">' in client.get(reverse("profile")).content.decode()


def test_invalid_time_zone_is_a_form_error_keeping_input(client_for, officer):
    response = client_for(officer).post(
        reverse("profile"), {**PROFILE, "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert 'value="Digital Forensics"' in response.content.decode()
    officer.refresh_from_db()
    assert officer.time_zone == "UTC"


def test_empty_full_name_is_refused(client_for, officer):
    client_for(officer).post(reverse("profile"), {**PROFILE, "full_name": ""})
    officer.refresh_from_db()
    assert officer.full_name == "Officer Alice"


def test_pending_officer_may_fix_profile(client_for, pending_officer):
    assert client_for(pending_officer).get(reverse("profile")).status_code == 200


def test_staff_choose_how_they_hear_of_work_waiting(client_for, coordinator):
    client = client_for(coordinator)
    assert 'name="work_mail"' in client.get(reverse("profile")).content.decode()
    response = client.post(reverse("profile"), {**PROFILE, "work_mail": "digest"})
    assert response.url == reverse("profile")
    coordinator.refresh_from_db()
    assert coordinator.work_mail == User.WorkMail.DIGEST


def test_a_focal_point_chooses_too_and_keeps_it_when_the_field_is_absent(client_for, focal_point):
    client = client_for(focal_point)
    client.post(reverse("profile"), {**PROFILE, "work_mail": "none"})
    focal_point.refresh_from_db()
    assert focal_point.work_mail == User.WorkMail.NONE


def test_an_unknown_choice_is_refused_with_a_clear_message(client_for, coordinator):
    response = client_for(coordinator).post(reverse("profile"), {**PROFILE, "work_mail": "hourly"})
    assert response.status_code == 200
    assert "Choose how to hear about work waiting for you" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.work_mail == User.WorkMail.EACH


def test_officers_without_a_staff_role_are_not_asked(client_for, officer):
    client = client_for(officer)
    assert 'name="work_mail"' not in client.get(reverse("profile")).content.decode()
    client.post(reverse("profile"), {**PROFILE, "work_mail": "none"})
    officer.refresh_from_db()
    assert officer.work_mail == User.WorkMail.EACH
