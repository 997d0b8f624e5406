"""The certificate PDF, drawn with ReportLab from the certificate's frozen `printed` facts.

Printed in any site language: every label through gettext, dates through trainingsite.when,
hours and country names in the locale. Titles of workshops, modules and tracks stay as written.
One embedded font family (Noto Sans SC, subset) covers Latin and Chinese text alike."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from attendance import qr
from attendance.hours import format_hours, hours
from attendance.models import Certificate
from trainingsite import when
from workshops.models import Module, Track
from workshops.wording import fill_wording

BRAND = colors.HexColor("#0b3d66")
ACCENT = colors.HexColor("#f0b429")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#c8d1da")

FONT = "CertificateSans"
FONT_BOLD = "CertificateSans-Bold"
FONT_FILES = {FONT: "NotoSansSC_400Regular.ttf", FONT_BOLD: "NotoSansSC_700Bold.ttf"}

# Lines listed under "Modules" at most: a longer list ends with "and N more".
MAX_MODULE_LINES = 8
# The number shown on a preview: "0" is outside the numbers' alphabet, so it is never real.
SAMPLE_NUMBER = "CERT-0000-0000-0000-0000"

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
LEFT = 28 * mm
RIGHT = PAGE_WIDTH - 28 * mm
# Modules, hours and trainers on the left; number, dates and QR code on the right.
TABLE_WIDTH = 140 * mm
QR_SIZE = 32 * mm
QR_BOTTOM = 24 * mm
BOTTOM = 21 * mm


def font_paths() -> dict[str, Path]:
    folder = Path(settings.CERTIFICATE_FONT_DIR)
    return {name: folder / filename for name, filename in FONT_FILES.items()}


def _register_fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    for name, path in font_paths().items():
        if name in registered:
            continue
        if not path.is_file():
            raise ImproperlyConfigured(
                f"The certificate font {path} is missing: run `make assets`."
            )
        # TrueType fonts are embedded as subsets of the glyphs used.
        pdfmetrics.registerFont(TTFont(name, str(path)))


# The sign-in sheet prints with the same family.
register_fonts = _register_fonts


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("credentials:verify_number", args=[certificate.number])


def site_language(code: str | None) -> str | None:
    """The site language `code` names ("pt-BR" or "pt-br"), None if it names none."""
    if not code:
        return None
    wanted = code.strip().lower().replace("_", "-")
    return next((c for c, _name in settings.LANGUAGES if c.lower() == wanted), None)


def certificate_language(certificate: Certificate, language: str | None = None) -> str:
    """The language a certificate prints in: `language`, else its holder's, else the site's."""
    holder_language = certificate.holder.language if certificate.holder_id else None
    return site_language(language) or site_language(holder_language) or settings.LANGUAGE_CODE


def _language_tag(code: str) -> str:
    """BCP 47 for the PDF's /Lang: "pt-br" → "pt-BR", "zh-hans" → "zh-Hans"."""
    first, *rest = code.split("-")
    return "-".join([first] + [p.upper() if len(p) == 2 else p.title() for p in rest])


@dataclass(frozen=True)
class Wording:
    """A track's certificate sentence in one language, and the track's name for {track}."""

    text: str
    track_name: str


def stored_wording(printed: dict, language: str) -> Wording | None:
    """The sentence for `language` that the certificate's track set when it was issued (None:
    the site's own)."""
    frozen = printed.get("wording")
    if not isinstance(frozen, dict):
        return None
    texts = frozen.get("texts")
    if not isinstance(texts, dict) or not texts.get(language):
        return None
    return Wording(text=str(texts[language]), track_name=str(frozen.get("track", "")))


# --- text facts in the language ------------------------------------------------------------------


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=dt.UTC)


def dates_text(printed: dict, language: str) -> str:
    """The workshop's days in its own zone, in `language`; the stored English text for
    certificates printed before the moments were kept."""
    starts, ends = _moment(printed.get("starts")), _moment(printed.get("ends"))
    if starts is None:
        return str(printed.get("dates", ""))
    zone = when.zone(printed.get("time_zone") or "UTC")
    return when.date_range(starts, ends, zone, long=True, language=language)


