"""The certificate PDF in every site language: labels, dates and numbers in the locale, the
embedded font (Chinese included), the track's wording, track credentials and older rows."""

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_countries import countries
from pypdf import PdfReader

from attendance import services
from attendance.checks import certificate_fonts
from attendance.models import Certificate
from attendance.pdf import render_certificate_pdf
from attendance.services.certificates import build_printed
from trainingsite import when
from workshops.models import Track

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "es", "pt-br", "fr", "zh-hans"]
# Every label a workshop certificate prints (values are filled in where they take one).
LABELS = [
    "Certificate of Completion",
    "This certifies that",
    "has completed the workshop",
    "Modules",
    "Hours",
    "Total hours",
    "Trainers",
    "Certificate number",
    "Issued %(date)s",
    "Valid until %(date)s",
    "Verify at",
]


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _english(label: str) -> str:
    return label.split("%(")[0].strip()


def _translated(label: str, language: str) -> str:
    with translation.override(language):
        return gettext(label)


@pytest.fixture
def certificate(trainer, registration):
    for session in registration.workshop.sessions.all():
        services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    certificate = Certificate.objects.get(registration=registration)
    certificate.expires_at = certificate.issued_at + dt.timedelta(days=3 * 365)
    certificate.save(update_fields=["expires_at"])
    return certificate


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_is_printed_in_the_language(certificate, language):
    text = _flat(_text(render_certificate_pdf(certificate, language)))
    p = certificate.printed
    issued = when.date(certificate.issued_at, when.UTC, long=True, language=language)
    until = when.date(certificate.expires_at, when.UTC, long=True, language=language)
    values = {"Issued %(date)s": {"date": issued}, "Valid until %(date)s": {"date": until}}
    for label in LABELS:
        translated = _translated(label, language) % values.get(label, {})
        assert _flat(translated) in text, (language, label)
        if language != "en":
            assert translated != label % values.get(label, {}) or label == "Modules", label
            if _english(_translated(label, language)) != _english(label):
                # No English label left (the French for "Modules" is "Modules").
                assert _english(label) not in text, (language, label)
    # The titles stay as written.
    for title in [p["workshop_title"], "UTXO tracing", "Wallets and keys", "Trainer Tom"]:
        assert title in text
    assert "Officer Alice" in text and certificate.number in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_are_the_ones_the_site_writes_in_that_language(certificate, language):
    p = certificate.printed
    workshop = certificate.registration.workshop
    sessions = list(workshop.sessions.all())
    expected = when.date_range(
        sessions[0].starts_at, sessions[-1].ends_at, workshop.tzinfo, long=True, language=language
    )
    text = _flat(_text(render_certificate_pdf(certificate, language)))
    assert _flat(expected) in text
    assert p["time_zone"] == workshop.time_zone
    if language != "en":
        assert _flat(p["dates"]) not in text  # not the English text stored for old readers


