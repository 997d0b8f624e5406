"""The site's look: the built theme is what pages load, its fonts survive the production static
storage, the favicon is served, the menu marks the page being shown, and allauth's Title Case
headings read in the site's sentence case."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template import Context, Template

from tests.factories import WorkshopFactory

THEME = "vendor/theme/theme.css"

pytestmark = pytest.mark.django_db


def _nav_current(html: str) -> list[str]:
    link = r'<a class="(?:nav-link|dropdown-item)" href="([^"]+)" aria-current="page"'
    return re.findall(link, html)


def test_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_pages_load_the_built_theme_and_the_svg_icon(client):
    html = client.get("/accounts/login/").content.decode()
    assert "/static/vendor/theme/theme.css" in html
    assert "bootstrap.min.css" not in html
    assert 'rel="icon" href="/favicon.ico"' in html
    assert 'href="/static/img/favicon.svg" type="image/svg+xml"' in html


def test_the_theme_is_found_by_the_static_finders_with_its_fonts():
    path = finders.find(THEME)
    assert path, "run `make assets`"
    css = Path(path).read_text()
    assert '"Inter Variable", system-ui' in css
    assert '"Noto Sans CJK SC"' in css
    assert ".table-stack" in css
    # Only the components in use are built.
    assert ".modal-dialog" not in css and ".carousel" not in css and ".toast" not in css
    for font in re.findall(r'url\("?(files/[^")]+)"?\)', css):
        assert finders.find(f"vendor/theme/{font}"), font


def test_production_static_storage_hashes_the_theme_and_its_fonts(settings, tmp_path):
    """collectstatic with WhiteNoise's manifest storage (production) rewrites the theme's
    font URLs: a missing font fails it."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    built = list((tmp_path / "static" / "vendor" / "theme").glob("theme.*.css"))
    assert built and (tmp_path / "static" / "vendor" / "theme" / "theme.css.gz").exists()
    css = built[0].read_text()
    assert re.search(r"files/inter-latin-wght-normal\.[0-9a-f]{12}\.woff2", css)


def test_menu_marks_the_current_section(client_for, officer, region):
    workshop = WorkshopFactory(region=region)
    client = client_for(officer)
    assert _nav_current(client.get("/").content.decode()) == ["/"]
    assert _nav_current(client.get("/workshops/").content.decode()) == ["/workshops/"]
    # A page below a section marks the section, never the start page.
    html = client.get(f"/workshops/{workshop.pk}/").content.decode()
    assert _nav_current(html) == ["/workshops/"]
    assert _nav_current(client.get("/my-training/").content.decode()) == ["/my-training/"]


def test_menu_marks_a_report_inside_its_dropdown(client_for, coordinator):
    html = client_for(coordinator).get("/deliveries/failed/").content.decode()
    assert _nav_current(html) == ["/deliveries/failed/"]


def test_sign_in_link_is_current_on_the_sign_in_page(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/login/" aria-current="page"' in html
    assert 'href="/accounts/signup/" aria-current' not in html


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Change Email Address", "Change email address"),
        ("Sign In", "Sign in"),
        ("Activate Authenticator App", "Activate authenticator app"),
        ("Set Up TOTP", "Set up TOTP"),
        ('  Sign <a href="/X">Up Now</a>', '  Sign <a href="/X">up now</a>'),
        ("登录", "登录"),
        ("Iniciar sesión", "Iniciar sesión"),
    ],
)
def test_sentence_case(title, expected):
    rendered = Template("{% load ui %}{{ title|sentence_case }}").render(
        Context({"title": title}, autoescape=False)
    )
    assert rendered == expected


def test_allauth_pages_read_in_sentence_case(client):
    html = client.get("/accounts/login/").content.decode()
    assert re.search(r"<h1[^>]*>\s*Sign in\s*</h1>", html)
    assert "Sign In" not in html
    signup = client.get("/accounts/signup/").content.decode()
    assert re.search(r"<h1[^>]*>\s*Sign up\s*</h1>", signup)
    assert re.search(r"<title>\s*Sign up · ", signup)


def test_public_verify_page_does_not_say_restricted(client):
    assert "Restricted to vetted" not in client.get("/verify/").content.decode()
    assert "Restricted to vetted" in client.get("/accounts/login/").content.decode()


def test_list_tables_label_their_cells_for_phones(client_for, coordinator, region):
    WorkshopFactory(region=region, title="Stacked on phones")
    html = client_for(coordinator).get("/schedule/").content.decode()
    assert '<table class="table table-stack' in html
    for label in ("Dates (local)", "Status", "Seats"):
        assert f'data-label="{label}"' in html
