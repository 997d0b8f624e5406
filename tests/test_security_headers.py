import pytest
from django.test import Client
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


def test_answers_say_whose_they_are_for_the_service_worker(client_for, officer, trainer):
    """`Offline-Owner` is an opaque value per person (no id or e-mail in it), absent when no
    one is signed in, and absent on the answer that signs someone out."""
    mine = client_for(officer).get(reverse("dashboard"))["Offline-Owner"]
    theirs = client_for(trainer).get(reverse("dashboard"))["Offline-Owner"]
    assert mine and theirs and mine != theirs
    assert client_for(officer).get(reverse("registration:my_training"))["Offline-Owner"] == mine
    assert str(officer.pk) != mine and officer.email not in mine
    assert "Offline-Owner" not in Client().get(reverse("account_login")).headers
    signed_in = client_for(officer)
    assert "Offline-Owner" not in signed_in.post(reverse("account_logout")).headers
