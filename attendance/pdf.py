"""The certificate PDF, drawn with ReportLab from the certificate's frozen `printed` facts."""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from attendance import qr
from attendance.hours import format_hours, hours
from attendance.models import Certificate
from trainingsite import when

BRAND = colors.HexColor("#0b3d66")
ACCENT = colors.HexColor("#f0b429")
MUTED = colors.HexColor("#52606d")
_CJK_FONT = "STSong-Light"


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("attendance:verify_number", args=[certificate.number])


def _font(text: str, bold: bool = False) -> str:
    # The standard PDF fonts cover Latin scripts only; CJK names use a CID font.
    if any(ord(ch) >= 0x2E80 for ch in text):
        if _CJK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(_CJK_FONT))
        return _CJK_FONT
    return "Helvetica-Bold" if bold else "Helvetica"


def _centred(c: canvas.Canvas, y: float, text: str, size: float, bold=False, color=None) -> None:
    c.setFont(_font(text, bold), size)
    c.setFillColor(color or colors.black)
    c.drawCentredString(c._pagesize[0] / 2, y, text)


def _fit(text: str, font: str, size: float, width: float) -> float:
    while size > 8 and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def render_certificate_pdf(certificate: Certificate) -> bytes:
    p = certificate.printed
    buffer = io.BytesIO()
    width, height = landscape(A4)
    c = canvas.Canvas(buffer, pagesize=(width, height))
    c.setTitle(f"{p.get('program', '')} – {certificate.number}")
    c.setAuthor(p.get("program", ""))
    c.setSubject(p.get("workshop_title", ""))

    c.setStrokeColor(BRAND)
    c.setLineWidth(3)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(1)
    c.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

    y = height - 34 * mm
    _centred(c, y, p.get("program", ""), 15, bold=True, color=BRAND)
    y -= 14 * mm
    _centred(c, y, "Certificate of Completion", 28, bold=True)
    y -= 11 * mm
    _centred(c, y, "This certifies that", 12, color=MUTED)
    y -= 12 * mm
    name = p.get("officer_name", "")
    font = _font(name, bold=True)
    c.setFont(font, _fit(name, font, 26, width - 60 * mm))
    c.setFillColor(BRAND)
    c.drawCentredString(width / 2, y, name)
    y -= 8 * mm
    _centred(c, y, p.get("agency", ""), 13, color=MUTED)
    y -= 10 * mm
    _centred(c, y, "has completed the workshop", 12, color=MUTED)
    y -= 9 * mm
    title = p.get("workshop_title", "")
    font = _font(title, bold=True)
    c.setFont(font, _fit(title, font, 17, width - 60 * mm))
    c.setFillColor(colors.black)
    c.drawCentredString(width / 2, y, title)
    y -= 7 * mm
    place = " · ".join(x for x in [p.get("dates", ""), p.get("place", "")] if x)
    _centred(c, y, place, 11, color=MUTED)

    # Modules and hours, left column.
    x = 28 * mm
    y -= 13 * mm
    c.setFont("Helvetica-Bold", 11)
    c.setFillColor(BRAND)
    c.drawString(x, y, "Modules")
    c.drawRightString(x + 140 * mm, y, "Hours")
    c.setFillColor(colors.black)
    modules = p.get("modules", [])[:8]
    for module in modules:
        y -= 5.5 * mm
        c.setFont(_font(module["title"]), 10)
        c.drawString(x, y, module["title"][:80])
        c.drawRightString(x + 140 * mm, y, format_hours(hours(module["minutes"])))
    y -= 3 * mm
    c.setStrokeColor(MUTED)
    c.setLineWidth(0.5)
    c.line(x, y, x + 140 * mm, y)
    y -= 5.5 * mm
    c.setFont("Helvetica-Bold", 10)
    c.drawString(x, y, "Total hours")
    c.drawRightString(x + 140 * mm, y, format_hours(certificate.training_hours))
    trainers = ", ".join(p.get("trainers", []))
    if trainers:
        y -= 8 * mm
        c.setFont("Helvetica-Bold", 10)
        c.drawString(x, y, "Trainers:")
        c.setFont(_font(trainers), 10)
        c.drawString(x + 18 * mm, y, trainers[:110])

    # Number, date and QR code, bottom right.
    url = verification_url(certificate)
    size = 34 * mm
    qx, qy = width - 28 * mm - size, 24 * mm
    rows = qr.matrix(url)
    cell = size / len(rows)
    c.setFillColor(colors.black)
    for r, row in enumerate(rows):
        for col, dark in enumerate(row):
            if dark:
                c.rect(qx + col * cell, qy + size - (r + 1) * cell, cell, cell, stroke=0, fill=1)
    c.setFont("Helvetica", 9)
    c.setFillColor(MUTED)
    right = qx - 5 * mm
    c.drawRightString(right, qy + 24 * mm, "Certificate number")
    c.setFont("Courier-Bold", 12)
    c.setFillColor(colors.black)
    c.drawRightString(right, qy + 18 * mm, certificate.number)
    c.setFont("Helvetica", 9)
    c.setFillColor(MUTED)
    issued = when.date(certificate.issued_at, when.UTC, long=True, language="en")
    c.drawRightString(right, qy + 12 * mm, f"Issued {issued}")
    c.drawRightString(right, qy + 6 * mm, "Verify at")
    c.setFont("Helvetica", 8)
    c.drawRightString(right, qy + 1 * mm, url)

    c.showPage()
    c.save()
    return buffer.getvalue()
