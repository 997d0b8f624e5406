"""Low-severity findings of the penetration test: each test states the rule that now holds."""

import datetime as dt

import pytest
from django.urls import reverse

from attendees.models import User
from tests.factories import OfficerFactory, StaffFactory
from tests.signin import sign_in
from workshops.material_links import stamp_text

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2030, 5, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def superuser_client(client):
    sign_in(client, StaffFactory(is_staff=True, is_superuser=True))
    return client


# --- the vetted name: typed by no one, and never replaced by an address ----------------------


def test_the_admin_shows_the_vetted_name_but_does_not_change_it(superuser_client, officer):
    url = reverse("admin:attendees_user_change", args=[officer.pk])
    page = superuser_client.get(url).content.decode()
    assert "Officer Alice" in page and 'name="vetted_name"' not in page
    response = superuser_client.post(
        url,
        {
            "email": officer.email,
            "full_name": officer.full_name,
            "time_zone": officer.time_zone,
            "language": officer.language,
            "is_active": "on",
            "vetted_name": "Director General Alice",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.vetted_name == "Officer Alice"


def test_the_admin_does_not_give_a_staff_member_a_vetted_name(superuser_client, trainer):
    url = reverse("admin:attendees_user_change", args=[trainer.pk])
    superuser_client.post(
        url,
        {
            "email": trainer.email,
            "full_name": trainer.full_name,
            "time_zone": trainer.time_zone,
            "language": trainer.language,
            "is_active": "on",
            "is_trainer": "on",
            "vetted_name": "Director General Tom",
        },
    )
    trainer.refresh_from_db()
    assert trainer.vetted_name == ""


def test_an_officer_without_a_vetted_name_is_stamped_with_a_placeholder(agency):
    officer = OfficerFactory(agency=agency, full_name="Director General X", vetted_name="")
    text = stamp_text(officer, WHEN)
    assert officer.email not in text and "Director General" not in text
    assert text.startswith("Name not vetted · ")


def test_staff_are_stamped_with_their_name_not_their_address(trainer):
    text = stamp_text(trainer, WHEN)
    assert trainer.email not in text
    assert text.startswith("Trainer Tom · ")


def test_the_profile_names_what_certificates_carry_without_the_address(client_for, agency):
    officer = OfficerFactory(agency=agency, full_name="Renamed Later", vetted_name="")
    User.objects.filter(pk=officer.pk).update(declined_name="")
    page = client_for(officer).get(reverse("profile")).content.decode()
    assert "Name not vetted" in page
