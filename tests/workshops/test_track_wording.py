"""A track's certificate wording and validity: the placeholders, their checks, the form and
the services."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import TrackFactory
from workshops import services
from workshops.forms import TrackForm
from workshops.models import Track
from workshops.wording import MAX_LENGTH, fill_wording, validate_wording

pytestmark = pytest.mark.django_db

VALUES = {
    "workshop": "Tracing Bitcoin",
    "track": "Forensics",
    "hours": "8,5",
    "dates": "3 mars 2026",
    "place": "Lyon, France",
}


@pytest.fixture
def track():
    return TrackFactory(name="Blockchain forensics", slug="blockchain-forensics")


def _post(track, **extra):
    data = {"name": track.name, "description": "", "position": 0, "validity_months": ""}
    data.update(extra)
    return data


# --- placeholders ----------------------------------------------------------------------------


def test_every_placeholder_is_replaced():
    text = "a suivi {workshop} ({track}, {hours} h) à {place} le {dates}, {workshop}"
    assert fill_wording(text, VALUES) == (
        "a suivi Tracing Bitcoin (Forensics, 8,5 h) à Lyon, France le 3 mars 2026, Tracing Bitcoin"
    )


@pytest.mark.parametrize(
    ("text", "filled"),
    [
        ("{workshop.__class__.__mro__}", "{workshop.__class__.__mro__}"),
        ("{0}", "{0}"),
        ("{hours!r}", "{hours!r}"),
        ("{hours:>99999999}", "{hours:>99999999}"),
        ("{place[0]}", "{place[0]}"),
        ("{{workshop}}", "{Tracing Bitcoin}"),
        ("%(workshop)s", "%(workshop)s"),
    ],
)
def test_substitution_never_evaluates_anything(text, filled):
    # Only whole known names are replaced; the rest stays as typed (and the form refuses it).
    assert fill_wording(text, VALUES) == filled


def test_values_are_not_substituted_again():
    assert fill_wording("{workshop}", {"workshop": "{track}", "track": "X"}) == "{track}"


@pytest.mark.parametrize(
    "text",
    [
        "has completed {workshop} in {place} on {dates} ({hours} hours, {track} track)",
        "已完成{track}课程方向的{hours}学时培训",
        "plain sentence without placeholders",
        "x" * MAX_LENGTH,
    ],
)
def test_valid_wordings(text):
    validate_wording(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("has completed {course}", "Unknown placeholder {course}"),
        ("{workshop.__class__}", "Unknown placeholder"),
        ("{0} and {}", "Unknown placeholder {0}, {}"),
        ("has completed {workshop", "Braces"),
        ("has completed workshop}", "Braces"),
        ("{{workshop}}", "Braces"),
        ("x" * (MAX_LENGTH + 1), f"{MAX_LENGTH} characters (it has {MAX_LENGTH + 1})"),
    ],
)
def test_invalid_wordings_are_explained(text, message):
    with pytest.raises(ValidationError) as caught:
        validate_wording(text)
    assert any(message in m for m in caught.value.messages), caught.value.messages


# --- form ------------------------------------------------------------------------------------


def test_form_has_one_wording_field_per_site_language(track, settings):
    track.certificate_wording = {"fr": "a suivi {workshop}"}
    track.save()
    form = TrackForm(instance=track)
    codes = [code for code, _field in form.wording_fields()]
    assert codes == [code for code, _name in settings.LANGUAGES]
    assert form["wording_fr"].initial == "a suivi {workshop}"
    assert "{workshop}, {track}, {hours}, {dates}, {place}" in form.wording_help


def test_form_collects_the_wordings_and_leaves_blanks_out(track):
    form = TrackForm(
        _post(track, validity_months="36", wording_fr="  a suivi\n {workshop}  ", wording_es=""),
        instance=track,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["certificate_wording"] == {"fr": "a suivi {workshop}"}
    assert form.cleaned_data["validity_months"] == 36
    assert not any(name.startswith("wording_") for name in form.cleaned_data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("wording_zh_hans", "{课程}"),
        ("wording_pt_br", "concluiu {workshop"),
        ("wording_en", "y" * (MAX_LENGTH + 1)),
        ("validity_months", "0"),
        ("validity_months", "121"),
        ("validity_months", "-3"),
    ],
)
def test_form_errors_stay_on_their_field(track, field, value):
    form = TrackForm(_post(track, **{field: value}), instance=track)
    assert not form.is_valid()
    assert field in form.errors


# --- services --------------------------------------------------------------------------------


def test_services_save_validity_and_wording(coordinator):
    track = services.create_track(
        by=coordinator,
        name="OSINT",
        validity_months=24,
        certificate_wording={"en": "  has  completed {workshop} ", "fr": ""},
    )
    assert track.validity_months == 24
    assert track.certificate_wording == {"en": "has completed {workshop}"}
    track = services.update_track(
        track_id=track.pk,
        by=coordinator,
        name="OSINT",
        validity_months=None,
        certificate_wording={"zh-hans": "已完成{workshop}"},
    )
    track.refresh_from_db()
    assert track.validity_months is None
    assert track.certificate_wording == {"zh-hans": "已完成{workshop}"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"certificate_wording": {"en": "{nope}"}},
        {"certificate_wording": {"de": "hat {workshop} abgeschlossen"}},
        {"validity_months": 0},
        {"validity_months": 500},
    ],
)
def test_services_refuse_what_the_form_would(coordinator, track, kwargs):
    with pytest.raises(services.CurriculumError):
        services.update_track(track_id=track.pk, by=coordinator, name=track.name, **kwargs)
    track.refresh_from_db()
    assert track.certificate_wording == {} and track.validity_months is None


@pytest.mark.parametrize("role", ["trainer", "officer"])
def test_only_coordinators_change_the_wording(request, track, role):
    with pytest.raises(services.NotAllowed):
        services.update_track(
            track_id=track.pk,
            by=request.getfixturevalue(role),
            name=track.name,
            certificate_wording={"en": "x"},
        )


# --- pages -----------------------------------------------------------------------------------


def test_coordinator_saves_wording_and_validity(client_for, coordinator, track):
    response = client_for(coordinator).post(
        reverse("workshops:track_edit", args=[track.pk]),
        _post(track, validity_months="36", wording_fr="a suivi {workshop} ({hours} h)"),
    )
    assert response.status_code == 302
    track.refresh_from_db()
    assert track.validity_months == 36
    assert track.certificate_wording == {"fr": "a suivi {workshop} ({hours} h)"}


def test_coordinator_adds_a_track_with_wording(client_for, coordinator):
    response = client_for(coordinator).post(
        reverse("workshops:track_list"),
        {"name": "OSINT", "position": 1, "wording_es": "ha completado {workshop}"},
    )
    assert response.status_code == 302
    assert Track.objects.get(name="OSINT").certificate_wording == {"es": "ha completado {workshop}"}


def test_bad_wording_is_shown_on_the_form_and_nothing_saved(client_for, coordinator, track):
    response = client_for(coordinator).post(
        reverse("workshops:track_edit", args=[track.pk]),
        _post(track, wording_en="has completed {course}", validity_months="12"),
    )
    assert response.status_code == 400
    assert "Unknown placeholder {course}" in response.content.decode()
    track.refresh_from_db()
    assert track.certificate_wording == {} and track.validity_months is None


def test_edit_page_offers_a_preview_per_language(client_for, coordinator, track, settings):
    html = client_for(coordinator).get(reverse("workshops:track_edit", args=[track.pk])).content
    html = html.decode()
    preview = reverse("attendance:certificate_preview")
    assert html.count(f'formaction="{preview}"') == len(settings.LANGUAGES)
    assert 'formtarget="_blank"' in html
    assert f'name="track" value="{track.pk}"' in html
    assert "{workshop}, {track}, {hours}, {dates}, {place}" in html
