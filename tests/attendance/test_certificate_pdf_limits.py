"""A certificate renders in bounded time whatever its texts: a wording within its rules but
filled to thousands of characters, a word wider than the page, titles far past their fields."""

import datetime as dt
import io
import time

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from attendance import pdf, services
from attendance.models import Certificate
from attendance.pdf import Wording, render_certificate_pdf, sample_certificate
from tests.commit import after_commit
from tests.factories import (
    ModuleFactory,
    RegistrationFactory,
    TrackFactory,
    WorkshopFactory,
    publish_directly,
)
from workshops.models import WorkshopModule
from workshops.services.curriculum import update_track
from workshops.wording import (
    MAX_FILLED_LENGTH,
    MAX_LENGTH,
    MAX_VALUE_LENGTH,
    fill_wording,
    validate_wording,
)

pytestmark = pytest.mark.django_db

PREVIEW = "/attendance/certificate-preview/"
# Within every rule of a wording (only known placeholders, at most MAX_LENGTH characters) and
# of a track name (100 characters), yet one word of 4,200 characters once filled.
LONG_WORD_WORDING = "{track}" * 42
LONG_WORD_NAME = "X" * 100
# One certificate is rendered in a request, and once per completer while a workshop closes.
PDF_BUDGET_SECONDS = 2.0


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _hours_ago(hours: float) -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(hours=hours)


def test_the_long_word_wording_is_a_valid_one():
    assert len(LONG_WORD_WORDING) <= MAX_LENGTH
    validate_wording(LONG_WORD_WORDING)


def test_preview_of_a_valid_wording_renders_in_bounded_time(client_for, coordinator):
    client = client_for(coordinator)
    started = time.monotonic()
    response = client.post(
        PREVIEW, {"language": "en", "name": LONG_WORD_NAME, "wording_en": LONG_WORD_WORDING}
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed < PDF_BUDGET_SECONDS, f"one preview took {elapsed:.1f} s"
    text = _text(response.content)
    assert "XXXXXXXXXX" in text
    assert "…" in text
    assert "Sample workshop" in text


def test_closing_a_workshop_with_a_long_stored_wording_stays_fast(
    region, trainer, officer, coordinator
):
    # The wording is saved through the service the track form uses; closing the workshop
    # issues the certificate and renders its PDF for the mail.
    track = TrackFactory(name="Forensics", slug="forensics-long")
    update_track(
        track_id=track.pk,
        by=coordinator,
        name=LONG_WORD_NAME,
        description="",
        position=0,
        validity_months=None,
        certificate_wording={"en": LONG_WORD_WORDING},
    )
    module = ModuleFactory(title="UTXO tracing", track=track, duration_minutes=120)
    publish_directly(module)
    workshop = WorkshopFactory(
        title="Tracing Bitcoin",
        region=region,
        trainers=[trainer],
        sessions=[(_hours_ago(28), _hours_ago(24))],
    )
    WorkshopModule.objects.create(workshop=workshop, revision=module.published_revision, position=0)
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    services.record_marks(
        session_id=workshop.sessions.get().pk, by=trainer, marks={registration.pk: "present"}
    )
    started = time.monotonic()
    with after_commit():
        services.close_workshop(workshop_id=workshop.pk, by=trainer)
    elapsed = time.monotonic() - started
    assert elapsed < PDF_BUDGET_SECONDS, f"closing one officer's workshop took {elapsed:.1f} s"
    certificate = Certificate.objects.get(registration=registration)
    attachment = next(a for m in mail.outbox for a in m.attachments if a[2] == "application/pdf")
    assert certificate.number in _text(attachment[1])
    assert certificate.number in _text(render_certificate_pdf(certificate, "en"))


def test_every_text_of_the_page_far_too_long_still_renders_in_bounded_time():
    # Frozen facts are printed as stored: nothing but the drawing bounds them.
    certificate = sample_certificate(track=None, language="en")
    printed = certificate.printed
    printed["program"] = "P" * 5000
    printed["officer_name"] = "Ana " + "N" * 5000
    printed["agency"] = "agency " * 1000
    printed["workshop_title"] = "完" * 3000 + "T" * 5000
    printed["city"] = "C" * 5000
    printed["modules"] = [{"title": "M" * 5000, "minutes": 60}] * 3
    printed["trainers"] = ["R" * 5000]
    wording = Wording(text="{workshop} {place} " * 15, track_name="")
    started = time.monotonic()
    content = render_certificate_pdf(certificate, "en", wording=wording, sample=True)
    elapsed = time.monotonic() - started
    assert elapsed < PDF_BUDGET_SECONDS, f"one certificate took {elapsed:.1f} s"
    text = _text(content)
    assert "Ana" in text
    assert "Total hours" in text
    assert "…" in text


def test_a_word_wider_than_the_line_is_cut_with_few_measurements(monkeypatch):
    pdf._register_fonts()
    measured = []
    width_of = pdf.pdfmetrics.stringWidth

    def measuring(text, *args, **kwargs):
        measured.append(len(text))
        return width_of(text, *args, **kwargs)

    monkeypatch.setattr(pdf.pdfmetrics, "stringWidth", measuring)
    word = "Wi" * 2100
    lines = pdf._wrap(word, 12, 200)
    assert "".join(lines) == word
    assert all(width_of(line, pdf.FONT, 12) <= 200 for line in lines)
    assert all(width_of(line + word[0], pdf.FONT, 12) > 200 for line in lines[:-1])
    # Each line costs a few measurements of about its own length, not one per character of
    # the word's rest.
    assert sum(measured) < 30 * len(word)


def test_a_word_is_cut_after_one_character_when_none_fits():
    pdf._register_fonts()
    assert pdf._wrap("WWW", 12, 1) == ["W", "W", "W"]


def test_ellipsize_keeps_what_fits():
    pdf._register_fonts()
    text = "Tracing-Bitcoin-" * 500
    short = pdf._ellipsize(text, 9, 150)
    kept = short.removesuffix("…")
    assert text.startswith(kept)
    assert pdf._width(short, 9) <= 150
    assert pdf._width(text[: len(kept) + 1] + "…", 9) > 150
    assert pdf._ellipsize("Tracing Bitcoin", 9, 150) == "Tracing Bitcoin"


def test_a_filled_wording_is_bounded():
    filled = fill_wording(LONG_WORD_WORDING, {"track": LONG_WORD_NAME})
    assert len(filled) == MAX_FILLED_LENGTH
    assert filled == "X" * (MAX_FILLED_LENGTH - 1) + "…"


def test_a_long_value_is_shortened_where_it_is_placed():
    filled = fill_wording("has completed {workshop} in {place}", {"workshop": "T" * 500})
    assert filled == "has completed " + "T" * (MAX_VALUE_LENGTH - 1) + "… in "


def test_values_of_the_longest_fields_are_kept_whole():
    title = "T" * MAX_VALUE_LENGTH
    assert fill_wording("{workshop}", {"workshop": title}) == title


def test_a_normal_wording_prints_whole(client_for, coordinator):
    track = TrackFactory(name="Blockchain forensics", slug="blockchain-forensics")
    response = client_for(coordinator).post(
        PREVIEW,
        {
            "track": track.pk,
            "language": "en",
            "wording_en": "has completed {workshop}, part of the {track} track",
        },
    )
    assert response.status_code == 200
    assert "has completed Sample workshop, part of the Blockchain forensics track" in _text(
        response.content
    )
