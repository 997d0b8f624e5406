import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import (
    MaterialFactory,
    ModuleFactory,
    ModuleRevisionFactory,
    TrackFactory,
    TrainerFactory,
    WorkshopFactory,
    publish_directly,
)
from workshops.models import Module, Track, Workshop, WorkshopModule

pytestmark = pytest.mark.django_db


@pytest.fixture
def track():
    return TrackFactory(name="Blockchain forensics", slug="blockchain-forensics")


@pytest.fixture
def published(trainer, track):
    module = ModuleFactory(
        authors=[trainer], track=track, title="Clustering heuristics", slug="clustering"
    )
    publish_directly(module)
    return module


@pytest.fixture
def draft(trainer, track):
    return ModuleFactory(authors=[trainer], track=track, title="Secret draft", slug="secret")


@pytest.fixture
def publishing_trainer():
    user = TrainerFactory(full_name="Trainer Publisher")
    user.user_permissions.add(
        Permission.objects.get(codename="publish_module", content_type__app_label="workshops")
    )
    return user


# --- workspace pages -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["module_list", "module_create"])
@pytest.mark.parametrize("role", ["officer", "focal_point", "other_agency_officer"])
def test_officers_get_403_on_workspace(client_for, request, name, role):
    response = client_for(request.getfixturevalue(role)).get(reverse(f"workshops:{name}"))
    assert response.status_code == 403


def test_pending_officer_is_sent_to_access_page(client_for, pending_officer):
    response = client_for(pending_officer).get(reverse("workshops:library"))
    assert response.status_code == 302
    assert response.url == reverse("access_status")


def test_trainer_module_list_shows_only_own_modules(client_for, trainer, draft, track):
    ModuleFactory(authors=[TrainerFactory()], title="Someone else's", track=track)
    html = client_for(trainer).get(reverse("workshops:module_list")).content.decode()
    assert "Secret draft" in html
    assert "Someone else&#x27;s" not in html


def test_module_list_filters_by_status(client_for, coordinator, draft, published):
    response = client_for(coordinator).get(reverse("workshops:module_list"), {"status": "draft"})
    assert "Secret draft" in response.content.decode()
    assert "Clustering heuristics" not in response.content.decode()


def test_trainer_creates_a_module(client_for, trainer, track, published):
    response = client_for(trainer).post(
        reverse("workshops:module_create"),
        {
            "title": "Tracing through mixers",
            "slug": "",
            "track": track.pk,
            "level": "advanced",
            "language": "en",
            "duration_minutes": 120,
            "objectives": "Spot a CoinJoin\nTrace post-mix spending",
            "prerequisites": [published.pk],
            "body": "# Mixers",
        },
    )
    assert response.status_code == 302
    module = Module.objects.get(slug="tracing-through-mixers")
    assert list(module.authors.all()) == [trainer]
    assert list(module.prerequisites.all()) == [published]
    assert module.objective_list == ["Spot a CoinJoin", "Trace post-mix spending"]


