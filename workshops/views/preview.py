"""Markdown preview for staff editors: the same sanitiser as the published page, so what the
author sees is what officers will get."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trainingsite import ratelimit
from trainingsite.roles import role_required
from workshops.markdown import render_markdown

# Far above any real module body; bounds the work one request can ask for.
MAX_CHARS = 100_000
# Per user: enough for clicking Preview while writing, not for using the site as a renderer.
LIMIT, WINDOW_SECONDS = 60, 60


def preview_html(text: str):
    return render_markdown(text[:MAX_CHARS])


@require_POST
@role_required("trainer", "coordinator")
def markdown_preview(request):
    """POST `text` → an HTML fragment, sanitised by workshops.markdown like every shown body."""
    text = request.POST.get("text", "")
    if len(text) > MAX_CHARS:
        return HttpResponse(
            _("The text is too long to preview."), status=413, content_type="text/plain"
        )
    if not ratelimit.hit(
        f"markdown-preview:{request.user.pk}", limit=LIMIT, window_seconds=WINDOW_SECONDS
    ):
        response = HttpResponse(
            _("Too many previews: wait a minute."), status=429, content_type="text/plain"
        )
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    response = render(request, "workshops/_markdown_preview.html", {"html": render_markdown(text)})
    response["Cache-Control"] = "private, no-store"
    return response
