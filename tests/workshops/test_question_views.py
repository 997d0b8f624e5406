import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import ModuleFactory, OfficerFactory, TrainerFactory, publish_directly
from tests.workshops.question_factories import (
    NumericQuestionFactory,
    QuestionFactory,
    TrueFalseQuestionFactory,
)
from workshops import services
from workshops.models import Module, Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(trainer):
    return ModuleFactory(authors=[trainer], title="UTXO tracing")


@pytest.fixture
def other_trainer():
    return TrainerFactory(full_name="Trainer Other")


def _post_data(**overrides):
    data = {
        "kind": "single",
        "text": "How many confirmations make a deposit final at most exchanges?",
        "objective": "",
        "option_0": "Six",
        "option_0_right": "on",
        "option_1": "One",
        "numeric_tolerance": "0",
        "explanation": "",
    }
    data.update(overrides)
    return data


# --- the form --------------------------------------------------------------------------------


def test_author_adds_a_single_choice_question(client_for, trainer, module):
    url = reverse("workshops:question_create", args=[module.pk])
    assert client_for(trainer).get(url).status_code == 200
    response = client_for(trainer).post(url, _post_data(objective="Trace a transaction"))
    assert response.status_code == 302
    assert response["Location"].endswith("#question-bank")
    question = module.questions.working().get()
    assert question.choices == [
        {"text": "Six", "correct": True},
        {"text": "One", "correct": False},
    ]
    assert question.objective == "Trace a transaction"
    assert question.created_by == trainer


def test_numeric_question_ignores_stray_option_rows_and_bad_hidden_fields(
    client_for, trainer, module
):
    # Without script every row is sent: another kind's fields, even malformed, are ignored.
    data = _post_data(
        kind="numeric", numeric_answer="6", numeric_tolerance="1", true_answer="maybe"
    )
    response = client_for(trainer).post(
        reverse("workshops:question_create", args=[module.pk]), data
    )
    assert response.status_code == 302
    question = module.questions.working().get()
    assert question.kind == "numeric" and question.choices == []
    assert question.numeric_answer == 6 and question.numeric_tolerance == 1


