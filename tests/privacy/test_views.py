import io
import json
import zipfile

import pytest
from django.urls import reverse

from attendees.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_officer_downloads_own_data_as_zip(client_for, officer):
    response = client_for(officer).post(reverse("my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert officer.email not in response["Content-Disposition"]
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
    assert data["profile"]["email"] == officer.email


def test_self_erasure_needs_the_password(client_for, officer):
    response = client_for(officer).post(reverse("my_data_erase"), {"password": "wrong"})
    assert response.status_code == 400
    officer.refresh_from_db()
    assert officer.full_name == "Officer Alice"


def test_self_erasure_with_password_erases_and_signs_out(client_for, officer):
    client = client_for(officer)
    response = client.post(reverse("my_data_erase"), {"password": PASSWORD})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.email == f"erased-{officer.pk}@invalid"
    assert client.get(reverse("dashboard")).status_code == 302


def test_coordinator_erasure_needs_a_reason(client_for, coordinator, officer):
    url = reverse("officer_privacy", args=[officer.pk])
    response = client_for(coordinator).post(url, {"action": "erase", "reason": ""})
    assert response.status_code == 200
    assert User.objects.get(pk=officer.pk).full_name == "Officer Alice"
    client_for(coordinator).post(url, {"action": "erase", "reason": "Letter of 3 May"})
    assert User.objects.get(pk=officer.pk).email.endswith("@invalid")


def test_coordinator_of_other_region_gets_404(client_for, other_coordinator, officer):
    url = reverse("officer_privacy", args=[officer.pk])
    response = client_for(other_coordinator).post(url, {"action": "export"})
    assert response.status_code == 404
