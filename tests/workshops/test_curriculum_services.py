import pytest
from django.contrib.auth.models import Permission

from tests.factories import ModuleFactory, TrackFactory, TrainerFactory, publish_directly
from workshops import services
from workshops.models import Module, ModuleRevision, Track

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(trainer):
    return trainer


@pytest.fixture
def other_trainer():
    return TrainerFactory(full_name="Trainer Other")


@pytest.fixture
def publishing_trainer():
    user = TrainerFactory(full_name="Trainer Publisher")
    user.user_permissions.add(
        Permission.objects.get(codename="publish_module", content_type__app_label="workshops")
    )
    return user


@pytest.fixture
def draft(author):
    return ModuleFactory(authors=[author])


@pytest.fixture
def in_review(author):
    return ModuleFactory(authors=[author], status=Module.Status.IN_REVIEW)


@pytest.fixture
def published(author):
    module = ModuleFactory(authors=[author])
    publish_directly(module)
    return module


def _edit(module, by, **changes):
    fields = {
        "title": module.title,
        "track": module.track,
        "level": module.level,
        "language": module.language,
        "duration_minutes": module.duration_minutes,
        "objectives": module.objectives,
        "body": module.body,
        "prerequisites": list(module.prerequisites.all()),
    }
    fields.update(changes)
    return services.update_module(module_id=module.pk, by=by, **fields)


# --- submit ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["author", "coordinator", "program_admin"])
def test_author_and_coordinators_submit_a_draft(request, draft, role):
    services.submit_module_for_review(module_id=draft.pk, by=request.getfixturevalue(role))
    draft.refresh_from_db()
    assert draft.status == Module.Status.IN_REVIEW
    assert draft.submitted_at is not None


@pytest.mark.parametrize(
    "role", ["other_trainer", "publishing_trainer", "officer", "other_agency_officer"]
)
def test_non_authors_cannot_submit(request, draft, role):
    with pytest.raises(services.NotAllowed):
        services.submit_module_for_review(module_id=draft.pk, by=request.getfixturevalue(role))
    draft.refresh_from_db()
    assert draft.status == Module.Status.DRAFT


def test_pending_officer_cannot_submit_even_as_listed_author(draft, pending_officer):
    draft.authors.add(pending_officer)
    with pytest.raises(services.NotAllowed):
        services.submit_module_for_review(module_id=draft.pk, by=pending_officer)


def test_submitting_twice_is_an_invalid_transition(in_review, author):
    with pytest.raises(services.InvalidTransition):
        services.submit_module_for_review(module_id=in_review.pk, by=author)


# --- publish ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "program_admin", "publishing_trainer"])
def test_publishers_publish_a_module_in_review(request, in_review, role):
    by = request.getfixturevalue(role)
    revision = services.publish_module(module_id=in_review.pk, by=by)
    in_review.refresh_from_db()
    assert in_review.status == Module.Status.PUBLISHED
    assert in_review.published_revision == revision
    assert revision.number == 1
    assert revision.published_by == by
    assert revision.title == in_review.title
    assert revision.body == in_review.body


@pytest.mark.parametrize("role", ["author", "other_trainer", "officer", "pending_officer"])
def test_authors_without_publish_rights_and_outsiders_cannot_publish(request, in_review, role):
    with pytest.raises(services.NotAllowed):
        services.publish_module(module_id=in_review.pk, by=request.getfixturevalue(role))
    assert not ModuleRevision.objects.exists()


def test_a_draft_cannot_be_published_without_review(draft, coordinator):
    with pytest.raises(services.InvalidTransition):
        services.publish_module(module_id=draft.pk, by=coordinator)


# --- send back -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "publishing_trainer"])
def test_publishers_send_back_with_a_comment(request, in_review, role):
    by = request.getfixturevalue(role)
    services.return_module_to_draft(module_id=in_review.pk, by=by, comment="Add sources.")
    in_review.refresh_from_db()
    assert in_review.status == Module.Status.DRAFT
    assert in_review.review_comment == "Add sources."
    assert in_review.reviewed_by == by


def test_send_back_needs_a_comment(in_review, coordinator):
    with pytest.raises(services.CurriculumError):
        services.return_module_to_draft(module_id=in_review.pk, by=coordinator, comment="  ")


@pytest.mark.parametrize("role", ["author", "other_trainer", "officer"])
def test_others_cannot_send_back(request, in_review, role):
    with pytest.raises(services.NotAllowed):
        services.return_module_to_draft(
            module_id=in_review.pk, by=request.getfixturevalue(role), comment="no"
        )


def test_resubmitting_clears_the_review_comment(in_review, coordinator, author):
    services.return_module_to_draft(module_id=in_review.pk, by=coordinator, comment="Fix it")
    services.submit_module_for_review(module_id=in_review.pk, by=author)
    in_review.refresh_from_db()
    assert in_review.review_comment == ""


# --- archive ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "program_admin"])
def test_coordinators_archive_and_unarchive(request, published, role):
    by = request.getfixturevalue(role)
    services.archive_module(module_id=published.pk, by=by)
    published.refresh_from_db()
    assert published.status == Module.Status.ARCHIVED
    assert not Module.objects.live().filter(pk=published.pk).exists()
    services.unarchive_module(module_id=published.pk, by=by)
    published.refresh_from_db()
    assert published.status == Module.Status.PUBLISHED


def test_unarchiving_a_never_published_module_returns_it_to_draft(draft, coordinator):
    services.archive_module(module_id=draft.pk, by=coordinator)
    services.unarchive_module(module_id=draft.pk, by=coordinator)
    draft.refresh_from_db()
    assert draft.status == Module.Status.DRAFT


