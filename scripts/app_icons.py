"""Draw the installable web app's PNG icons from the logo in static/img/favicon.svg.

Run once when the logo changes (`.venv/bin/python scripts/app_icons.py`); the PNGs are
committed. Pillow has no SVG reader, so the logo's few shapes are drawn again here, on its
32-unit grid, at eight times the size and scaled down for smooth edges."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

NAVY = "#0f2b46"
GOLD = "#d4a33b"
WHITE = "#ffffff"
OUT = Path(__file__).resolve().parent.parent / "static" / "img"
SUPERSAMPLE = 8


def draw(size: int, *, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    if maskable:
        # Full bleed: the platform cuts its own shape; the logo stays inside the safe circle.
        d.rectangle((0, 0, big, big), fill=NAVY)
        scale, offset = big / 32 * 0.82, big * 0.09
    else:
        d.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 7 / 32, fill=NAVY)
        scale, offset = big / 32, 0.0

    def at(x: float, y: float) -> tuple[float, float]:
        return (offset + x * scale, offset + y * scale)

    hexagon = [at(16, 4.5), at(26, 10.25), at(26, 21.75), at(16, 27.5), at(6, 21.75), at(6, 10.25)]
    d.line([*hexagon, hexagon[0], hexagon[1]], fill=WHITE, width=round(2 * scale), joint="curve")
    triangle = [at(16, 11.25), at(20.5, 19.25), at(11.5, 19.25)]
    d.line(
        [*triangle, triangle[0], triangle[1]], fill=WHITE, width=round(1.6 * scale), joint="curve"
    )
    for (x, y), r, colour in (
        ((16, 11.25), 2.6, GOLD),
        ((20.5, 19.25), 2.3, WHITE),
        ((11.5, 19.25), 2.3, WHITE),
    ):
        cx, cy = at(x, y)
        d.ellipse((cx - r * scale, cy - r * scale, cx + r * scale, cy + r * scale), fill=colour)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    draw(192, maskable=False).save(OUT / "icon-192.png", optimize=True)
    draw(512, maskable=False).save(OUT / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    # iOS rounds the corners itself and shows transparency as black: full bleed.
    draw(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
