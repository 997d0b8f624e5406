"""Ids no row can have (beyond 64 bits), and dates past the calendar, as the fuzz sent them: a
form error or a 4xx on both databases, never a 500.

SQLite cannot bind an integer beyond 64 bits (OverflowError) where PostgreSQL answers the query,
so most of these failed on the embedded site only: `make test` runs tests/fuzz on SQLite too.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance.models import AttendanceMark
from attendees.models import User
from registrations.models import Registration
from tests.factories import (
    ModuleFactory,
    OfficerFactory,
    RegistrationFactory,
    StaffFactory,
    TrainerFactory,
    WorkshopFactory,
    publish_directly,
)
from tests.signin import sign_in
from trainingsite.ids import ModelMultipleIdField, out_of_range
from workshops.models import Module, Workshop

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = ["9223372036854775808", "99999999999999999999", "-99999999999999999999"]
INVALID_CHOICE = "is not one of the available choices"


@pytest.fixture
def superuser_client(client):
    return sign_in(client, StaffFactory(is_staff=True, is_superuser=True))


def test_ids_beyond_64_bits_are_out_of_range_and_text_is_left_to_django():
    assert not out_of_range("9223372036854775807")
    assert all(out_of_range(value) for value in BEYOND_64_BITS)
    assert not out_of_range("abc") and not out_of_range(None) and not out_of_range("1.5")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_the_sites_forms_choose_rows_with_the_id_field():
    """Every multiple choice of rows in the site's own forms (ModelForms' many-to-many fields
    included) is a ModelMultipleIdField; Django's admin is checked by the site's admin site."""
    ours = tuple(c.name for c in apps.get_app_configs() if "site-packages" not in c.path)
    for app in ours:
        if find_spec(f"{app}.forms"):
            import_module(f"{app}.forms")
    plain = [
        f"{form.__module__}.{form.__qualname__}.{name}"
        for form in _subclasses(forms.BaseForm)
        if form.__module__.startswith(ours)
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.ModelMultipleChoiceField)
        and not isinstance(field, ModelMultipleIdField)
    ]
    assert not plain
    assert "workshops" in ours


@pytest.mark.parametrize("value", BEYOND_64_BITS)
def test_multiple_id_field_refuses_an_id_beyond_64_bits_without_a_query(
    value, django_assert_num_queries
):
    field = ModelMultipleIdField(queryset=User.objects.all())
    with django_assert_num_queries(0), pytest.raises(ValidationError, match=INVALID_CHOICE):
        field.clean([value])


@pytest.mark.parametrize("field", ["prerequisites", "authors"])
@pytest.mark.parametrize("value", BEYOND_64_BITS)
def test_module_form_with_an_id_beyond_64_bits_is_a_form_error(client_for, trainer, field, value):
    response = client_for(trainer).post(
        reverse("workshops:module_create"), {"title": "Hostile", field: [value, "1"]}
    )
    assert response.status_code == 400
    assert INVALID_CHOICE in response.content.decode()
    assert not Module.objects.filter(title="Hostile").exists()


@pytest.mark.parametrize("value", BEYOND_64_BITS)
def test_workshop_form_with_a_trainer_id_beyond_64_bits_is_a_form_error(
    client_for, coordinator, region, value
):
    workshop = WorkshopFactory(region=region, status=Workshop.Status.DRAFT)
    for url in [
        reverse("workshops:workshop_create"),
        reverse("workshops:workshop_edit", args=[workshop.pk]),
    ]:
        response = client_for(coordinator).post(url, {"title": "Hostile", "trainers": [value]})
        assert response.status_code == 200  # the editor shows its errors
        assert INVALID_CHOICE in str(response.context["form"].errors["trainers"])
    assert not Workshop.objects.filter(title="Hostile").exists()


@pytest.mark.parametrize("value", BEYOND_64_BITS)
def test_bulk_decision_with_an_id_beyond_64_bits_is_a_form_error(
    client_for, coordinator, agency, region, value
):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    pending = RegistrationFactory(
        workshop=workshop, officer=OfficerFactory(agency=agency), state=Registration.State.PENDING
    )
    response = client_for(coordinator).post(
        reverse("registration:workshop_registrations", args=[workshop.pk]),
        {"action": "approve", "registrations": [pending.pk, value]},
    )
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.state == Registration.State.PENDING


@pytest.mark.parametrize("value", BEYOND_64_BITS)
def test_attendance_mark_for_a_registration_id_beyond_64_bits_is_refused(
    client_for, trainer, region, officer, value
):
    """The ids come from the field names; the roster check refuses them before any query."""
    workshop = WorkshopFactory(region=region, trainers=[trainer])
    RegistrationFactory(workshop=workshop, officer=officer)
    session = workshop.sessions.first()
    response = client_for(trainer).post(
        reverse("attendance:session", args=[session.pk]), {f"status_{value}": "present"}
    )
    assert response.status_code == 400
    assert not AttendanceMark.objects.exists()


def test_revision_of_a_module_id_beyond_64_bits_is_404(client_for, trainer):
    module = ModuleFactory(authors=[trainer])
    publish_directly(module)
    client = client_for(trainer)
    assert client.get(reverse("workshops:revision_detail", args=[module.pk, 1])).status_code == 200
    for value in BEYOND_64_BITS[:2]:
        response = client.get(f"/curriculum/{value}/revisions/1/")
        assert response.status_code == 404


# --- Django's admin ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", BEYOND_64_BITS)
def test_admin_action_on_an_id_beyond_64_bits_is_400(superuser_client, value):
    officer = OfficerFactory()
    response = superuser_client.post(
        reverse("admin:attendees_user_changelist"),
        {"action": "delete_selected", "_selected_action": [officer.pk, value]},
    )
    assert response.status_code == 400
    assert User.objects.filter(pk=officer.pk).exists()


@pytest.mark.parametrize("value", BEYOND_64_BITS)
def test_admin_many_to_many_id_beyond_64_bits_is_400(superuser_client, value):
    module = ModuleFactory(authors=[TrainerFactory()])
    for url, data in [
        (reverse("admin:auth_group_add"), {"name": "Hostile", "permissions": [value]}),
        (reverse("admin:workshops_module_change", args=[module.pk]), {"authors": [value]}),
        # A raw-id widget's ids come comma-separated.
        (reverse("admin:auth_group_add"), {"name": "Hostile", "permissions": f"1,{value}"}),
    ]:
        response = superuser_client.post(url, data)
        assert response.status_code == 400, url
    assert not Group.objects.filter(name="Hostile").exists()


@pytest.mark.parametrize(
    "query",
    [
        "starts_at__year=9999",
        "starts_at__year=9999&starts_at__month=12",
        "starts_at__year=9999&starts_at__month=12&starts_at__day=31",
        "starts_at__year=99999999999999999999",
        "starts_at__year=2026&starts_at__month=99999999999999999999",
        "starts_at__year=-9223372036854775809",
    ],
)
def test_admin_date_drill_down_past_the_calendar_is_400(superuser_client, query):
    url = reverse("admin:workshops_workshop_changelist")
    assert superuser_client.get(f"{url}?starts_at__year=2026").status_code == 200
    assert superuser_client.get(f"{url}?{query}").status_code == 400
    # The action form posts to the page's address, drill-down included.
    assert superuser_client.post(f"{url}?{query}", {"action": ""}).status_code == 400
