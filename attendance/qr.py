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


def svg_inline(text: str, *, title: str) -> str:
    """An SVG element to place in a page (no size: the page's CSS sizes it). Dark modules on a
    white quiet zone wide enough for a phone's camera to find the code on a screen."""
    return segno.make(text, error="m").svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr-code", title=title, light="#fff"
    )
