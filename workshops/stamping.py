"""Stamp every page of a restricted PDF with who downloaded it and when, so that a leaked copy
points back to its source."""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter
from reportlab.lib.colors import Color
from reportlab.pdfgen import canvas


def _overlay(width: float, height: float, text: str) -> PdfReader:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(width, height))
    # A footer line that stays readable, plus a faint diagonal mark across the page.
    c.setFillColor(Color(0.35, 0.1, 0.1, alpha=0.9))
    c.setFont("Helvetica", 7)
    c.drawCentredString(width / 2, 12, text)
    c.setFillColor(Color(0.6, 0.1, 0.1, alpha=0.12))
    c.setFont("Helvetica-Bold", 18)
    c.translate(width / 2, height / 2)
    c.rotate(35)
    c.drawCentredString(0, 0, text)
    c.save()
    buffer.seek(0)
    return PdfReader(buffer)


def stamp_pdf(data: bytes, text: str) -> bytes:
    """Return `data` with `text` on every page. Raises pypdf's PdfReadError on a broken PDF."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    overlays: dict[tuple[float, float], PageObject] = {}
    for page in writer.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        if size not in overlays:
            overlays[size] = _overlay(*size, text).pages[0]
        page.merge_page(overlays[size])
    writer.add_metadata({"/Subject": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