def place_text(printed: dict) -> str:
    """Venue, city and country (its name in the active language), or "Online"; the stored
    English text for older certificates."""
    if "online" not in printed:
        return str(printed.get("place", ""))
    if printed["online"]:
        return _("Online")
    code = printed.get("country") or ""
    country = countries.name(code) if code else ""
    parts = [printed.get("venue_name") or "", printed.get("city") or "", country]
    return ", ".join(p for i, p in enumerate(parts) if p and p not in parts[:i])


# --- drawing helpers ---------------------------------------------------------------------------

# CJK ideographs, kana, hangul and full-width forms break anywhere; other text between spaces.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_TOKEN = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")
# Punctuation that never starts a line.
_NO_BREAK_BEFORE = set("，。、；：！？）」』】》〉,.;:!?)")


def _font(bold: bool) -> str:
    return FONT_BOLD if bold else FONT


def _width(text: str, size: float, bold: bool = False) -> float:
    return pdfmetrics.stringWidth(text, _font(bold), size)


def _fitting_prefix(
    text: str, size: float, width: float, bold: bool = False, suffix: str = ""
) -> int:
    """How many leading characters of `text`, followed by `suffix`, fit in `width` (0 if none).

    A prefix is never narrower than a shorter one, so the count is found by doubling a probe
    until it overflows, then halving the gap: a few measurements of at most twice the answer,
    whatever the length of `text`."""

    def fits(count: int) -> bool:
        return _width(text[:count] + suffix, size, bold) <= width

    low, high = 0, 1
    while high <= len(text) and fits(high):
        low, high = high, high * 2
    high = min(high, len(text) + 1)
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


def _ellipsize(text: str, size: float, width: float, bold: bool = False) -> str:
    if _width(text, size, bold) <= width:
        return text
    return text[: _fitting_prefix(text, size, width, bold, suffix="…")].rstrip() + "…"


def _is_cjk(char: str) -> bool:
    return bool(char) and re.match(f"[{_CJK}]", char) is not None


def _wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Greedy line breaking: at spaces, between CJK characters, inside a word only if the word
    alone is too wide."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(" ".join(text.split())):
        if token.isspace():
            line += " " if line else ""
            continue
        candidate = line + token
        if not line or token in _NO_BREAK_BEFORE or _width(candidate, size, bold) <= width:
            line = candidate
        else:
            lines.append(line.rstrip())
            line = token
        while line == token and len(line) > 1:
            # One word wider than the line: cut it where it overflows (after one character at
            # least, so that every line takes some of it).
            cut = _fitting_prefix(line, size, width, bold)
            if cut >= len(line):
                break
            cut = max(cut, 1)
            lines.append(line[:cut])
            line = token = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _join(lines: list[str]) -> str:
    """Lines back into one text: a space between words, none between CJK characters."""
    text = ""
    for line in lines:
        gap = "" if not text or (_is_cjk(text[-1]) and _is_cjk(line[:1])) else " "
        text += gap + line
    return text


def _balanced(text: str, size: float, width: float, count: int, bold: bool) -> list[str]:
    """`text` in `count` lines of about equal length: the narrowest width that still takes
    no more lines (a last line of one word under a long one reads badly)."""
    low, high = width / count, width
    best = _wrap(text, size, width, bold)
    while high - low > 2:
        middle = (low + high) / 2
        lines = _wrap(text, size, middle, bold)
        if len(lines) <= count:
            best, high = lines, middle
        else:
            low = middle
    return best


