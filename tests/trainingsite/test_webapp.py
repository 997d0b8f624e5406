import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from trainingsite.webapp import short_name

pytestmark = pytest.mark.django_db


def _manifest(client) -> dict:
    response = client.get(reverse("web_manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    return json.loads(response.content)


def test_manifest_is_public_valid_json_for_an_installable_app(client):
    data = _manifest(client)
    assert data["name"] == settings.PROGRAM_NAME
    assert 0 < len(data["short_name"]) <= 12
    assert (data["start_url"], data["scope"], data["display"]) == ("/", "/", "standalone")
    assert data["theme_color"].startswith("#") and data["background_color"].startswith("#")


def test_manifest_icons_exist_with_their_declared_sizes(client):
    icons = _manifest(client)["icons"]
    assert {i["sizes"] for i in icons} >= {"192x192", "512x512"}
    assert any(i.get("purpose") == "maskable" for i in icons)
    for icon in icons:
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        assert path, icon["src"]
        with Image.open(Path(path)) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_pages_link_the_manifest_and_icons(client):
    body = client.get(reverse("account_login")).content.decode()
    assert f'<link rel="manifest" href="{reverse("web_manifest")}">' in body
    assert 'rel="apple-touch-icon"' in body
    assert '<meta name="theme-color"' in body
    with Image.open(finders.find("img/apple-touch-icon.png")) as image:
        assert image.size == (180, 180)


def test_manifest_reachable_before_vetting_and_for_staff_without_mfa(client_for, pending_officer):
    assert client_for(pending_officer).get(reverse("web_manifest")).status_code == 200


def test_short_name_takes_initials_of_a_long_name():
    assert short_name("Crypto Investigations Training Program") == "CITP"
    assert short_name("Training") == "Training"


# --- signing out clears the device ------------------------------------------------------------


def test_sign_out_tells_the_browser_to_clear_caches_and_storage(client_for, officer):
    client = client_for(officer)
    page = client.get(reverse("dashboard"))
    assert "Clear-Site-Data" not in page.headers
    assert b"js/signout.js" in page.content
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    # Signed out: the next page is no longer a sign-out.
    assert "Clear-Site-Data" not in client.get(reverse("account_login")).headers


def test_sign_out_confirmation_page_clears_nothing(client_for, officer):
    response = client_for(officer).get(reverse("account_logout"))
    assert response.status_code == 200
    assert "Clear-Site-Data" not in response.headers


def test_signed_out_visitor_posting_sign_out_clears_nothing(client):
    response = client.post(reverse("account_logout"))
    assert "Clear-Site-Data" not in response.headers


def test_suspended_account_signed_out_by_the_site_clears_device(client_for, officer):
    client = client_for(officer)
    officer.status = officer.Status.SUSPENDED
    officer.save(update_fields=["status"])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
