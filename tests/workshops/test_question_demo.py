import pytest

from workshops.models import Module, ModuleRevision, Question

pytestmark = pytest.mark.django_db


def test_demo_banks_cover_every_module_and_revision_and_are_idempotent():
    from attendees import demo as attendees_demo
    from workshops import demo_curriculum, demo_questions

    attendees_demo.seed()
    demo_curriculum.seed()
    demo_questions.seed()
    counts = (Question.objects.working().count(), Question.objects.frozen().count())
    demo_questions.seed()
    assert counts == (Question.objects.working().count(), Question.objects.frozen().count())
    for module in Module.objects.all():
        bank = list(module.questions.working())
        assert 6 <= len(bank) <= 10
        assert {q.kind for q in bank} >= {"single", "true_false", "numeric"}
        assert all(q.objective in [*module.objective_list, ""] for q in bank)
    for revision in ModuleRevision.objects.all():
        frozen = list(revision.questions.all())
        assert frozen, revision
        # Each frozen question is tied to an objective the revision itself has.
        assert all(q.objective in [*revision.objective_list, ""] for q in frozen)
    assert Question.objects.filter(kind="numeric", text__icontains="confirmations").exists()
