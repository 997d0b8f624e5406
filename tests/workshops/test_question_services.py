from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from audit.models import AuditEntry
from tests.factories import ModuleFactory, TrainerFactory, publish_directly
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


# --- validation per kind ---------------------------------------------------------------------


def _options(*rights):
    return [{"text": f"Option {i}", "correct": right} for i, right in enumerate(rights)]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"kind": "single", "choices": _options(True)}, "between 2 and 8"),
        ({"kind": "single", "choices": _options(True, *[False] * 8)}, "between 2 and 8"),
        ({"kind": "single", "choices": _options(True, True)}, "exactly one"),
        ({"kind": "single", "choices": _options(False, False)}, "exactly one"),
        ({"kind": "multiple", "choices": _options(False, False, False)}, "at least one"),
        (
            {"kind": "single", "choices": [{"text": "Same", "correct": True}, {"text": "same"}]},
            "same text",
        ),
        ({"kind": "true_false"}, "true or false"),
        ({"kind": "numeric"}, "right number"),
        (
            {"kind": "numeric", "numeric_answer": Decimal(6), "numeric_tolerance": Decimal(-1)},
            "negative",
        ),
        ({"kind": "essay"}, "type of question"),
        ({"kind": "single", "text": "   "}, "Write the question"),
    ],
)
def test_each_kind_is_validated(module, trainer, fields, message):
    values = _single(**fields)
    with pytest.raises(services.QuestionError, match=message):
        services.create_question(module_id=module.pk, by=trainer, **values)
    assert not Question.objects.exists()


def test_valid_questions_of_each_kind_keep_only_their_own_fields(module, trainer):
    stray = {
        "choices": _options(True, False),
        "true_answer": True,
        "numeric_answer": Decimal(6),
        "numeric_tolerance": Decimal(1),
    }
    multiple = services.create_question(
        module_id=module.pk,
        by=trainer,
        **{**stray, "kind": "multiple", "text": "Which?", "choices": _options(True, True, False)},
    )
    assert multiple.correct_indices == [0, 1] and multiple.numeric_answer is None
    assert multiple.true_answer is None
    true_false = services.create_question(
        module_id=module.pk, by=trainer, **{**stray, "kind": "true_false", "text": "True?"}
    )
    assert true_false.true_answer is True and true_false.choices == []
    numeric = services.create_question(
        module_id=module.pk, by=trainer, **{**stray, "kind": "numeric", "text": "How many?"}
    )
    assert numeric.numeric_tolerance == Decimal(1) and numeric.choices == []
    assert numeric.true_answer is None
    # Blank option rows are left out; eight is the most.
    eight = services.create_question(
        module_id=module.pk,
        by=trainer,
        **_single(choices=[*_options(True, *[False] * 7), {"text": " ", "correct": False}]),
    )
    assert len(eight.choices) == 8
    assert [q.position for q in module.questions.working().order_by("position")] == [0, 1, 2, 3]


def test_objective_is_empty_or_one_of_the_working_copys(module, trainer):
    with pytest.raises(services.QuestionError, match="learning objectives"):
        services.create_question(
            module_id=module.pk, by=trainer, **_single(objective="Seize a wallet")
        )
    question = services.create_question(
        module_id=module.pk, by=trainer, **_single(objective=" Explain a UTXO ")
    )
    assert question.objective == "Explain a UTXO"
    # Objectives are read from the working copy, not a published revision.
    publish_directly(module, objectives="Published objective only")
    with pytest.raises(services.QuestionError):
        services.create_question(
            module_id=module.pk, by=trainer, **_single(objective="Published objective only")
        )


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["other_trainer", "officer", "publisher"])
def test_only_editors_of_the_module_change_its_bank(request, module, role):
    if role == "other_trainer":
        user = TrainerFactory()
    elif role == "publisher":
        user = TrainerFactory()
        user.user_permissions.add(Permission.objects.get(codename="publish_module"))
    else:
        user = request.getfixturevalue(role)
    question = QuestionFactory(module=module)
    with pytest.raises(services.QuestionError):
        services.create_question(module_id=module.pk, by=user, **_single())
    with pytest.raises(services.QuestionError):
        services.update_question(question_id=question.pk, by=user, **_single())
    with pytest.raises(services.QuestionError):
        services.delete_question(question_id=question.pk, by=user)
    with pytest.raises(services.QuestionError):
        services.move_question(question_id=question.pk, by=user, up=False)
    assert module.questions.count() == 1


def test_coordinators_edit_any_bank_and_archived_modules_are_closed(module, coordinator):
    services.create_question(module_id=module.pk, by=coordinator, **_single())
    Module.objects.filter(pk=module.pk).update(status=Module.Status.ARCHIVED)
    with pytest.raises(services.QuestionError, match="archived"):
        services.create_question(module_id=module.pk, by=coordinator, **_single())


def test_a_bank_in_review_is_changed_only_by_publishers(module, trainer, coordinator):
    Module.objects.filter(pk=module.pk).update(status=Module.Status.IN_REVIEW)
    with pytest.raises(services.QuestionError, match="in review"):
        services.create_question(module_id=module.pk, by=trainer, **_single())
    services.create_question(module_id=module.pk, by=coordinator, **_single())
    module.refresh_from_db()
    assert module.status == Module.Status.IN_REVIEW


def test_editing_a_published_modules_bank_puts_it_back_to_draft(module, trainer):
    publish_directly(module)
    services.create_question(module_id=module.pk, by=trainer, **_single())
    module.refresh_from_db()
    assert module.status == Module.Status.DRAFT


# --- audit and order -------------------------------------------------------------------------


def test_every_change_is_audited(module, trainer):
    question = services.create_question(module_id=module.pk, by=trainer, **_single())
    services.update_question(question_id=question.pk, by=trainer, **_single(text="Reworded?"))
    # Saving what is already there changes nothing and records nothing.
    services.update_question(question_id=question.pk, by=trainer, **_single(text="Reworded?"))
    services.create_question(module_id=module.pk, by=trainer, **_single(text="Second?"))
    services.move_question(question_id=question.pk, by=trainer, up=False)
    services.delete_question(question_id=question.pk, by=trainer)
    actions = list(
        AuditEntry.objects.filter(target_id=str(module.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "question.created",
        "question.updated",
        "question.created",
        "question.moved",
        "question.deleted",
    ]
    assert AuditEntry.objects.filter(actor=trainer).count() == 5


def test_moving_swaps_neighbours_and_stops_at_the_ends(module, trainer):
    a, b, c = (QuestionFactory(module=module, position=n) for n in (0, 5, 9))
    services.move_question(question_id=c.pk, by=trainer, up=True)
    order = list(module.questions.working().order_by("position"))
    assert order == [a, c, b]
    assert [q.position for q in order] == [0, 1, 2]
    services.move_question(question_id=a.pk, by=trainer, up=True)
    services.move_question(question_id=b.pk, by=trainer, up=False)
    assert list(module.questions.working().order_by("position")) == [a, c, b]
