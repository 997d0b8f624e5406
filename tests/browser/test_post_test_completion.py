"""A workshop whose completion required a post-test score: the trainer's roster (requirement
and best scores), the officer's training record (their own score) and the public verification
page (the rule met, never the score), on a phone and a desktop."""

from __future__ import annotations

import pytest

from attendance import services
from attendance.models import Certificate
from tests.attendance.posttest import attended, sent, workshop_with_post_test
from tests.factories import PASSWORD, OfficerFactory

from .conftest import DESKTOP, PHONE, axe_violations, login, shoot

pytestmark = pytest.mark.browser
FLOW = "completion"

OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_the_post_test_requirement_on_roster_record_and_verification(
    site, new_page, region, trainer, officer, agency
):
    workshop = workshop_with_post_test(
        region=region, trainer=trainer, title="Tracing funds through mixers and bridges"
    )
    own = attended(workshop, trainer, officer)
    sent(own, "62.5", number=1)
    sent(own, "85", number=2)
    below = attended(workshop, trainer, OfficerFactory(agency=agency, full_name="Bruno Below"))
    sent(below, "55")
    attended(workshop, trainer, OfficerFactory(agency=agency, full_name="Chen Noattempt"))
    services.close_workshop(workshop_id=workshop.pk, by=trainer)
    certificate = Certificate.objects.get(registration=own)

    staff = new_page(viewport=DESKTOP)
    login(staff, site, trainer, PASSWORD)
    staff.goto(f"{site}/attendance/workshops/{workshop.pk}/")
    assert "must also reach 70 %" in staff.inner_text("#post-test-rule")
    table = staff.inner_text("table")
    assert "85 %" in table and "55 %" in table
    assert staff.evaluate(OVERFLOW_JS) <= 0
    assert axe_violations(staff, site) == []
    shoot(staff, FLOW, "01-roster")

    page = new_page(viewport=PHONE)
    login(page, site, officer, PASSWORD)
    page.goto(f"{site}/my-training/record/")
    card = page.inner_text(f"#certificate-{certificate.pk}")
    assert "Post-test passed: 85 % (70 % required)" in card
    assert page.evaluate(OVERFLOW_JS) <= 0
    assert axe_violations(page, site) == []
    shoot(page, FLOW, "02-training-record")

    verifier = new_page(viewport=PHONE)
    verifier.goto(f"{site}/verify/{certificate.number}/")
    text = verifier.inner_text("main")
    assert "Post-test passed (≥ 70 % required)" in text and "85" not in text
    assert verifier.evaluate(OVERFLOW_JS) <= 0
    shoot(verifier, FLOW, "03-verify")
