"""The printable sign-in sheet of one session: one row per officer of the confirmed roster, with
a QR code a trainer's device scans to check the officer in (`attendance.passes`: signed ids, no
personal data), a signature box and tick boxes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from attendance import qr
from attendance.models.marks import AttendanceStatus
from attendance.passes import sheet_token
from attendance.pdf import BRAND, FONT, FONT_BOLD, MUTED, RULE, register_fonts
from registrations.models import Registration
from trainingsite import when
from workshops.models import WorkshopSession

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 12 * mm
QR_SIZE = 19 * mm
ROW_HEIGHT = 23 * mm
BOX = 5 * mm
# The statuses a sheet has tick boxes for; "excused" is decided by staff, not ticked in the room.
TICKED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT)


def sheet_registrations(session: WorkshopSession) -> list[Registration]:
    """The session's roster in the sheet's order (the printed name), with what each row shows:
    the paper page lists them the same way, so row numbers match."""
    registrations = Registration.objects.filter(
        workshop_id=session.workshop_id, state=Registration.State.CONFIRMED
    ).select_related("officer", "officer__agency")
    return sorted(
        registrations, key=lambda r: (r.officer.name_of_record.casefold(), r.officer_id, r.pk)
    )


def session_number(session: WorkshopSession) -> tuple[int, int]:
    """(this session's position, how many sessions) in its workshop."""
    ids = list(session.workshop.sessions.values_list("pk", flat=True))
    return (ids.index(session.pk) + 1 if session.pk in ids else 1), len(ids)


def venue_text(workshop) -> str:
    if workshop.is_online:
        return _("Online")
    country = workshop.country.name if workshop.country else ""
    parts = [workshop.venue_name, workshop.venue_address, workshop.city, str(country)]
    return ", ".join(p for i, p in enumerate(parts) if p and p not in parts[:i])


# --- drawing --------------------------------------------------------------------------------


class _QRCode(Flowable):
    def __init__(self, text: str, size: float):
        super().__init__()
        self.rows = qr.matrix(text)
        self.size = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        cell = self.size / len(self.rows)
        self.canv.setFillColor(colors.black)
        for r, cells in enumerate(self.rows):
            for c, dark in enumerate(cells):
                if dark:
                    y = self.size - (r + 1) * cell
                    self.canv.rect(c * cell, y, cell, cell, stroke=0, fill=1)


class _TickBox(Flowable):
    def wrap(self, available_width, available_height):
        return BOX, BOX

    def draw(self):
        self.canv.setStrokeColor(colors.black)
        self.canv.setLineWidth(0.9)
        self.canv.rect(0, 0, BOX, BOX, stroke=1, fill=0)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11.5)
    return {
        "program": ParagraphStyle("program", base, fontName=FONT_BOLD, textColor=BRAND),
        "title": ParagraphStyle("title", base, fontName=FONT_BOLD, fontSize=15, leading=19),
        "heading": ParagraphStyle("heading", base, fontName=FONT_BOLD, fontSize=11, leading=14),
        "text": base,
        "muted": ParagraphStyle("muted", base, fontSize=8.5, leading=10.5, textColor=MUTED),
        "name": ParagraphStyle("name", base, fontName=FONT_BOLD, fontSize=10, leading=12.5),
        "head": ParagraphStyle(
            "head", base, fontName=FONT_BOLD, fontSize=8, leading=10, textColor=colors.white
        ),
        "head_centre": ParagraphStyle(
            "head_centre",
            base,
            fontName=FONT_BOLD,
            fontSize=7.5,
            leading=9,
            textColor=colors.white,
            alignment=1,
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # Paragraph reads a tiny markup language: names and titles are text, never markup.
    return Paragraph(
        str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style
    )


def render_sign_in_sheet(session: WorkshopSession, language: str | None = None) -> bytes:
    """The session's sign-in sheet as an A4 PDF in `language` (default: the active one)."""
    register_fonts()
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        return _render(session, language, sheet_registrations(session))


def _render(session: WorkshopSession, language: str, registrations: Sequence[Registration]):
    workshop = session.workshop
    styles = _styles()
    number, count = session_number(session)
    session_label = _("Session %(number)s of %(count)s") % {"number": number, "count": count}
    if session.title:
        session_label += f" · {session.title}"
    moment = str(when.span(session.starts_at, session.ends_at, workshop.time_zone, language))
    printed = when.datetime(timezone.now(), workshop.time_zone, language, compact=True)
    running = f"{workshop.title} · {session_label} · {moment}"

    def make_story() -> list[Any]:
        return _story(session, styles, registrations, session_label, moment)

    # Laid out twice: the first pass counts the pages that "Page n of N" names.
    total = _build(make_story(), language, session_label, workshop.title, running, printed, None)
    return _build(make_story(), language, session_label, workshop.title, running, printed, total)


def _story(session, styles, registrations, session_label: str, moment: str) -> list[Any]:
    workshop = session.workshop
    story: list[Any] = [
        _p(settings.PROGRAM_NAME, styles["program"]),
        Spacer(0, 1.5 * mm),
        _p(_("Sign-in sheet"), styles["heading"]),
        Spacer(0, 1 * mm),
        _p(workshop.title, styles["title"]),
        Spacer(0, 1 * mm),
        _p(session_label, styles["text"]),
        _p(moment, styles["text"]),
        _p(venue_text(workshop), styles["text"]),
        Spacer(0, 2 * mm),
        _p(
            _(
                "Sign in the box beside your name. Staff tick one box per officer: present, "
                "late or absent, then enter the ticks on the session's paper sheet page."
            ),
            styles["muted"],
        ),
        Spacer(0, 3 * mm),
    ]

    widths = [8 * mm, 62 * mm, QR_SIZE + 3 * mm, 55 * mm] + [13 * mm] * len(TICKED)
    header = [
        _p("#", styles["head"]),
        _p(_("Officer"), styles["head"]),
        _p(_("Code"), styles["head"]),
        _p(_("Signature"), styles["head"]),
        *[_p(str(status.label), styles["head_centre"]) for status in TICKED],
    ]
    rows: list[list[Any]] = [header]
    for index, registration in enumerate(registrations, 1):
        officer = registration.officer
        person = [_p(officer.name_of_record, styles["name"])]
        agency = officer.agency.name if officer.agency_id else ""
        if agency:
            person.append(_p(agency, styles["muted"]))
        rows.append(
            [
                _p(str(index), styles["muted"]),
                person,
                _QRCode(sheet_token(session.pk, registration.pk), QR_SIZE),
                "",
                *[_TickBox() for _status in TICKED],
            ]
        )
    if not registrations:
        rows.append(["", _p(_("No confirmed officers on the roster."), styles["muted"])])
        rows[-1] += [""] * (len(widths) - 2)
    table = Table(
        rows,
        colWidths=widths,
        rowHeights=[None] + [ROW_HEIGHT] * (len(rows) - 1),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), BRAND),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
                ("ALIGN", (2, 1), (-1, -1), "CENTER"),
                ("GRID", (0, 0), (-1, -1), 0.5, RULE),
                ("BOX", (3, 1), (3, -1), 0.9, colors.black),
                ("LINEBEFORE", (3, 1), (3, -1), 0.9, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story.append(table)
    story += [
        Spacer(0, 8 * mm),
        _p(
            _("Sheet kept by (name and signature of the trainer):")
            + " ____________________________________________",
            styles["text"],
        ),
    ]

    return story


def _build(story, language, session_label, title, running, printed, total) -> Any:
    """The PDF's bytes, or (`total` None) its page count."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{_('Sign-in sheet')} – {title} – {session_label}",
        author=settings.PROGRAM_NAME,
        lang=_language_tag(language),
    )

    def decorate(c: canvas.Canvas, doc) -> None:
        c.saveState()
        c.setFont(FONT, 8)
        c.setFillColor(MUTED)
        if doc.page > 1:
            # Pages come apart: every page after the first says which session it belongs to.
            text = running
            while text and c.stringWidth(text, FONT, 8) > PAGE_WIDTH - 2 * MARGIN:
                text = text[:-2] + "…"
            c.drawString(MARGIN, PAGE_HEIGHT - 10 * mm, text)
        c.drawString(MARGIN, 9 * mm, _("Printed %(when)s") % {"when": printed})
        if total is not None:
            page = _("Page %(page)s of %(total)s") % {"page": doc.page, "total": total}
            c.drawRightString(PAGE_WIDTH - MARGIN, 9 * mm, page)
        c.restoreState()

    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    if total is None:
        return document.page
    return buffer.getvalue()


def _language_tag(code: str) -> str:
    first, *rest = code.split("-")
    return "-".join([first] + [p.upper() if len(p) == 2 else p.title() for p in rest])
