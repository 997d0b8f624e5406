"""A coordinator adds a choice question to a track's questionnaire (desktop); an officer
answers the feedback form with its questions on a phone."""

from __future__ import annotations

import pytest

from attendance.models import Feedback
from surveys.models import SurveyResponse
from tests.factories import (
    PASSWORD,
    ModuleFactory,
    ModuleRevisionFactory,
    RegistrationFactory,
    TrackFactory,
    TrainerFactory,
    WorkshopFactory,
)
from tests.surveys.conftest import hours_ago
from tests.surveys.factories import close_with, make_questionnaire
from workshops.models import WorkshopModule

from .conftest import DESKTOP, PHONE, axe_violations, login, shoot

pytestmark = pytest.mark.browser
FLOW = "surveys"
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_coordinator_adds_a_choice_question_to_a_track_questionnaire(site, new_page, coordinator):
    track = TrackFactory(name="Blockchain forensics", slug="forensics")
    questionnaire = make_questionnaire(
        track=track,
        questions=[
            {"key": "q1", "kind": "rating", "text": "Were the labs realistic?", "required": True}
        ],
    )
    page = new_page(viewport=DESKTOP)
    login(page, site, coordinator, PASSWORD)
    page.get_by_role("button", name="Reports").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Questionnaires").click()
    shoot(page, FLOW, "01-questionnaires")
    with page.expect_navigation():
        page.get_by_role("link", name="Workshop feedback").click()
    # Without JavaScript the form has position boxes; with it, buttons.
    assert not page.locator("[data-position]").first.is_visible()
    page.get_by_role("button", name="Add a question").click()
    row = page.locator("[data-question-row]").nth(1)
    row.get_by_label("Question", exact=True).fill("Which part helped most?")
    row.get_by_label("Kind").select_option("choice")
    row.get_by_label("Option 1").fill("Tracing lab")
    row.get_by_label("Option 2").fill("Case study")
    row.get_by_role("button", name="Add an option").click()
    row.get_by_label("Option 3").fill("Tool demos")
    # The new option moved to the top with the keyboard-operable button.
    row.locator("li").nth(2).get_by_role("button", name="Move up").click()
    row.locator("li").nth(1).get_by_role("button", name="Move up").click()
    row.get_by_label("An answer is required").check()
    assert axe_violations(page, site) == []
    shoot(page, FLOW, "02-editor", both=False)
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    assert "Version 2 published" in page.inner_text("main")
    questionnaire.refresh_from_db()
    version = questionnaire.current_version
    assert version.number == 2
    assert version.questions[1] == {
        "key": "q2",
        "kind": "choice",
        "text": "Which part helped most?",
        "required": True,
        "choices": ["Tool demos", "Tracing lab", "Case study"],
    }
    shoot(page, FLOW, "03-published")
    with page.expect_navigation():
        page.get_by_role("link", name="Version 1").click()
    assert "Which part helped most?" not in page.inner_text("main")


def test_officer_answers_feedback_with_questions_on_a_phone(site, new_page, officer, region):
    trainer = TrainerFactory()
    workshop = WorkshopFactory(
        title="Tracing ransomware payments through mixers",
        region=region,
        trainers=[trainer],
        sessions=[(hours_ago(30), hours_ago(26))],
    )
    revision = ModuleRevisionFactory(module=ModuleFactory(title="UTXO tracing"))
    WorkshopModule.objects.create(workshop=workshop, revision=revision, position=0)
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    close_with(trainer, workshop, [registration])
    make_questionnaire()

    page = new_page(viewport=PHONE)
    login(page, site, officer, PASSWORD)
    page.goto(f"{site}/my-training/record/")
    with page.expect_navigation():
        page.get_by_role(
            "link", name="Feedback: Tracing ransomware payments through mixers"
        ).click()
    form = page.locator("main form")
    form.locator("fieldset", has_text="Overall, how would you rate").get_by_label("4").check()
    form.locator("fieldset", has_text="Usefulness of").get_by_label("5").check()
    form.locator("fieldset", has_text="How would you rate the trainers?").get_by_label("5").check()
    page.get_by_role("group", name="Were the exercises realistic?").get_by_label("4").check()
    page.get_by_role("group", name="Was the pace right?").get_by_label("Right").check()
    tools = page.get_by_role("group", name="Which tools will you use?")
    tools.get_by_label("Explorer").check()
    tools.get_by_label("OSINT").check()
    page.get_by_label("What was missing?").fill("A lab on cross-chain bridges.")
    assert page.evaluate(OVERFLOW_JS) <= 0
    assert axe_violations(page, site) == []
    shoot(page, FLOW, "04-feedback-phone", both=False)
    with page.expect_navigation():
        page.get_by_role("button", name="Send feedback").click()
    assert "Thank you for your feedback" in page.inner_text("main")
    answer = SurveyResponse.objects.get(registration=registration)
    assert answer.answers == {
        "q1": 4,
        "q2": "Right",
        "q3": ["Explorer", "OSINT"],
        "q4": "A lab on cross-chain bridges.",
    }
    assert Feedback.objects.get(registration=registration).overall == 4
