"""QR codes with segno: inline SVG data URIs for pages, vector drawing for the PDF."""

from __future__ import annotations

import segno


def svg_data_uri(text: str, *, scale: int = 8) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=scale, border=2)


def matrix(text: str) -> list[list[int]]:
    return [list(row) for row in segno.make(text, error="m").matrix]
