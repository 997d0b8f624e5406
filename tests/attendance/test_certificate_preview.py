"""Coordinators preview a track's certificate with the wording they typed, before saving it."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import ModuleFactory, TrackFactory
from workshops.models import Module, Track

pytestmark = pytest.mark.django_db

URL = "/attendance/certificate-preview/"


def _text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


@pytest.fixture
def track():
    track = TrackFactory(name="Blockchain forensics", slug="blockchain-forensics")
    ModuleFactory(track=track, title="UTXO tracing", duration_minutes=90)
    ModuleFactory(track=track, title="Mixers and CoinJoin", duration_minutes=120)
    ModuleFactory(
        track=track, title="Retired module", duration_minutes=60, status=Module.Status.ARCHIVED
    )
    return track


def test_url_name():
    assert reverse("attendance:certificate_preview") == URL


def test_preview_prints_the_unsaved_wording(client_for, coordinator, track):
    response = client_for(coordinator).post(
        URL,
        {
            "track": track.pk,
            "language": "fr",
            "wording_fr": "a suivi les {hours} heures de {workshop} ({track}) à {place}",
            "wording_es": "{this one is not checked}",
            "validity_months": "36",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "certificate-preview-fr.pdf" in response["Content-Disposition"]
    text = _text(response.content)
    assert "Ana Sample" in text
    assert (
        "a suivi les 3,5 heures de Atelier d'exemple (Blockchain forensics) à Lisbon, Portugal"
        in text
    )
    assert "UTXO tracing" in text and "Mixers and CoinJoin" in text
    assert "Retired module" not in text
    assert "Certificat de réussite" in text and "Valable jusqu'au" in text
    assert "Exemple" in text  # marked as a sample
    track.refresh_from_db()
    assert track.certificate_wording == {}  # nothing saved


def test_blank_wording_previews_the_site_sentence(client_for, coordinator, track):
    response = client_for(coordinator).post(
        URL, {"track": track.pk, "language": "zh-hans", "wording_zh_hans": ""}
    )
    assert response.status_code == 200
    text = _text(response.content)
    assert "已完成培训班" in text and "Ana Sample" in text


def test_preview_of_a_track_not_saved_yet(client_for, coordinator):
    response = client_for(coordinator).post(
        URL, {"name": "OSINT", "language": "en", "wording_en": "completed the {track} course"}
    )
    assert response.status_code == 200
    text = _text(response.content)
    assert "completed the OSINT course" in text
    assert "Sample module 1" in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"language": "de", "wording_de": "x"}, "language"),
        ({"wording_en": "x"}, "required"),
        ({"language": "en", "wording_en": "has done {course}"}, "Unknown placeholder {course}"),
        ({"language": "en", "wording_en": "has done {workshop"}, "Braces"),
        ({"language": "en", "wording_en": "z" * 301}, "300 characters"),
        ({"language": "en", "track": "abc"}, "Track"),
        ({"language": "en", "track": "999999"}, "Track"),
        ({"language": "en", "track": str(10**30)}, "Track"),
        ({"language": "en", "validity_months": "0"}, "valid"),
        ({"language": "en", "validity_months": "x" * 50}, "valid"),
        ({"language": "en", "name": "n" * 500}, "Name"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(client_for, coordinator, data, message):
    response = client_for(coordinator).post(URL, data)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message.lower() in response.content.decode().lower()


def test_bad_input_reason_is_in_the_coordinator_s_language(client_for, coordinator):
    coordinator.language = "fr"
    coordinator.save(update_fields=["language"])
    response = client_for(coordinator).post(URL, {"language": "en", "wording_en": "{x}"})
    assert response.status_code == 400
    assert "Espace réservé inconnu" in response.content.decode()


def test_get_is_not_allowed(client_for, coordinator):
    assert client_for(coordinator).get(URL).status_code == 405


@pytest.mark.parametrize("role", ["officer", "trainer", "focal_point"])
def test_only_coordinators_preview(client_for, request, role, track):
    response = client_for(request.getfixturevalue(role)).post(
        URL, {"track": track.pk, "language": "en", "wording_en": "x"}
    )
    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, track):
    response = client.post(URL, {"track": track.pk, "language": "en"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Track.objects.get(pk=track.pk).certificate_wording == {}
