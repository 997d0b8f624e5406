"""A trainer writes a module's question bank on a phone: a single choice and a numeric
question, through the form that shows only what each type needs."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, ModuleFactory
from workshops.models import Question

from .conftest import PHONE, axe_violations, login, shoot

pytestmark = pytest.mark.browser
FLOW = "bank"


def test_trainer_adds_a_single_choice_and_a_numeric_question_on_a_phone(site, new_page, trainer):
    module = ModuleFactory(
        title="Bitcoin and the UTXO model",
        authors=[trainer],
        objectives="Read a transaction in a block explorer\nExplain confirmations",
    )
    page = new_page(viewport=PHONE)
    login(page, site, trainer, PASSWORD)
    page.goto(f"{site}/curriculum/{module.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Add a question").click()

    # A single choice (the default type): two option rows, no numeric fields.
    assert page.locator("input[name=option_1]").is_visible()
    assert not page.locator("input[name=option_2]").is_visible()
    assert not page.locator("input[name=numeric_answer]").is_visible()
    page.fill("textarea[name=text]", "Which output of a payment is most likely the change?")
    page.select_option("select[name=objective]", label="Read a transaction in a block explorer")
    page.fill("input[name=option_0]", "The one with a round amount")
    page.fill("input[name=option_1]", "The one matching the inputs' script type")
    page.get_by_role("button", name="Add an option").click()
    page.fill("input[name=option_2]", "Always the first output")
    page.check("input[name=option_0_right]")
    # One right option in a single choice: ticking another unticks the first.
    page.check("input[name=option_1_right]")
    assert not page.locator("input[name=option_0_right]").is_checked()
    page.fill("textarea[name=explanation]", "Payments are often round; change follows the wallet.")
    assert axe_violations(page, site) == []
    shoot(page, FLOW, "01-single-choice-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Save question").click()
    assert page.get_by_text("Question added to the bank.").is_visible()

    with page.expect_navigation():
        page.get_by_role("link", name="Add a question").click()
    page.get_by_label("Numeric answer").check()
    assert not page.locator("input[name=option_0]").is_visible()
    assert page.locator("input[name=numeric_answer]").is_visible()
    page.fill("textarea[name=text]", "How many confirmations do most exchanges wait for?")
    page.select_option("select[name=objective]", label="Explain confirmations")
    page.fill("input[name=numeric_answer]", "6")
    page.fill("input[name=numeric_tolerance]", "1")
    shoot(page, FLOW, "02-numeric-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Save question").click()

    bank = page.locator("#question-bank")
    assert bank.get_by_text("Which output of a payment is most likely the change?").is_visible()
    assert bank.get_by_text("The one matching the inputs' script type").is_visible()
    assert bank.get_by_text("6 ± 1").is_visible()
    assert axe_violations(page, site) == []
    shoot(page, FLOW, "03-bank-listed")
    questions = list(module.questions.working().order_by("position"))
    assert [q.kind for q in questions] == [Question.Kind.SINGLE, Question.Kind.NUMERIC]
    assert questions[0].correct_indices == [1] and len(questions[0].choices) == 3
    assert questions[1].numeric_answer == 6 and questions[1].numeric_tolerance == 1
