import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get(reverse("account_login"))
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_pages_send_referrer_permissions_and_framing_headers(client):
    response = client.get(reverse("account_login"))
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_login_page_has_no_inline_script(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "<script>" not in html
    assert " onclick=" not in html


def test_no_template_has_inline_script_or_event_handlers():
    """The CSP forbids inline script: catch it in templates before a browser does."""
    import re
    from pathlib import Path

    from django.conf import settings

    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
    offenders = []
    for app_dir in ["trainingsite", "attendees", "workshops", "invites", "attendance", "reports"]:
        for path in (Path(settings.BASE_DIR) / app_dir).rglob("templates/**/*.html"):
            text = path.read_text()
            if inline_script.search(text) or handler.search(text):
                offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []


def _through_csp(response, request=None):
    from django.test import RequestFactory

    from trainingsite.middleware import CSPMiddleware

    request = request or RequestFactory().get("/")
    middleware = CSPMiddleware(lambda r: response)
    return middleware(request)


def test_the_built_once_policy_is_django_csps(settings):
    from csp.utils import build_policy
    from django.http import HttpResponse

    settings.DEBUG = False
    first = _through_csp(HttpResponse("a"))
    second = _through_csp(HttpResponse("b"))
    assert first.headers["Content-Security-Policy"] == build_policy()
    assert second.headers["Content-Security-Policy"] == build_policy()


def test_a_per_view_policy_still_goes_through_django_csp(settings):
    from django.http import HttpResponse

    settings.DEBUG = False
    response = HttpResponse("x")
    response._csp_update = {"img-src": ["https://tiles.example.org"]}
    header = _through_csp(response).headers["Content-Security-Policy"]
    assert "https://tiles.example.org" in header and "script-src 'self'" in header
    exempt = HttpResponse("y")
    exempt._csp_exempt = True
    assert "Content-Security-Policy" not in _through_csp(exempt).headers


def test_a_nonce_asked_for_after_the_header_is_an_error(settings):
    from csp.exceptions import CSPNonceError
    from django.http import HttpResponse
    from django.test import RequestFactory

    settings.DEBUG = False
    request = RequestFactory().get("/")
    _through_csp(HttpResponse("x"), request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
