import io

from pypdf import PdfReader
from reportlab.pdfgen import canvas

from workshops.stamping import stamp_pdf


def _pdf(pages: int) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(595, 842))
    for n in range(pages):
        c.drawString(72, 720, f"Case file page {n + 1}")
        c.showPage()
    c.save()
    return buffer.getvalue()


def test_every_page_carries_the_stamp_and_keeps_its_content():
    mark = "Ana Costa · Polícia Judiciária · 2026-11-25"
    stamped = PdfReader(io.BytesIO(stamp_pdf(_pdf(3), mark)))
    assert len(stamped.pages) == 3
    for n, page in enumerate(stamped.pages, start=1):
        text = page.extract_text()
        assert f"Case file page {n}" in text
        assert "Ana Costa" in text
        assert "2026-11-25" in text
    assert stamped.metadata["/Subject"] == mark
