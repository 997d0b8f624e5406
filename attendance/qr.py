"""QR codes with segno: SVG for pages (served by a view, so a CSP needs no data: URIs) and a
module matrix for drawing vectors into the certificate PDF."""

from __future__ import annotations

import io

import segno


def svg(text: str, *, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=scale, border=2)
    return buffer.getvalue()


def matrix(text: str) -> list[list[int]]:
    return [list(row) for row in segno.make(text, error="m").matrix]
