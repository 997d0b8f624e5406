"""The questionnaire editor: who edits what, versions, validation, the no-JS form."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from surveys import services
from surveys.models import MAX_QUESTIONS, Questionnaire, QuestionnaireVersion
from tests.factories import TrackFactory
from trainingsite.errors import ServiceError

from .factories import make_questionnaire

pytestmark = pytest.mark.django_db

LIST = reverse("surveys:questionnaires")
CREATE = reverse("surveys:questionnaire_create")


def _rows(*questions, start=0):
    """The editor's POST for `questions` (dicts with text, kind, choices, ...)."""
    data = {"rows": str(start + len(questions))}
    for i, q in enumerate(questions, start=start):
        data[f"q-{i}-text"] = q.get("text", "")
        data[f"q-{i}-kind"] = q.get("kind", "rating")
        data[f"q-{i}-choices"] = "\n".join(q.get("choices", []))
        data[f"q-{i}-position"] = str(q.get("position", i + 1))
        data[f"q-{i}-key"] = q.get("key", "")
        if q.get("required"):
            data[f"q-{i}-required"] = "on"
        if q.get("delete"):
            data[f"q-{i}-delete"] = "on"
    return data


@pytest.fixture
def track():
    return TrackFactory(name="OSINT", slug="osint")


@pytest.fixture
def program_wide():
    return make_questionnaire()


@pytest.fixture
def track_own(track):
    return make_questionnaire(track=track)


# --- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("officer", 403),
        ("focal_point", 403),
        ("trainer", 403),
        ("coordinator", 200),
        ("program_admin", 200),
    ],
)
def test_editor_pages_by_role(request, client_for, role, status, track_own, program_wide):
    user = request.getfixturevalue(role)
    client = client_for(user)
    assert client.get(LIST).status_code == status
    assert client.get(CREATE).status_code == status
    track_url = reverse("surveys:questionnaire_edit", args=[track_own.pk])
    assert client.get(track_url).status_code in ((403, 404) if status == 403 else (200,))
    old = reverse("surveys:questionnaire_version", args=[track_own.pk, 1])
    assert client.get(old).status_code in ((403, 404) if status == 403 else (200,))


