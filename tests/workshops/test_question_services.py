from decimal import Decimal

import pytest

from tests.factories import ModuleFactory, publish_directly
from tests.workshops.question_factories import NumericQuestionFactory, QuestionFactory
from workshops import services
from workshops.models import Module, Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(trainer):
    return ModuleFactory(authors=[trainer])


def _single(**overrides):
    fields = {
        "kind": "single",
        "text": "How many confirmations?",
        "choices": [{"text": "Six", "correct": True}, {"text": "One", "correct": False}],
    }
    fields.update(overrides)
    return fields


# --- freezing --------------------------------------------------------------------------------


def test_publishing_freezes_the_working_bank_into_the_revision(module, coordinator):
    first = QuestionFactory(module=module, position=0, objective="Trace a transaction")
    second = NumericQuestionFactory(module=module, position=1, explanation="Because.")
    module.status = Module.Status.IN_REVIEW
    module.save()
    revision = services.publish_module(module_id=module.pk, by=coordinator)
    frozen = list(revision.questions.order_by("position"))
    assert [q.key for q in frozen] == [first.key, second.key]
    assert frozen[0].choices == first.choices and frozen[0].objective == first.objective
    assert frozen[1].numeric_answer == Decimal(6) and frozen[1].numeric_tolerance == Decimal(1)
    assert frozen[1].explanation == "Because."
    # The working copy stays as it was, for the next revision.
    assert module.questions.working().count() == 2


def test_a_frozen_bank_never_changes_when_the_working_copy_does(module, trainer, coordinator):
    question = QuestionFactory(module=module)
    module.status = Module.Status.IN_REVIEW
    module.save()
    revision = services.publish_module(module_id=module.pk, by=coordinator)
    services.update_question(question_id=question.pk, by=trainer, **_single(text="Reworded?"))
    services.create_question(module_id=module.pk, by=trainer, **_single(text="Another?"))
    assert [q.text for q in revision.questions.all()] == [question.text]
    frozen = revision.questions.get()
    with pytest.raises(services.QuestionError):
        services.update_question(question_id=frozen.pk, by=coordinator, **_single())
    with pytest.raises(services.QuestionError):
        services.delete_question(question_id=frozen.pk, by=coordinator)
    with pytest.raises(services.QuestionError):
        services.move_question(question_id=frozen.pk, by=coordinator, up=True)
    assert revision.questions.get().text == question.text


def test_freezing_twice_keeps_the_first_bank(module):
    revision = publish_directly(module)
    QuestionFactory(module=module)
    assert len(services.freeze_question_bank(module=module, revision=revision)) == 1
    QuestionFactory(module=module)
    assert services.freeze_question_bank(module=module, revision=revision) == []
    assert Question.objects.filter(revision=revision).count() == 1


def test_freezing_refuses_another_modules_revision(module):
    revision = publish_directly(ModuleFactory())
    with pytest.raises(ValueError):
        services.freeze_question_bank(module=module, revision=revision)