def _fit(
    text: str, size: float, min_size: float, width: float, max_lines: int = 1, bold=False
) -> tuple[float, list[str]]:
    """The largest size (down to `min_size`) at which `text` takes at most `max_lines` lines;
    at `min_size` the last line ends in an ellipsis if the text is longer still."""
    sizes = [size]
    while sizes[-1] - 0.5 >= min_size:
        sizes.append(sizes[-1] - 0.5)
    lines = _wrap(text, sizes[0], width, bold)
    if len(lines) <= max_lines:
        return sizes[0], lines
    # A smaller size never takes more lines: a text too long at the smallest is too long at
    # every size, and a long text is wrapped twice rather than once per size.
    smallest = _wrap(text, sizes[-1], width, bold) if len(sizes) > 1 else lines
    if len(smallest) > max_lines:
        rest = _join(smallest[max_lines - 1 :])
        return sizes[-1], smallest[: max_lines - 1] + [_ellipsize(rest, sizes[-1], width, bold)]
    for size in sizes[1:-1]:
        lines = _wrap(text, size, width, bold)
        if len(lines) <= max_lines:
            return size, lines
    return sizes[-1], smallest


class _Page:
    def __init__(self, c: canvas.Canvas):
        self.c = c

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        color=colors.black,
        align: str = "left",
    ) -> None:
        if not text:
            return
        self.c.setFont(_font(bold), size)
        self.c.setFillColor(color)
        if align == "centre":
            self.c.drawCentredString(x, y, text)
        elif align == "right":
            self.c.drawRightString(x, y, text)
        else:
            self.c.drawString(x, y, text)

    def block(
        self,
        y: float,
        text: str,
        size: float,
        min_size: float,
        *,
        max_lines: int = 1,
        bold: bool = False,
        color=colors.black,
        width: float = RIGHT - LEFT,
    ) -> float:
        """Centred text shrunk (and wrapped) to fit; returns the baseline of its last line."""
        size, lines = _fit(text, size, min_size, width, max_lines, bold)
        if 1 < len(lines) and not lines[-1].endswith("…"):
            lines = _balanced(text, size, width, len(lines), bold)
        for i, line in enumerate(lines):
            if i:
                y -= size * 1.3
            self.text(PAGE_WIDTH / 2, y, line, size, bold=bold, color=color, align="centre")
        return y

    def rule(self, x1: float, x2: float, y: float, color=RULE, width: float = 0.6) -> None:
        self.c.setStrokeColor(color)
        self.c.setLineWidth(width)
        self.c.line(x1, y, x2, y)


def _hours_text(minutes: Any) -> str:
    return format_hours(hours(int(minutes or 0)))


# --- the certificate -------------------------------------------------------------------------


def render_certificate_pdf(
    certificate: Certificate,
    language: str | None = None,
    *,
    wording: Wording | None = None,
    sample: bool = False,
) -> bytes:
    """The certificate as a one-page A4 landscape PDF in `language` (default: the holder's).
    `wording` replaces the track's stored sentence (a preview of unsaved text); `sample` marks
    the page as a specimen."""
    _register_fonts()
    language = certificate_language(certificate, language)
    with translation.override(language):
        return _render(certificate, language, wording, sample)