@pytest.mark.parametrize(
    ("language", "hours"),
    [("en", "1.5"), ("es", "1,5"), ("pt-br", "1,5"), ("fr", "1,5"), ("zh-hans", "1.5")],
)
def test_hours_are_written_the_locale_s_way(certificate, language, hours):
    certificate.printed = {**certificate.printed, "total_minutes": 90}
    text = _text(render_certificate_pdf(certificate, language))
    total = _translated("Total hours", language)
    assert re.search(re.escape(total) + r"\s*" + re.escape(hours) + r"(\s|$)", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_place_and_country_are_in_the_language(certificate, language):
    with translation.override(language):
        singapore = countries.name("SG")
    text = _text(render_certificate_pdf(certificate, language))
    # The city is as written; a country named like it is not repeated.
    place = "Training Centre, Singapore" + (f", {singapore}" if singapore != "Singapore" else "")
    assert place + " " + _translated("Modules", language) in _flat(text)
    certificate.printed = {**certificate.printed, "online": True}
    text = _text(render_certificate_pdf(certificate, language))
    assert _translated("Online", language) in text
    if _translated("Online", language) != "Online":  # Portuguese says "Online" too
        assert "Online" not in text


def test_chinese_text_comes_back_out_of_the_pdf(certificate):
    certificate.printed = {
        **certificate.printed,
        "officer_name": "李华",
        "agency": "公安部网络安全保卫局",
        "workshop_title": "区块链取证高级培训班",
    }
    text = _text(render_certificate_pdf(certificate, "zh-hans"))
    for expected in ["李华", "公安部网络安全保卫局", "区块链取证高级培训班", "兹证明", "结业证书"]:
        assert expected in text
    assert re.search(r"颁发日期：\d{4}年\d{1,2}月\d{1,2}日", text)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_font_is_embedded(certificate, language):
    reader = PdfReader(io.BytesIO(render_certificate_pdf(certificate, language)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        # A TrueType subset with its glyphs inside: no font is left to the reader's machine.
        assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
        assert "NotoSansSC" in font["/BaseFont"] or "Sans" in font["/BaseFont"]


def test_pdf_states_its_language(certificate):
    reader = PdfReader(io.BytesIO(render_certificate_pdf(certificate, "pt-br")))
    assert reader.trailer["/Root"]["/Lang"] == "pt-BR"


def test_default_language_is_the_holder_s(certificate, officer):
    officer.language = "fr"
    officer.save(update_fields=["language"])
    certificate.refresh_from_db()
    assert "Certificat de réussite" in _text(render_certificate_pdf(certificate))


def test_long_module_lists_are_summarised(certificate):
    modules = [{"title": f"Module number {n}", "minutes": 60, "track": "t"} for n in range(1, 13)]
    certificate.printed = {**certificate.printed, "modules": modules}
    text = _text(render_certificate_pdf(certificate, "es"))
    assert "Module number 1\n" in text + "\n"
    assert "Module number 12" not in text
    shown = len(re.findall(r"Module number \d+", text))
    assert shown < 12
    assert f"y {12 - shown} módulos más" in text


def test_long_titles_are_kept_whole_on_the_page(certificate):
    title = "Advanced cryptocurrency investigations: tracing, attribution and seizure " * 2
    certificate.printed = {**certificate.printed, "workshop_title": title.strip()}
    text = _flat(_text(render_certificate_pdf(certificate, "en")))
    assert _flat(title) in text


# --- the track's wording ---------------------------------------------------------------------


def test_workshop_certificate_uses_the_wording_of_its_first_module_s_track(certificate):
    track = Track.objects.get(pk=certificate.printed["wording_track_id"])
    assert track.name == "Blockchain forensics"  # the track of "UTXO tracing", the first module
    track.certificate_wording = {
        "fr": "a suivi les {hours} heures de « {workshop} » ({track}), {place}, {dates}",
        "zh-hans": "已完成{track}课程方向的{hours}学时培训",
    }
    track.save()
    # Issued after the wording was set (what a close does): the wording is frozen with it.
    certificate.printed = build_printed(
        registration=certificate.registration, workshop=certificate.registration.workshop
    )
    fr = _flat(_text(render_certificate_pdf(certificate, "fr")))
    dates = when.date_range(
        dt.datetime.fromisoformat(certificate.printed["starts"]),
        dt.datetime.fromisoformat(certificate.printed["ends"]),
        certificate.printed["time_zone"],
        long=True,
        language="fr",
    )
    assert (
        f"a suivi les 5 heures de « Tracing Bitcoin » (Blockchain forensics), "
        f"Training Centre, Singapore, Singapour, {dates}" in fr
    )
    assert "a suivi avec succès l'atelier" not in fr
    zh = _flat(_text(render_certificate_pdf(certificate, "zh-hans")))
    assert "已完成Blockchain forensics课程方向的5学时培训" in zh
    # A language without a wording prints the site's sentence.
    assert "ha completado el taller" in _text(render_certificate_pdf(certificate, "es"))


def test_a_later_wording_edit_never_rewords_an_issued_certificate(certificate):
    track = Track.objects.get(pk=certificate.printed["wording_track_id"])
    track.certificate_wording = {"en": "was re-worded later, for {workshop}"}
    track.save()
    text = _flat(_text(render_certificate_pdf(certificate, "en")))
    assert "re-worded" not in text
    assert "has completed the workshop" in text


def test_a_wording_is_never_formatted_as_python(certificate):
    track = Track.objects.get(pk=certificate.printed["wording_track_id"])
    # Saved around the form (an admin, a script): still printed as text, never evaluated.
    track.certificate_wording = {"en": "did {workshop.__class__} {0} {hours!r} {{track}} {hours}"}
    track.save()
    certificate.printed = build_printed(
        registration=certificate.registration, workshop=certificate.registration.workshop
    )
    text = _flat(_text(render_certificate_pdf(certificate, "en")))
    assert "did {workshop.__class__} {0} {hours!r} {Blockchain forensics} 5" in text


# --- the officer's download in a language ----------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "code"), [("fr", "fr"), ("pt-BR", "pt-br"), ("zh-hans", "zh-hans")]
)
def test_officer_downloads_in_any_site_language(client_for, certificate, officer, asked, code):
    url = reverse("attendance:certificate_pdf", args=[certificate.pk])
    response = client_for(officer).get(url, {"lang": asked})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        f'filename="certificate-{certificate.number}-{code}.pdf"' in response["Content-Disposition"]
    )
    assert _translated("Certificate of Completion", code) in _text(response.content)


def test_download_without_a_language_is_in_the_holder_s(client_for, certificate, officer):
    officer.language = "es"
    officer.save(update_fields=["language"])
    response = client_for(officer).get(reverse("attendance:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert f"-{certificate.number}-es.pdf" in response["Content-Disposition"]
    assert "Certificado de finalización" in _text(response.content)


@pytest.mark.parametrize("asked", ["de", "", "en-us", "../en", "zh", "x" * 500])
def test_download_in_another_language_is_refused(client_for, certificate, officer, asked):
    response = client_for(officer).get(
        reverse("attendance:certificate_pdf", args=[certificate.pk]), {"lang": asked}
    )
    assert response.status_code == 400
    assert b"languages" in response.content


def test_another_officer_cannot_download_in_any_language(
    client_for, certificate, other_agency_officer
):
    url = reverse("attendance:certificate_pdf", args=[certificate.pk])
    assert client_for(other_agency_officer).get(url, {"lang": "fr"}).status_code == 404


# --- track credentials and certificates issued before ----------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_track_credential_lists_modules_workshops_and_dates(officer, language):
    track = Track.objects.create(name="Blockchain forensics", slug="bf")
    printed = {
        "kind": "track",
        "program": settings.PROGRAM_NAME,
        "officer_name": "Officer Alice",
        "agency": "Agency A",
        "agency_country": "FR",
        "track_name": track.name,
        "track_id": track.pk,
        "modules": [
            {
                "title": "UTXO tracing",
                "minutes": 120,
                "workshop_title": "Tracing Bitcoin",
                "completed_on": "2026-03-04",
            },
            {
                "title": "Mixers",
                "minutes": 90,
                "workshop_title": "Privacy coins",
                "completed_on": "2026-05-20",
            },
        ],
        "total_minutes": 210,
    }
    certificate = Certificate.objects.create(holder=officer, track=track, printed=printed)
    text = _flat(_text(render_certificate_pdf(certificate, language)))
    for expected in ["Blockchain forensics", "UTXO tracing", "Tracing Bitcoin", "Privacy coins"]:
        assert expected in text
    for label in ["Track Certificate", "has completed every module of the track", "Workshop"]:
        assert _translated(label, language) in text
        if _translated(label, language) != label:  # "Workshop" is Portuguese too
            assert label not in text
    for day in (dt.date(2026, 3, 4), dt.date(2026, 5, 20)):
        assert when.date(day, when.UTC, language=language) in text
    total = "3.5" if language in ("en", "zh-hans") else "3,5"
    assert re.search(re.escape(_translated("Total hours", language)) + r"\s*" + total, text)


def test_certificates_issued_before_still_print(officer, registration):
    # A row from before the dates and place were kept as facts: only the English text.
    certificate = Certificate.objects.create(
        holder=officer,
        registration=registration,
        issued_at=timezone.now(),
        printed={
            "program": settings.PROGRAM_NAME,
            "officer_name": "Officer Alice",
            "agency": "Agency A",
            "workshop_title": "Tracing Bitcoin",
            "dates": "3 March 2025 – 4 March 2025",
            "place": "Training Centre, Singapore",
            "modules": [{"title": "UTXO tracing", "minutes": 120, "track": "Forensics"}],
            "total_minutes": 120,
            "trainers": ["Trainer Tom"],
        },
    )
    for language in LANGUAGES:
        text = _flat(_text(render_certificate_pdf(certificate, language)))
        assert "3 March 2025 – 4 March 2025 · Training Centre, Singapore" in text
        assert _translated("has completed the workshop", language) in text
    erased = {k: v for k, v in certificate.printed.items() if k not in ("officer_name", "agency")}
    certificate.printed = erased
    assert render_certificate_pdf(certificate, "fr").startswith(b"%PDF")


def test_system_check_reports_missing_fonts(settings, tmp_path):
    assert certificate_fonts(None) == []
    settings.CERTIFICATE_FONT_DIR = tmp_path
    errors = certificate_fonts(None)
    assert [e.id for e in errors] == ["attendance.E001"]
    assert "make assets" in errors[0].hint