def test_anonymous_is_sent_to_sign_in(client, track_own):
    for url in (LIST, CREATE, reverse("surveys:questionnaire_edit", args=[track_own.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_coordinator_cannot_open_or_edit_program_wide(client_for, coordinator, program_wide):
    client = client_for(coordinator)
    url = reverse("surveys:questionnaire_edit", args=[program_wide.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, _rows({"text": "Sneaky?"}))
    assert response.status_code == 404
    assert program_wide.versions.count() == 1
    assert program_wide not in client.get(LIST).context["questionnaires"]


def test_coordinator_cannot_create_program_wide(client_for, coordinator):
    response = client_for(coordinator).post(
        CREATE, {"kind": "feedback", "track": "", **_rows({"text": "Useful?"})}
    )
    assert response.status_code == 400
    assert not Questionnaire.objects.exists()
    with pytest.raises(ServiceError, match="program administrators"):
        services.create_questionnaire(by=coordinator, kind="feedback", track_id=None, questions=[])


def test_trainer_cannot_publish_through_the_service(trainer, track_own):
    with pytest.raises(ServiceError):
        services.publish_version(
            questionnaire_id=track_own.pk,
            by=trainer,
            questions=[{"key": "q1", "kind": "text", "text": "x", "required": False}],
        )
    assert track_own.versions.count() == 1


def test_program_admin_sees_every_questionnaire(client_for, program_admin, program_wide, track_own):
    listed = client_for(program_admin).get(LIST).context["questionnaires"]
    assert {q.pk for q in listed} == {program_wide.pk, track_own.pk}


# --- creating and versioning ---------------------------------------------------------------


def test_coordinator_creates_a_track_questionnaire(client_for, coordinator, track):
    data = {
        "kind": "feedback",
        "track": str(track.pk),
        **_rows(
            {"text": "Realistic?", "kind": "rating", "required": True},
            {"text": "Pace?", "kind": "choice", "choices": ["Slow", "Right", "Fast"]},
        ),
    }
    response = client_for(coordinator).post(CREATE, data)
    questionnaire = Questionnaire.objects.get(track=track)
    assert response.status_code == 302
    assert questionnaire.current_version.number == 1
    assert questionnaire.current_version.questions == [
        {"key": "q1", "kind": "rating", "text": "Realistic?", "required": True},
        {
            "key": "q2",
            "kind": "choice",
            "text": "Pace?",
            "required": False,
            "choices": ["Slow", "Right", "Fast"],
        },
    ]
    assert AuditEntry.objects.filter(action="questionnaire.published").count() == 1


def test_a_second_questionnaire_of_the_same_kind_and_track_is_refused(
    client_for, coordinator, track, track_own
):
    data = {"kind": "feedback", "track": str(track.pk), **_rows({"text": "Again?"})}
    response = client_for(coordinator).post(CREATE, data)
    assert response.status_code == 400
    assert "exists already" in response.content.decode()
    assert Questionnaire.objects.filter(track=track).count() == 1


def test_editing_publishes_a_version_and_keeps_the_old_one(client_for, coordinator, track_own):
    url = reverse("surveys:questionnaire_edit", args=[track_own.pk])
    old_questions = list(track_own.current_version.questions)
    data = _rows(
        {"key": "q2", "text": "Pace?", "kind": "choice", "choices": ["Slow", "Fast"]},
        {"key": "q1", "text": "Were the exercises realistic?", "kind": "rating"},
        {"text": "Which unit are you in?", "kind": "text"},
    )
    response = client_for(coordinator).post(url, data)
    assert response.status_code == 302
    track_own.refresh_from_db()
    v1, v2 = track_own.versions.order_by("number")
    assert track_own.current_version == v2 and v2.number == 2
    assert v1.questions == old_questions
    # Carried-over questions keep their keys; the new one gets a key never used before.
    assert [q["key"] for q in v2.questions] == ["q2", "q1", "q5"]
    assert v2.published_by == coordinator
    page = client_for(coordinator).get(
        reverse("surveys:questionnaire_version", args=[track_own.pk, 1])
    )
    assert "What was missing?" in page.content.decode()


def test_a_published_version_cannot_change(track_own):
    version = track_own.current_version
    version.questions = []
    with pytest.raises(ValueError, match="immutable"):
        version.save()
    assert QuestionnaireVersion.objects.get(pk=version.pk).questions


def test_no_js_form_reorders_and_removes_by_position(client_for, coordinator, track_own):
    url = reverse("surveys:questionnaire_edit", args=[track_own.pk])
    data = _rows(
        {"key": "q1", "text": "First", "position": 3},
        {"key": "q2", "text": "Second", "position": 1},
        {"key": "q3", "text": "Gone", "delete": True},
        {"text": "", "position": 9},  # a blank slot
        {"key": "q4", "text": "Third", "kind": "text", "position": 2},
    )
    assert client_for(coordinator).post(url, data).status_code == 302
    track_own.refresh_from_db()
    assert [q["text"] for q in track_own.current_version.questions] == ["Second", "Third", "First"]


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ({"text": "Pick", "kind": "choice", "choices": ["Only one"]}, "at least two"),
        ({"text": "Pick", "kind": "multiple", "choices": ["A", "A"]}, "at least two"),
        ({"text": "", "kind": "choice", "choices": ["A", "B"]}, "Write the question"),
        ({"text": "Odd", "kind": "slider"}, "Choose the kind"),
        ({"text": "x" * 501, "kind": "text"}, "at most 500"),
    ],
)
def test_invalid_questions_are_refused_and_the_input_kept(
    client_for, coordinator, track_own, question, message
):
    url = reverse("surveys:questionnaire_edit", args=[track_own.pk])
    data = _rows({"key": "q1", "text": "Keep me typed", "kind": "rating"}, question)
    response = client_for(coordinator).post(url, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert 'value="Keep me typed"' in page
    assert track_own.versions.count() == 1


def test_at_most_max_questions(client_for, coordinator, track_own):
    url = reverse("surveys:questionnaire_edit", args=[track_own.pk])
    data = _rows(*({"text": f"Q{i}"} for i in range(MAX_QUESTIONS + 1)))
    response = client_for(coordinator).post(url, data)
    assert response.status_code == 400
    assert f"at most {MAX_QUESTIONS} questions" in response.content.decode()
    assert track_own.versions.count() == 1


def test_an_empty_questionnaire_is_refused(client_for, coordinator, track_own):
    url = reverse("surveys:questionnaire_edit", args=[track_own.pk])
    response = client_for(coordinator).post(url, _rows({"text": "", "delete": True}))
    assert response.status_code == 400
    assert "at least one question" in response.content.decode()


def test_follow_up_days_are_edited_with_the_questions(client_for, program_admin):
    follow_up = make_questionnaire(Questionnaire.Kind.FOLLOW_UP)
    url = reverse("surveys:questionnaire_edit", args=[follow_up.pk])
    client = client_for(program_admin)
    bad = client.post(url, {"follow_up_days": "0", **_rows({"text": "Applied?"})})
    assert bad.status_code == 400
    ok = client.post(url, {"follow_up_days": "60", **_rows({"text": "Applied?"})})
    assert ok.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.follow_up_days, follow_up.current_version.number) == (60, 2)


def test_new_follow_up_starts_with_the_applied_question(client_for, program_admin):
    page = client_for(program_admin).get(CREATE + "?kind=follow_up").content.decode()
    assert "Have you applied what you learnt in a case?" in page


def test_list_runs_few_queries(client_for, program_admin, django_assert_max_num_queries):
    make_questionnaire()
    client = client_for(program_admin)
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(8):
        client.get(LIST)
    for i in range(20):
        make_questionnaire(track=TrackFactory(name=f"T{i}", slug=f"t{i}"))
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["questionnaires"]) == 21