def _render(
    certificate: Certificate, language: str, wording: Wording | None, sample: bool
) -> bytes:
    p = certificate.printed or {}
    track_kind = p.get("kind") == "track"
    buffer = io.BytesIO()
    c = canvas.Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        initialFontName=FONT,
        lang=_language_tag(language),
    )
    page = _Page(c)
    program = str(p.get("program", ""))
    subject = str(p.get("track_name") if track_kind else p.get("workshop_title", ""))
    c.setTitle(f"{program} – {certificate.number}")
    c.setAuthor(program)
    c.setSubject(subject)

    c.setStrokeColor(BRAND)
    c.setLineWidth(3)
    c.rect(12 * mm, 12 * mm, PAGE_WIDTH - 24 * mm, PAGE_HEIGHT - 24 * mm)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(1)
    c.rect(15 * mm, 15 * mm, PAGE_WIDTH - 30 * mm, PAGE_HEIGHT - 30 * mm)
    if sample:
        _watermark(c)

    # The heading: who completed what.
    y = PAGE_HEIGHT - 32 * mm
    y = page.block(y, program, 14, 10, bold=True, color=BRAND)
    y -= 13 * mm
    title = _("Track Certificate") if track_kind else _("Certificate of Completion")
    y = page.block(y, title, 28, 18, bold=True)
    y -= 10 * mm
    y = page.block(y, _("This certifies that"), 12, 9, color=MUTED)
    y -= 12 * mm
    y = page.block(y, str(p.get("officer_name", "")), 26, 14, bold=True, color=BRAND)
    if p.get("agency"):
        y -= 7.5 * mm
        y = page.block(y, str(p["agency"]), 12.5, 9, color=MUTED)
    y -= 10 * mm
    if track_kind:
        sentence = _("has completed every module of the track")
        headline = str(p.get("track_name", ""))
        details = ""
    else:
        dates, place = dates_text(p, language), place_text(p)
        sentence = _sentence(p, language, wording, dates=dates, place=place)
        headline = str(p.get("workshop_title", ""))
        details = " · ".join(x for x in (dates, place) if x)
    y = page.block(y, sentence, 12, 9, max_lines=3, color=MUTED)
    y -= 8.5 * mm
    y = page.block(y, headline, 17, 11, max_lines=2, bold=True)
    if details:
        y -= 7 * mm
        y = page.block(y, details, 11, 8, max_lines=2, color=MUTED)

    top = y - 11 * mm
    if track_kind:
        _track_table(page, p, top, language)
    else:
        _workshop_table(page, p, top, post_test=certificate.post_test_text)
    _seal(page, certificate, language)
    c.showPage()
    c.save()
    return buffer.getvalue()


def _sentence(p: dict, language: str, wording: Wording | None, *, dates: str, place: str) -> str:
    """The line between the holder and the workshop: the track's wording, else the site's."""
    wording = wording if wording is not None else stored_wording(p, language)
    if wording is None or not wording.text.strip():
        return _("has completed the workshop")
    text = fill_wording(
        wording.text,
        {
            "workshop": str(p.get("workshop_title", "")),
            "track": wording.track_name,
            "hours": _hours_text(p.get("total_minutes")),
            "dates": dates,
            "place": place,
        },
    )
    return " ".join(text.split())


def _watermark(c: canvas.Canvas) -> None:
    """A pale "Sample" across the page, under everything else."""
    label = _("Sample")
    size = 110.0
    while size > 40 and _width(label, size, bold=True) > PAGE_WIDTH * 0.75:
        size -= 5
    c.saveState()
    c.setFillColor(colors.HexColor("#d9e2ec"))
    c.setFont(FONT_BOLD, size)
    c.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2 - 10 * mm)
    c.rotate(18)
    c.drawCentredString(0, 0, label)
    c.restoreState()