@pytest.mark.parametrize("role", ["author", "publishing_trainer", "officer"])
def test_only_coordinators_archive(request, published, role):
    with pytest.raises(services.NotAllowed):
        services.archive_module(module_id=published.pk, by=request.getfixturevalue(role))


@pytest.mark.parametrize("role", ["author", "publishing_trainer", "officer"])
def test_only_coordinators_unarchive(request, published, coordinator, role):
    services.archive_module(module_id=published.pk, by=coordinator)
    with pytest.raises(services.NotAllowed):
        services.unarchive_module(module_id=published.pk, by=request.getfixturevalue(role))


def test_archived_module_cannot_be_edited(published, coordinator):
    services.archive_module(module_id=published.pk, by=coordinator)
    with pytest.raises(services.InvalidTransition):
        _edit(published, coordinator, title="Changed")


# --- editing and revisions -------------------------------------------------------------------


def test_editing_a_published_module_changes_only_the_working_copy(published, author):
    revision = published.published_revision
    _edit(published, author, title="New title", body="New **body**")
    published.refresh_from_db()
    revision.refresh_from_db()
    assert published.title == "New title"
    assert published.status == Module.Status.DRAFT
    assert published.published_revision == revision
    assert revision.title != "New title"
    assert Module.objects.live().filter(pk=published.pk).exists()


def test_saving_without_changes_keeps_a_published_module_published(published, author):
    _edit(published, author)
    published.refresh_from_db()
    assert published.status == Module.Status.PUBLISHED


def test_republishing_creates_the_next_revision_and_keeps_the_old_one(
    published, author, coordinator
):
    first = published.published_revision
    _edit(published, author, body="Second version")
    services.submit_module_for_review(module_id=published.pk, by=author)
    second = services.publish_module(module_id=published.pk, by=coordinator)
    assert second.number == 2
    assert second.body == "Second version"
    first.refresh_from_db()
    assert first.body != "Second version"
    assert list(published.revisions.values_list("number", flat=True)) == [2, 1]


def test_a_revision_cannot_be_changed_once_saved(published):
    revision = published.published_revision
    revision.title = "Rewritten history"
    with pytest.raises(ValueError):
        revision.save()


def test_non_author_trainer_cannot_edit(published, other_trainer):
    with pytest.raises(services.NotAllowed):
        _edit(published, other_trainer, title="Hijack")


def test_author_cannot_edit_while_in_review(in_review, author):
    with pytest.raises(services.InvalidTransition):
        _edit(in_review, author, title="Sneaky change")


def test_create_module_makes_trainer_an_author_and_a_slug(trainer):
    module = services.create_module(
        by=trainer,
        title="Tracing USDT on Tron",
        track=TrackFactory(),
        level="intermediate",
        language="en",
        duration_minutes=90,
        objectives=" Trace a transfer \n\n Explain energy ",
    )
    assert list(module.authors.all()) == [trainer]
    assert module.slug == "tracing-usdt-on-tron"
    assert module.objectives == "Trace a transfer\nExplain energy"
    assert module.status == Module.Status.DRAFT


def test_officer_cannot_create_module(officer):
    with pytest.raises(services.NotAllowed):
        services.create_module(
            by=officer,
            title="x",
            track=TrackFactory(),
            level="introductory",
            language="en",
            duration_minutes=60,
            objectives="x",
        )


def test_authors_must_be_trainers(coordinator, officer):
    with pytest.raises(services.CurriculumError):
        services.create_module(
            by=coordinator,
            title="x",
            track=TrackFactory(),
            level="introductory",
            language="en",
            duration_minutes=60,
            objectives="x",
            authors=[officer],
        )


# --- prerequisites ---------------------------------------------------------------------------


def test_a_module_cannot_require_itself(draft, author):
    with pytest.raises(services.PrerequisiteError):
        _edit(draft, author, prerequisites=[draft])


def test_prerequisite_cycles_are_refused(author):
    a, b, c = (ModuleFactory(authors=[author]) for _ in range(3))
    _edit(b, author, prerequisites=[a])
    _edit(c, author, prerequisites=[b])
    with pytest.raises(services.PrerequisiteError):
        _edit(a, author, prerequisites=[c])
    assert not a.prerequisites.exists()


def test_publishing_records_prerequisite_ids(author, coordinator):
    base = ModuleFactory(authors=[author])
    module = ModuleFactory(authors=[author])
    _edit(module, author, prerequisites=[base])
    services.submit_module_for_review(module_id=module.pk, by=author)
    revision = services.publish_module(module_id=module.pk, by=coordinator)
    assert revision.prerequisite_ids == [base.pk]


# --- tracks ----------------------------------------------------------------------------------


def test_coordinator_adds_a_track(coordinator):
    track = services.create_track(by=coordinator, name="Incident response")
    assert track.slug == "incident-response"


def test_duplicate_track_name_is_refused(coordinator):
    services.create_track(by=coordinator, name="Incident response")
    with pytest.raises(services.CurriculumError):
        services.create_track(by=coordinator, name="incident RESPONSE")


@pytest.mark.parametrize("role", ["trainer", "publishing_trainer", "officer"])
def test_only_coordinators_add_tracks(request, role):
    with pytest.raises(services.NotAllowed):
        services.create_track(by=request.getfixturevalue(role), name="Mine")
    assert not Track.objects.filter(name="Mine").exists()