def test_create_with_bad_input_shows_errors_not_500(client_for, trainer, track):
    response = client_for(trainer).post(
        reverse("workshops:module_create"),
        {"title": "", "track": track.pk, "level": "bogus", "duration_minutes": "-5"},
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_create_cannot_pick_a_hidden_draft_as_prerequisite(client_for, track):
    other = TrainerFactory()
    hidden = ModuleFactory(authors=[TrainerFactory()], track=track)
    response = client_for(other).post(
        reverse("workshops:module_create"),
        {
            "title": "X",
            "track": track.pk,
            "level": "advanced",
            "language": "en",
            "duration_minutes": 60,
            "objectives": "x",
            "prerequisites": [hidden.pk],
        },
    )
    assert response.status_code == 400
    assert not Module.objects.filter(title="X").exists()


def test_edit_form_prerequisite_cycle_is_a_form_error(client_for, trainer, track):
    a = ModuleFactory(authors=[trainer], track=track)
    b = ModuleFactory(authors=[trainer], track=track)
    b.prerequisites.add(a)
    response = client_for(trainer).post(
        reverse("workshops:module_edit", args=[a.pk]),
        {
            "title": a.title,
            "slug": a.slug,
            "track": track.pk,
            "level": a.level,
            "language": "en",
            "duration_minutes": 60,
            "objectives": "x",
            "prerequisites": [b.pk],
            "body": "",
        },
    )
    assert response.status_code == 400
    assert "cycle" in response.content.decode()


@pytest.mark.parametrize("name", ["module_detail", "module_edit"])
def test_non_author_trainer_gets_404_on_a_draft(client_for, draft, name):
    response = client_for(TrainerFactory()).get(reverse(f"workshops:{name}", args=[draft.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["trainer", "coordinator", "other_coordinator"])
def test_authors_and_coordinators_open_the_working_copy(client_for, request, draft, role):
    response = client_for(request.getfixturevalue(role)).get(
        reverse("workshops:module_detail", args=[draft.pk])
    )
    assert response.status_code == 200
    assert "Secret draft" in response.content.decode()


def test_module_detail_never_renders_script_from_markdown(client_for, trainer, track):
    module = ModuleFactory(
        authors=[trainer], track=track, body="Hi <script>alert('owned')</script>"
    )
    html = client_for(trainer).get(reverse("workshops:module_detail", args=[module.pk]))
    assert "alert(&#x27;owned" not in html.content.decode()
    assert "<script>alert" not in html.content.decode()


# --- workflow through the views --------------------------------------------------------------


def _transition(client, module, action, **data):
    return client.post(reverse("workshops:module_transition", args=[module.pk, action]), data)


def test_full_workflow_through_the_pages(client_for, trainer, coordinator, draft):
    assert _transition(client_for(trainer), draft, "submit").status_code == 302
    draft.refresh_from_db()
    assert draft.status == Module.Status.IN_REVIEW
    assert _transition(client_for(coordinator), draft, "send-back", comment="More").status_code
    draft.refresh_from_db()
    assert draft.status == Module.Status.DRAFT
    _transition(client_for(trainer), draft, "submit")
    _transition(client_for(coordinator), draft, "publish")
    draft.refresh_from_db()
    assert draft.status == Module.Status.PUBLISHED
    assert draft.published_revision.number == 1


def test_transition_message_is_in_the_users_language(client_for, trainer, draft):
    trainer.language = "fr"
    trainer.save(update_fields=["language"])
    response = client_for(trainer).post(
        reverse("workshops:module_transition", args=[draft.pk, "submit"]), follow=True
    )
    with translation.override("fr"):
        expected = translation.gettext("Submitted for review.")
    assert expected != "Submitted for review."
    assert expected in response.content.decode()


def test_author_without_publish_rights_gets_403_on_publish(client_for, trainer, draft):
    Module.objects.filter(pk=draft.pk).update(status=Module.Status.IN_REVIEW)
    assert _transition(client_for(trainer), draft, "publish").status_code == 403
    draft.refresh_from_db()
    assert draft.status == Module.Status.IN_REVIEW


def test_officer_gets_403_on_workflow(client_for, officer, draft):
    assert _transition(client_for(officer), draft, "submit").status_code == 403


def test_send_back_without_comment_changes_nothing(client_for, coordinator, draft):
    Module.objects.filter(pk=draft.pk).update(status=Module.Status.IN_REVIEW)
    _transition(client_for(coordinator), draft, "send-back", comment="")
    draft.refresh_from_db()
    assert draft.status == Module.Status.IN_REVIEW


def test_unknown_action_is_404(client_for, coordinator, draft):
    assert _transition(client_for(coordinator), draft, "delete").status_code == 404


def test_workflow_is_post_only(client_for, coordinator, draft):
    url = reverse("workshops:module_transition", args=[draft.pk, "archive"])
    assert client_for(coordinator).get(url).status_code == 405


def test_review_queue_for_publishers_only(client_for, publishing_trainer, trainer, officer, draft):
    Module.objects.filter(pk=draft.pk).update(status=Module.Status.IN_REVIEW)
    response = client_for(publishing_trainer).get(reverse("workshops:review_queue"))
    assert "Secret draft" in response.content.decode()
    assert client_for(trainer).get(reverse("workshops:review_queue")).status_code == 403
    assert client_for(officer).get(reverse("workshops:review_queue")).status_code == 403


def test_publishing_trainer_opens_module_in_review_but_not_drafts(
    client_for, publishing_trainer, draft
):
    url = reverse("workshops:module_detail", args=[draft.pk])
    assert client_for(publishing_trainer).get(url).status_code == 404
    Module.objects.filter(pk=draft.pk).update(status=Module.Status.IN_REVIEW)
    assert client_for(publishing_trainer).get(url).status_code == 200


# --- revisions -------------------------------------------------------------------------------


def test_officer_reads_old_revision_and_diff(client_for, officer, published):
    ModuleRevisionFactory(
        module=published, number=2, body="# Intro\nSome **content**.\nNew <b>line</b>."
    )
    client = client_for(officer)
    r1 = client.get(reverse("workshops:revision_detail", args=[published.pk, 1]))
    assert r1.status_code == 200
    diff = client.get(reverse("workshops:revision_diff", args=[published.pk]), {"from": 1, "to": 2})
    html = diff.content.decode()
    assert diff.status_code == 200
    assert "+New &lt;b&gt;line&lt;/b&gt;." in html
    assert "<b>line</b>" not in html


def test_diff_with_bad_numbers_is_404(client_for, officer, published):
    ModuleRevisionFactory(module=published, number=2)
    url = reverse("workshops:revision_diff", args=[published.pk])
    assert client_for(officer).get(url, {"from": "x"}).status_code == 404
    assert client_for(officer).get(url, {"from": 9, "to": 1}).status_code == 404


def test_officer_cannot_read_revisions_of_archived_module(client_for, officer, published):
    Module.objects.filter(pk=published.pk).update(status=Module.Status.ARCHIVED)
    url = reverse("workshops:revision_detail", args=[published.pk, 1])
    assert client_for(officer).get(url).status_code == 404


# --- library ---------------------------------------------------------------------------------


def test_library_shows_published_revision_not_working_copy(client_for, officer, published, draft):
    Module.objects.filter(pk=published.pk).update(
        title="Unreviewed title", status=Module.Status.DRAFT
    )
    html = client_for(officer).get(reverse("workshops:library")).content.decode()
    assert "Clustering heuristics" in html
    assert "Unreviewed title" not in html
    assert "Secret draft" not in html


def test_library_module_page_lists_upcoming_published_workshops(client_for, officer, published):
    revision = published.published_revision
    upcoming = WorkshopFactory(title="Manila forensics week")
    past = WorkshopFactory(
        title="Old workshop",
        sessions=[(timezone.now() - dt.timedelta(days=9), timezone.now() - dt.timedelta(days=8))],
    )
    draft_ws = WorkshopFactory(title="Unpublished workshop", status=Workshop.Status.DRAFT)
    for w in (upcoming, past, draft_ws):
        WorkshopModule.objects.create(workshop=w, revision=revision)
    html = (
        client_for(officer)
        .get(reverse("workshops:library_module", args=[published.slug]))
        .content.decode()
    )
    assert "Manila forensics week" in html
    assert "Old workshop" not in html
    assert "Unpublished workshop" not in html


def test_library_module_of_a_draft_is_404(client_for, officer, draft):
    url = reverse("workshops:library_module", args=[draft.slug])
    assert client_for(officer).get(url).status_code == 404


def test_library_marks_attendees_only_material_as_locked(client_for, officer, published):
    MaterialFactory(module=published, title="Case file", attendees_only=True)
    html = (
        client_for(officer)
        .get(reverse("workshops:library_module", args=[published.slug]))
        .content.decode()
    )
    assert "Case file" in html
    assert "For confirmed attendees" in html


# --- tracks ----------------------------------------------------------------------------------


def test_coordinator_adds_and_edits_a_track(client_for, coordinator):
    client = client_for(coordinator)
    response = client.post(reverse("workshops:track_list"), {"name": "OSINT", "position": 4})
    assert response.status_code == 302
    track = Track.objects.get(name="OSINT")
    response = client.post(
        reverse("workshops:track_edit", args=[track.pk]),
        {"name": "Open-source intelligence", "description": "", "position": 4},
    )
    assert response.status_code == 302
    track.refresh_from_db()
    assert track.name == "Open-source intelligence"


@pytest.mark.parametrize("role", ["trainer", "officer"])
def test_track_pages_are_for_coordinators(client_for, request, role, track):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("workshops:track_list")).status_code == 403
    assert client.get(reverse("workshops:track_edit", args=[track.pk])).status_code == 403


# --- query counts ----------------------------------------------------------------------------


def _make_published(n, trainer, track):
    modules = []
    for i in range(n):
        module = ModuleFactory(authors=[trainer], track=track, title=f"M{i}")
        revision = publish_directly(module)
        WorkshopModule.objects.create(workshop=WorkshopFactory(), revision=revision)
        MaterialFactory(module=module)
        modules.append(module)
    return modules


@pytest.mark.parametrize("count", [1, 20])
def test_library_query_count_is_constant(
    client_for, officer, trainer, track, count, django_assert_max_num_queries
):
    _make_published(count, trainer, track)
    client = client_for(officer)
    client.get(reverse("workshops:library"))  # warm the session
    with django_assert_max_num_queries(7):
        response = client.get(reverse("workshops:library"))
    assert response.content.decode().count("upcoming workshop") >= count


@pytest.mark.parametrize("count", [1, 20])
def test_module_list_query_count_is_constant(
    client_for, coordinator, trainer, track, count, django_assert_max_num_queries
):
    _make_published(count, trainer, track)
    client = client_for(coordinator)
    client.get(reverse("workshops:module_list"))
    # One of them is the navigation's inbox badge (inbox.context_processors).
    with django_assert_max_num_queries(7):
        response = client.get(reverse("workshops:module_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_library_module_query_count_is_constant(
    client_for, officer, trainer, track, count, django_assert_max_num_queries
):
    module = _make_published(1, trainer, track)[0]
    for _ in range(count):
        WorkshopModule.objects.create(
            workshop=WorkshopFactory(), revision=module.published_revision
        )
        MaterialFactory(module=module)
    client = client_for(officer)
    url = reverse("workshops:library_module", args=[module.slug])
    client.get(url)
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_review_queue_query_count_is_constant(
    client_for, coordinator, trainer, track, count, django_assert_max_num_queries
):
    for i in range(count):
        ModuleFactory(authors=[trainer], track=track, status=Module.Status.IN_REVIEW, title=f"R{i}")
    client = client_for(coordinator)
    client.get(reverse("workshops:review_queue"))
    # One of them is the navigation's inbox badge (inbox.context_processors).
    with django_assert_max_num_queries(6):
        response = client.get(reverse("workshops:review_queue"))
    assert response.content.decode().count(">Review<") == count


# --- partials the lead includes in the shared layout -----------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_workspace"),
    [("officer", False), ("trainer", True), ("coordinator", True)],
)
def test_nav_and_dashboard_partials_by_role(rf, request, role, sees_workspace):
    from django.template.loader import render_to_string

    http_request = rf.get("/")
    http_request.user = request.getfixturevalue(role)
    nav = render_to_string("workshops/curriculum/_nav.html", request=http_request)
    panels = render_to_string("workshops/curriculum/_dashboard_panels.html", request=http_request)
    assert reverse("workshops:library") in nav
    assert (reverse("workshops:module_list") in nav) is sees_workspace
    assert (reverse("workshops:module_create") in panels) is sees_workspace


def test_partials_offer_nothing_to_pending_officer(rf, pending_officer):
    from django.template.loader import render_to_string

    http_request = rf.get("/")
    http_request.user = pending_officer
    assert "href" not in render_to_string("workshops/curriculum/_nav.html", request=http_request)


def test_library_track_filter_takes_slugs_only(client_for, officer, published):
    client = client_for(officer)
    url = reverse("workshops:library")
    assert (
        "Clustering heuristics"
        in client.get(url, {"track": "blockchain-forensics"}).content.decode()
    )
    for bogus in ["a\x00b", "no such track", "🚓"]:  # a NUL once reached PostgreSQL (a 500)
        response = client.get(url, {"track": bogus})
        assert response.status_code == 200
        assert "Clustering heuristics" not in response.content.decode()