def _rows_that_fit(top: float, bottom: float, row: float, count: int) -> tuple[int, int]:
    """(lines listed, modules left unlisted): at most MAX_MODULE_LINES lines and what the
    space allows; when some are left out, the last line says how many."""
    room = max(int((top - bottom) // row), 1)
    limit = min(MAX_MODULE_LINES, room)
    if count <= limit:
        return count, 0
    return limit - 1, count - (limit - 1)


def _more_text(count: int) -> str:
    return ngettext("and %(count)d more module", "and %(count)d more modules", count) % {
        "count": count
    }


def _workshop_table(page: _Page, p: dict, top: float, *, post_test: str = "") -> None:
    x, right = LEFT, LEFT + TABLE_WIDTH
    row = 5.3 * mm
    modules = [m for m in p.get("modules") or [] if isinstance(m, dict)]
    trainers = ", ".join(str(t) for t in p.get("trainers") or [])
    trainer_lines: list[str] = []
    trainer_size = 9.5
    label = _("Trainers")
    if trainers:
        label_width = _width(label, trainer_size, bold=True) + 3 * mm
        trainer_size, trainer_lines = _fit(
            trainers, trainer_size, 8, TABLE_WIDTH - label_width, max_lines=2
        )
    # Below the list: the rule, the total, the post-test passed, then the trainers.
    below = 9 * mm + (len(trainer_lines) * 4.6 * mm + 3 * mm if trainer_lines else 0)
    below += 6.5 * mm if post_test else 0
    y = top
    if modules:
        page.text(x, y, _("Modules"), 10.5, bold=True, color=BRAND)
        page.text(right, y, _("Hours"), 10.5, bold=True, color=BRAND, align="right")
        shown, more = _rows_that_fit(y - 1 * mm, BOTTOM + below, row, len(modules))
        for module in modules[:shown]:
            y -= row
            hours_text = _hours_text(module.get("minutes"))
            title_width = TABLE_WIDTH - _width(hours_text, 9.5) - 6 * mm
            page.text(x, y, _ellipsize(str(module.get("title", "")), 9.5, title_width), 9.5)
            page.text(right, y, hours_text, 9.5, align="right")
        if more:
            y -= row
            page.text(x, y, _more_text(more), 9.5, color=MUTED)
        y -= 2.8 * mm
        page.rule(x, right, y, color=MUTED, width=0.5)
        y -= 5.3 * mm
    page.text(x, y, _("Total hours"), 10, bold=True)
    page.text(right, y, _hours_text(p.get("total_minutes")), 10, bold=True, align="right")
    if post_test:
        y -= 6.5 * mm
        size, fitted = _fit(post_test, 10, 8, TABLE_WIDTH)
        page.text(x, y, fitted[0], size, color=BRAND)
    if trainer_lines:
        y -= 7.5 * mm
        page.text(x, y, label, trainer_size, bold=True, color=BRAND)
        indent = x + _width(label, trainer_size, bold=True) + 3 * mm
        for i, line in enumerate(trainer_lines):
            page.text(indent, y - i * 4.6 * mm, line, trainer_size)


def _track_table(page: _Page, p: dict, top: float, language: str) -> None:
    x, right = LEFT, LEFT + TABLE_WIDTH
    row = 5.3 * mm
    # Module | Workshop | Completed on | Hours
    columns = (x, x + 48 * mm, x + 96 * mm)
    widths = (48 * mm, 48 * mm, 32 * mm)
    modules = [m for m in p.get("modules") or [] if isinstance(m, dict)]
    y = top
    if modules:
        for column, width, label in zip(
            columns, widths, (_("Module"), _("Workshop"), _("Completed on")), strict=True
        ):
            page.text(
                column, y, _ellipsize(label, 10, width, bold=True), 10, bold=True, color=BRAND
            )
        page.text(right, y, _("Hours"), 10, bold=True, color=BRAND, align="right")
        shown, more = _rows_that_fit(y - 1 * mm, BOTTOM + 9 * mm, row, len(modules))
        for module in modules[:shown]:
            y -= row
            completed = _moment_or_day(module.get("completed_on"))
            cells = (
                str(module.get("title", "")),
                str(module.get("workshop_title", "")),
                when.date(completed, when.UTC, language=language) if completed else "",
            )
            for column, width, cell in zip(columns[:2], widths[:2], cells[:2], strict=True):
                page.text(column, y, _ellipsize(cell, 9, width - 2 * mm), 9)
            size, fitted = _fit(cells[2], 9, 7, widths[2] - 1 * mm)
            page.text(columns[2], y, fitted[0] if fitted else "", size)
            page.text(right, y, _hours_text(module.get("minutes")), 9, align="right")
        if more:
            y -= row
            page.text(x, y, _more_text(more), 9, color=MUTED)
        y -= 2.8 * mm
        page.rule(x, right, y, color=MUTED, width=0.5)
        y -= 5.3 * mm
    page.text(x, y, _("Total hours"), 10, bold=True)
    page.text(right, y, _hours_text(p.get("total_minutes")), 10, bold=True, align="right")


def _moment_or_day(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _seal(page: _Page, certificate: Certificate, language: str) -> None:
    """Bottom right: the number, the dates, the QR code and the address that verifies it."""
    c = page.c
    url = verification_url(certificate)
    qx = RIGHT - QR_SIZE
    rows = qr.matrix(url)
    cell = QR_SIZE / len(rows)
    c.setFillColor(colors.black)
    for r, cells in enumerate(rows):
        for col, dark in enumerate(cells):
            if dark:
                y = QR_BOTTOM + QR_SIZE - (r + 1) * cell
                c.rect(qx + col * cell, y, cell, cell, stroke=0, fill=1)

    right = qx - 5 * mm
    width = right - (LEFT + TABLE_WIDTH + 6 * mm)
    lines: list[tuple[str, float, bool, Any]] = [
        (_("Certificate number"), 8.5, False, MUTED),
        (certificate.number, 11.5, True, colors.black),
        (
            _("Issued %(date)s")
            % {"date": when.date(certificate.issued_at, when.UTC, long=True, language=language)},
            9,
            False,
            MUTED,
        ),
    ]
    if certificate.expires_at:
        until = when.date(certificate.expires_at, when.UTC, long=True, language=language)
        lines.append((_("Valid until %(date)s") % {"date": until}, 9, True, BRAND))
    y = QR_BOTTOM + QR_SIZE - 3 * mm
    for text, size, bold, color in lines:
        size, fitted = _fit(text, size, 6.5, width, bold=bold)
        page.text(right, y, fitted[0], size, bold=bold, color=color, align="right")
        y -= 6 * mm

    # The address under the code, on one line: the label, then the URL.
    label = _("Verify at")
    size = 8.0
    room = RIGHT - (LEFT + TABLE_WIDTH + 6 * mm)
    while size > 6 and _width(f"{label} {url}", size) > room:
        size -= 0.25
    y = QR_BOTTOM - 4.5 * mm
    page.text(RIGHT - _width(url, size) - 1.5 * mm, y, label, size, color=MUTED, align="right")
    page.text(RIGHT, y, url, size, color=colors.black, align="right")


# --- a specimen for the track form's preview -------------------------------------------------


def sample_certificate(
    *,
    track: Track | None,
    language: str,
    validity_months: int | None = None,
    now: dt.datetime | None = None,
) -> Certificate:
    """An unsaved certificate for a preview in `language`: a sample holder, last week's dates,
    the track's modules (two sample ones when it has none)."""
    with translation.override(language):
        return _sample_certificate(track, validity_months, now)


def _sample_certificate(
    track: Track | None, validity_months: int | None, now: dt.datetime | None
) -> Certificate:
    now = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    starts = now - dt.timedelta(days=8)
    starts = starts.replace(hour=7)
    ends = starts + dt.timedelta(days=1, hours=8)
    modules: list[dict[str, Any]] = []
    if track is not None:
        live = track.modules.exclude(status=Module.Status.ARCHIVED).order_by("title")
        modules = [
            {"title": m.title, "minutes": m.duration_minutes, "track": track.name}
            for m in live[:40]
        ]
    if not modules:
        modules = [
            {"title": _("Sample module %(number)d") % {"number": n}, "minutes": 120, "track": ""}
            for n in (1, 2)
        ]
    printed = {
        "kind": "workshop",
        "program": settings.PROGRAM_NAME,
        "officer_name": "Ana Sample",
        "agency": _("Sample agency"),
        "agency_country": "PT",
        "workshop_title": _("Sample workshop"),
        "starts": starts.isoformat(),
        "ends": ends.isoformat(),
        "time_zone": "Europe/Lisbon",
        "online": False,
        "venue_name": "",
        "city": "Lisbon",
        "country": "PT",
        "completion_threshold": 75,
        "workshop_language": settings.LANGUAGE_CODE,
        "wording_track_id": track.pk if track is not None else None,
        "wording": {"track": track.name, "texts": dict(track.certificate_wording)}
        if track is not None and track.certificate_wording
        else None,
        "modules": modules,
        "total_minutes": sum(m["minutes"] for m in modules),
        "trainers": ["Trainer Sample"],
    }
    expires = now + relativedelta(months=validity_months) if validity_months else None
    return Certificate(number=SAMPLE_NUMBER, printed=printed, issued_at=now, expires_at=expires)
