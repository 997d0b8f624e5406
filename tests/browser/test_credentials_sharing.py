"""An officer on a phone: the certificate card of their training record, a share link made,
opened by a verifier (full name) and revoked (gone); the public page shows initials only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from attendance.models import Certificate
from credentials.models import CredentialShare
from tests.credentials.verifiable import track_certificate, workshop_certificate
from tests.factories import PASSWORD, TrainerFactory

from .conftest import PHONE, axe_violations, login, shoot

pytestmark = pytest.mark.browser
FLOW = "credentials"

OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_officer_shares_their_name_with_one_verifier_and_takes_it_back(site, new_page, officer):
    certificate = workshop_certificate(
        officer, TrainerFactory(), title="Tracing funds through mixers and cross-chain bridges"
    )
    track = track_certificate(officer, name="Blockchain forensics")
    Certificate.objects.filter(pk=track.pk).update(
        expires_at=timezone.now() + dt.timedelta(days=3 * 365)
    )

    page = new_page(viewport=PHONE)
    login(page, site, officer, PASSWORD)
    page.goto(f"{site}/my-training/record/")
    card = page.locator(f"#certificate-{certificate.pk}")
    assert "Track credential" in page.locator(f"#certificate-{track.pk}").inner_text()
    assert page.evaluate(OVERFLOW_JS) <= 0
    shoot(page, FLOW, "01-record")

    card.locator("summary").click()
    card.locator("input[name=label]").fill("Europol recruitment panel")
    card.locator("select[name=expires]").select_option("7")
    with page.expect_navigation():
        card.locator("button[type=submit]", has_text="Create link").click()
    share = CredentialShare.objects.get()
    url = card.locator(f"#share-url-{share.pk}").input_value()
    assert url == f"{site}/verify/shared/{share.token}/"
    assert page.evaluate(OVERFLOW_JS) <= 0
    assert axe_violations(page, site) == []
    shoot(page, FLOW, "02-record-with-link")
    card.locator(".dropdown-toggle-split").click()
    assert card.locator(".btn-group .dropdown-menu a").count() == 4  # the other site languages
    shoot(page, FLOW, "03-pdf-languages", both=False)

    verifier = new_page(viewport=PHONE)
    verifier.goto(url)
    assert "Officer Alice" in verifier.inner_text("main")
    assert verifier.evaluate(OVERFLOW_JS) <= 0
    shoot(verifier, FLOW, "04-shared-page")
    verifier.goto(f"{site}/verify/{certificate.number}/")
    text = verifier.inner_text("main")
    assert "O. A." in text and "Officer Alice" not in text
    shoot(verifier, FLOW, "05-public-page")

    page.keyboard.press("Escape")
    with page.expect_navigation():
        card.locator("button", has_text="Revoke").click()
    assert not card.locator(f"#share-url-{share.pk}").count()
    response = verifier.goto(url)
    assert response.status == 404
    assert "This link is no longer valid" in verifier.inner_text("main")
    assert "Officer Alice" not in verifier.content()
    shoot(verifier, FLOW, "06-link-gone")
