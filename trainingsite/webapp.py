"""The web app manifest: what a phone needs to install the site on its home screen."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET

# The theme's navy (scss/theme.scss $ts-navy, the header) and canvas ($ts-canvas, the page).
THEME_COLOUR = "#0f2b46"
BACKGROUND_COLOUR = "#f3f5f8"


def short_name(name: str) -> str:
    """Under a home-screen icon there is room for about twelve characters: the initials of a
    longer name ("Crypto Investigations Training Program" → "CITP")."""
    if len(name) <= 12:
        return name
    return "".join(word[0] for word in name.split() if word[:1].isalnum()).upper()[:12] or name[:12]


def manifest_data() -> dict:
    icons = [
        {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("img/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    return {
        "name": settings.PROGRAM_NAME,
        "short_name": short_name(settings.PROGRAM_NAME),
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }


@login_not_required
@require_GET
def manifest(request):
    """Public: browsers fetch it without the session's cookies."""
    response = HttpResponse(
        json.dumps(manifest_data(), ensure_ascii=False),
        content_type="application/manifest+json",
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response