def test_bad_input_shows_errors_and_keeps_what_was_typed(client_for, trainer, module):
    data = _post_data(option_1_right="on", option_2="Three confirmations")
    response = client_for(trainer).post(
        reverse("workshops:question_create", args=[module.pk]), data
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Mark exactly one option as right." in body
    assert "Three confirmations" in body and "How many confirmations" in body
    assert not Question.objects.exists()


def test_numeric_question_needs_a_non_negative_tolerance(client_for, trainer, module):
    data = _post_data(kind="numeric", numeric_answer="6", numeric_tolerance="-1")
    response = client_for(trainer).post(
        reverse("workshops:question_create", args=[module.pk]), data
    )
    assert response.status_code == 400
    assert not Question.objects.exists()


def test_objective_must_be_the_modules_own(client_for, trainer, module):
    data = _post_data(objective="Something else")
    response = client_for(trainer).post(
        reverse("workshops:question_create", args=[module.pk]), data
    )
    assert response.status_code == 400
    assert not Question.objects.exists()


def test_edit_form_shows_the_question_and_saves_changes(client_for, trainer, module):
    question = TrueFalseQuestionFactory(module=module, text="A UTXO can be spent twice.")
    url = reverse("workshops:question_edit", args=[question.pk])
    body = client_for(trainer).get(url).content.decode()
    assert "A UTXO can be spent twice." in body
    response = client_for(trainer).post(
        url, _post_data(kind="true_false", text="A UTXO is spent whole.", true_answer="true")
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "A UTXO is spent whole." and question.true_answer is True


def test_delete_and_move_are_post_only(client_for, trainer, module):
    question = QuestionFactory(module=module)
    for name in ("workshops:question_delete", "workshops:question_move"):
        assert client_for(trainer).get(reverse(name, args=[question.pk])).status_code == 405


def test_author_deletes_and_moves_questions(client_for, trainer, module):
    first, second = QuestionFactory(module=module), QuestionFactory(module=module)
    client = client_for(trainer)
    response = client.post(
        reverse("workshops:question_move", args=[second.pk]), {"direction": "up"}
    )
    assert response.status_code == 302
    assert list(module.questions.working().order_by("position")) == [second, first]
    bad = client.post(reverse("workshops:question_move", args=[second.pk]), {"direction": "x"})
    assert bad.status_code == 400
    client.post(reverse("workshops:question_delete", args=[first.pk]))
    assert list(module.questions.working()) == [second]


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["other_trainer", "publishing_trainer"])
def test_other_trainers_get_404_and_change_nothing(request, client_for, module, role):
    if role == "publishing_trainer":
        user = TrainerFactory()
        user.user_permissions.add(Permission.objects.get(codename="publish_module"))
    else:
        user = request.getfixturevalue(role)
    question = QuestionFactory(module=module)
    client = client_for(user)
    assert client.get(reverse("workshops:question_create", args=[module.pk])).status_code == 404
    assert client.get(reverse("workshops:question_edit", args=[question.pk])).status_code == 404
    assert (
        client.post(reverse("workshops:question_create", args=[module.pk]), _post_data())
    ).status_code == 404
    assert client.post(reverse("workshops:question_delete", args=[question.pk])).status_code == 404
    assert (
        client.post(reverse("workshops:question_move", args=[question.pk]), {"direction": "up"})
    ).status_code == 404
    assert module.questions.count() == 1


def test_officers_are_refused_and_anonymous_sent_to_sign_in(client, client_for, module):
    question = QuestionFactory(module=module)
    urls = [
        reverse("workshops:question_create", args=[module.pk]),
        reverse("workshops:question_edit", args=[question.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    officer = client_for(OfficerFactory())
    for url in urls:
        assert officer.get(url).status_code == 403
    assert officer.post(reverse("workshops:question_delete", args=[question.pk])).status_code in (
        403,
        404,
    )
    assert Question.objects.filter(pk=question.pk).exists()


def test_frozen_questions_have_no_edit_page(client_for, coordinator, module):
    revision = publish_directly(module)
    QuestionFactory(module=module)
    frozen = services.freeze_question_bank(module=module, revision=revision)[0]
    client = client_for(coordinator)
    assert client.get(reverse("workshops:question_edit", args=[frozen.pk])).status_code == 404
    assert client.post(reverse("workshops:question_delete", args=[frozen.pk])).status_code == 404


def test_coordinator_edits_any_modules_bank(client_for, coordinator, module):
    response = client_for(coordinator).post(
        reverse("workshops:question_create", args=[module.pk]), _post_data()
    )
    assert response.status_code == 302
    assert module.questions.count() == 1


def test_author_cannot_change_a_bank_in_review(client_for, trainer, module):
    Module.objects.filter(pk=module.pk).update(status=Module.Status.IN_REVIEW)
    response = client_for(trainer).post(
        reverse("workshops:question_create", args=[module.pk]), _post_data()
    )
    assert response.status_code == 400
    assert "in review" in response.content.decode()
    assert not Question.objects.exists()


# --- the pages that show a bank ---------------------------------------------------------------


def test_module_page_lists_the_working_bank_with_its_buttons(client_for, trainer, module):
    QuestionFactory(module=module, text="Which output is change?", objective="Explain a UTXO")
    NumericQuestionFactory(module=module, text="How many confirmations?")
    body = client_for(trainer).get(reverse("workshops:module_detail", args=[module.pk]))
    body = body.content.decode()
    assert "Question bank" in body
    assert "Which output is change?" in body and "Explain a UTXO" in body
    assert "6 ± 1" in body  # the numeric question's right answer
    assert reverse("workshops:question_create", args=[module.pk]) in body
    assert "Move question 2 up" in body


def test_reviewer_reads_the_bank_but_gets_no_buttons_on_a_module_in_review(
    client_for, trainer, module
):
    reviewer = TrainerFactory()
    reviewer.user_permissions.add(Permission.objects.get(codename="publish_module"))
    QuestionFactory(module=module, text="Which output is change?")
    Module.objects.filter(pk=module.pk).update(status=Module.Status.IN_REVIEW)
    body = client_for(reviewer).get(reverse("workshops:module_detail", args=[module.pk]))
    body = body.content.decode()
    assert "Which output is change?" in body
    assert reverse("workshops:question_create", args=[module.pk]) not in body
    queue = client_for(reviewer).get(reverse("workshops:review_queue")).content.decode()
    assert "1 question in its bank" in queue


def test_revision_page_shows_its_frozen_bank_to_staff_only(
    client_for, trainer, other_trainer, coordinator, module
):
    QuestionFactory(module=module, text="Which output is change?")
    revision = publish_directly(module)
    services.freeze_question_bank(module=module, revision=revision)
    QuestionFactory(module=module, text="Only in the working copy")
    url = reverse("workshops:revision_detail", args=[module.pk, 1])
    for user in (trainer, other_trainer, coordinator):
        body = client_for(user).get(url).content.decode()
        assert "Which output is change?" in body
        assert "Only in the working copy" not in body
    officer_page = client_for(OfficerFactory()).get(url)
    assert officer_page.status_code == 200
    assert "Which output is change?" not in officer_page.content.decode()
    assert "Question bank" not in officer_page.content.decode()


def test_revision_diff_shows_bank_changes_by_key(client_for, coordinator, module):
    kept = QuestionFactory(module=module, text="Kept as is?")
    reworded = QuestionFactory(module=module, text="Old wording?")
    dropped = QuestionFactory(module=module, text="Dropped later?")
    first = publish_directly(module)
    services.freeze_question_bank(module=module, revision=first)
    reworded.text = "New wording?"
    reworded.save()
    dropped.delete()
    QuestionFactory(module=module, text="Added later?")
    second = publish_directly(module, number=2)
    services.freeze_question_bank(module=module, revision=second)
    url = reverse("workshops:revision_diff", args=[module.pk]) + "?from=1&to=2"
    body = client_for(coordinator).get(url).content.decode()
    added, removed, changed = (
        body.index(">Added<"),
        body.index(">Removed<"),
        body.index(">Changed<"),
    )
    assert added < body.index("Added later?") < removed < body.index("Dropped later?") < changed
    assert changed < body.index("Old wording?") < body.index("New wording?")
    assert body.count(kept.text) == 0
    officer_body = client_for(OfficerFactory()).get(url).content.decode()
    assert "Added later?" not in officer_body and "Question bank" not in officer_body


# --- query counts ------------------------------------------------------------------------------


def _queries(django_assert_max_num_queries, client, url, n):
    with django_assert_max_num_queries(n):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 20])
def test_bank_pages_run_the_same_queries_whatever_the_bank_size(
    django_assert_max_num_queries, client_for, coordinator, module, rows
):
    QuestionFactory.create_batch(rows, module=module)
    first = publish_directly(module)
    services.freeze_question_bank(module=module, revision=first)
    QuestionFactory.create_batch(rows, module=module)
    second = publish_directly(module, number=2)
    services.freeze_question_bank(module=module, revision=second)
    Module.objects.filter(pk=module.pk).update(status=Module.Status.IN_REVIEW)
    client = client_for(coordinator)
    _queries(
        django_assert_max_num_queries,
        client,
        reverse("workshops:module_detail", args=[module.pk]),
        11,
    )
    _queries(
        django_assert_max_num_queries,
        client,
        reverse("workshops:revision_detail", args=[module.pk, 2]),
        7,
    )
    _queries(
        django_assert_max_num_queries,
        client,
        reverse("workshops:revision_diff", args=[module.pk]),
        7,
    )
    _queries(django_assert_max_num_queries, client, reverse("workshops:review_queue"), 6)


def test_form_without_script_offers_every_option_row_and_every_kinds_fields(
    client_for, trainer, module
):
    body = client_for(trainer).get(reverse("workshops:question_create", args=[module.pk]))
    body = body.content.decode()
    for index in range(8):
        assert f'name="option_{index}"' in body and f'name="option_{index}_right"' in body
    assert 'name="numeric_answer"' in body and 'name="true_answer"' in body
    # Hidden only by the script: nothing is hidden in the page as sent.
    assert "data-option-add hidden" in body and 'data-option-row="7"' in body
    assert "workshops/questions.js" in body
