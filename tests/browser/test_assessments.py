"""An officer on a phone takes a pre-test (each answer saved as given, announced "Saved"),
sends it, and once the post-test window has closed reads the post-test's result."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, AttemptAnswer, WorkshopTest
from tests.assessments.factories import confirmed, make_test, running_workshop, upcoming_workshop
from tests.factories import PASSWORD
from workshops.models import WorkshopSession

from .conftest import PHONE, axe_violations, login, shoot

pytestmark = pytest.mark.browser
FLOW = "taking"


def _post_test_sent(officer) -> WorkshopTest:
    workshop = running_workshop(title="Seizing crypto assets")
    confirmed(workshop, officer, confirmed_at=timezone.now() - dt.timedelta(days=5))
    test = make_test(workshop, WorkshopTest.Kind.POST, closes_after_days=0)
    attempt = services.start_attempt(test_id=test.pk, officer=officer)
    single = attempt.answers.get(question__kind="single")
    services.save_answer(attempt_id=attempt.pk, officer=officer, answer_id=single.pk, raw="0")
    services.submit_attempt(attempt_id=attempt.pk, officer=officer)
    return test


def test_officer_takes_a_pre_test_on_a_phone_and_later_reads_a_result(site, new_page, officer):
    workshop = upcoming_workshop(title="Tracing mixers")
    confirmed(workshop, officer)
    pre = make_test(workshop, time_limit_minutes=15)
    post = _post_test_sent(officer)

    page = new_page(viewport=PHONE)
    login(page, site, officer, PASSWORD)
    page.goto(f"{site}/my-training/")
    page.get_by_role("link", name="Take the test").click()
    shoot(page, FLOW, "01-pre-test-intro", both=False)
    page.get_by_role("button", name="Start the test").click()
    page.wait_for_url(re.compile(r"/my-training/attempts/\d+/$"))
    attempt = Attempt.objects.get(test=pre)
    answers = {a.question.kind: a for a in attempt.answers.select_related("question")}

    page.get_by_label("Right", exact=True).check()
    single_status = page.locator(f"#status-{answers['single'].pk}")
    single_status.filter(has_text="Saved").wait_for()
    page.get_by_label("Right A").check()
    page.get_by_label("Right B").check()
    page.get_by_label("True", exact=True).check()
    numeric = page.get_by_label("Your answer (a number)")
    numeric.fill("6,2")
    numeric.press("Tab")
    page.locator(f"#status-{answers['numeric'].pk}").filter(has_text="Saved").wait_for()
    page.locator(f"#status-{answers['multiple'].pk}").filter(has_text="Saved").wait_for()
    assert page.locator("#answered-count").inner_text() == "4"
    assert "Time left" in page.locator("#countdown").inner_text()
    shoot(page, FLOW, "02-attempt-autosaved", both=False)
    assert AttemptAnswer.objects.get(pk=answers["numeric"].pk).response == "6,2"
    assert axe_violations(page, site) == []

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Save and send").click()
    page.wait_for_url(re.compile(r"/result/$"))
    assert "Results on" in page.content()
    shoot(page, FLOW, "03-pre-test-sent", both=False)
    attempt.refresh_from_db()
    assert attempt.score == 4

    # Days later: the post-test window has closed.
    shift = dt.timedelta(days=3)
    for session in WorkshopSession.objects.filter(workshop=post.workshop):
        session.starts_at -= shift
        session.ends_at -= shift
        session.save()
    page.goto(f"{site}/my-training/")
    shoot(page, FLOW, "04-my-training", both=False)
    page.get_by_role("link", name="See the result").first.click()
    page.get_by_role("link", name="See the result").click()
    page.wait_for_url(re.compile(r"/result/$"))
    body = page.content()
    assert "1 of 4 right" in body and "Six is the usual rule." in body
    assert axe_violations(page, site) == []
    shoot(page, FLOW, "05-post-test-result", both=False)
    page.set_viewport_size({"width": 1280, "height": 800})
    shoot(page, FLOW, "06-post-test-result-desktop", both=False)


def test_coordinator_sets_up_a_post_test_from_the_roster(site, new_page, coordinator, region):
    workshop = upcoming_workshop(title="Tracing mixers", region=region)
    make_test(workshop)
    page = new_page()
    login(page, site, coordinator, PASSWORD)
    page.goto(f"{site}/attendance/workshops/{workshop.pk}/")
    page.get_by_role("link", name="Tests").click()
    page.wait_for_url(re.compile(r"/tests/$"))
    post = page.locator("section", has=page.get_by_role("heading", name="Post-test"))
    post.get_by_label("Attempts allowed").select_option("2")
    post.get_by_label("Time limit (minutes)").fill("20")
    post.get_by_role("button", name="Set up the test").click()
    page.wait_for_url(re.compile(r"/tests/$"))
    test = WorkshopTest.objects.get(workshop=workshop, kind="post")
    assert (test.max_attempts, test.time_limit_minutes) == (2, 20)
    assert axe_violations(page, site) == []
    shoot(page, FLOW, "07-staff-tests")
