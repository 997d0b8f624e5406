"""Markdown preview for editors: the site's own sanitiser, staff only, bounded; and the
searchable pickers' markup, which works as a plain multi-select without script."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ModuleFactory, TrackFactory
from tests.signin import sign_in
from workshops.models import Module
from workshops.views import preview

pytestmark = pytest.mark.django_db

URL = "workshops:markdown_preview"
HOSTILE = (
    "# Title\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n"
    '<img src="https://tracker.example/p.gif">\n\n<a href="#" onclick="alert(3)">x</a>\n\n**bold**'
)


@pytest.fixture
def locmem_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "md"}
    }
    from django.core.cache import cache

    cache.clear()
    return cache


def _post(client, text):
    return client.post(reverse(URL), {"text": text})


@pytest.mark.parametrize("role", ["trainer", "coordinator"])
def test_preview_renders_markdown_through_the_sanitiser(request, client_for, locmem_cache, role):
    response = _post(client_for(request.getfixturevalue(role)), HOSTILE)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Title</h1>" in body and "<strong>bold</strong>" in body
    for never in ("<script", "javascript:", "onclick", "<img", "tracker.example"):
        assert never not in body.lower()
    assert response["Cache-Control"] == "private, no-store"


def test_preview_is_the_same_html_as_the_published_page(client_for, trainer, locmem_cache):
    from workshops.markdown import render_markdown

    body = _post(client_for(trainer), HOSTILE).content.decode()
    assert str(render_markdown(HOSTILE)) in body


def test_preview_refuses_oversized_text(client_for, trainer, locmem_cache):
    response = _post(client_for(trainer), "a" * (preview.MAX_CHARS + 1))
    assert response.status_code == 413


def test_preview_is_rate_limited_per_user(client_for, trainer, coordinator, locmem_cache, settings):
    client = client_for(trainer)
    for _i in range(preview.LIMIT):
        assert _post(client, "x").status_code == 200
    limited = _post(client, "x")
    assert limited.status_code == 429
    assert limited["Retry-After"] == str(preview.WINDOW_SECONDS)
    assert _post(client_for(coordinator), "x").status_code == 200  # someone else's budget


def test_preview_needs_post_and_csrf(client_for, trainer, locmem_cache):
    assert client_for(trainer).get(reverse(URL)).status_code == 405
    strict = sign_in(Client(enforce_csrf_checks=True), trainer)
    assert strict.post(reverse(URL), {"text": "x"}).status_code == 403


@pytest.mark.parametrize("role", ["officer", "focal_point"])
def test_officers_cannot_use_the_preview(request, client_for, locmem_cache, role):
    assert _post(client_for(request.getfixturevalue(role)), HOSTILE).status_code == 403


def test_anonymous_preview_goes_to_login(client, locmem_cache):
    response = _post(client, HOSTILE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- the no-script Preview button of the module form -----------------------------------------


def _module_data(track, **extra):
    return {
        "title": "Tracing through mixers",
        "track": track.pk,
        "level": "advanced",
        "language": "en",
        "duration_minutes": 120,
        "objectives": "Spot a CoinJoin",
        "body": HOSTILE,
        **extra,
    }


def test_preview_button_rerenders_the_form_with_the_preview_and_saves_nothing(client_for, trainer):
    track = TrackFactory()
    response = client_for(trainer).post(
        reverse("workshops:module_create"), _module_data(track, preview="1")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert not Module.objects.exists()
    preview_pane = body.split('id="body-preview"', 1)[1].split("</section>", 1)[0]
    assert "<h1>Title</h1>" in preview_pane
    assert "<script" not in preview_pane and "javascript:" not in preview_pane
    # What was typed is still in the form.
    assert "Tracing through mixers" in body


def test_preview_button_on_edit_keeps_the_working_copy(client_for, trainer):
    module = ModuleFactory(authors=[trainer], body="Old body")
    response = client_for(trainer).post(
        reverse("workshops:module_edit", args=[module.pk]),
        _module_data(module.track, preview="1", body="**New**"),
    )
    assert "<strong>New</strong>" in response.content.decode()
    module.refresh_from_db()
    assert module.body == "Old body"


def test_module_form_has_preview_button_and_pickers_without_inline_script(client_for, trainer):
    body = client_for(trainer).get(reverse("workshops:module_create")).content.decode()
    assert 'name="preview"' in body and reverse(URL) in body
    assert "js/markdown_preview.js" in body and "js/pickers.js" in body
    assert "vendor/tom-select/tom-select.complete.min.js" in body
    assert body.count('data-picker="multi"') == 2  # prerequisites, authors
    assert 'name="prerequisites"' in body and "multiple" in body
    assert "<script>" not in body and "onclick" not in body


def test_workshop_form_trainers_is_a_picker_over_a_plain_multi_select(client_for, coordinator):
    body = client_for(coordinator).get(reverse("workshops:workshop_create")).content.decode()
    select = body.split('name="trainers"', 1)[0].rsplit("<select", 1)[1]
    assert "multiple" in body.split('name="trainers"', 1)[1].split(">", 1)[0] + select
    assert 'data-picker="multi"' in body
    assert "js/pickers.js" in body and "<script>" not in body
