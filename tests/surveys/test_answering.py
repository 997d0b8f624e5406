"""The feedback form with a questionnaire, and the follow-up survey."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Feedback
from surveys import services
from surveys.models import Questionnaire, SurveyInvitation, SurveyResponse
from tests.factories import RegistrationFactory
from trainingsite.errors import ServiceError

from .factories import close_with, make_questionnaire, publish

pytestmark = pytest.mark.django_db


def _fixed(registration):
    data = {"overall": "4", "trainer_rating": "5", "comments": "Fine"}
    for wm in registration.workshop.workshop_modules.all():
        data[f"module_{wm.pk}"] = "4"
    return data


def _feedback_url(registration):
    return reverse("surveys:feedback", args=[registration.pk])


def test_feedback_page_shows_fixed_ratings_then_the_questions(client_for, officer, attendees):
    make_questionnaire()
    page = client_for(officer).get(_feedback_url(attendees[0])).content.decode()
    overall = page.index("Overall, how would you rate this workshop?")
    question = page.index("Were the exercises realistic?")
    assert overall < page.index("How would you rate the trainers?") < question
    assert "<legend" in page and "Which tools will you use?" in page


def test_answers_are_stored_against_the_version_shown(client_for, officer, attendees):
    questionnaire = make_questionnaire()
    data = {
        **_fixed(attendees[0]),
        "version": str(questionnaire.current_version.pk),
        "a-q1": "5",
        "a-q2": "Right",
        "a-q3": ["OSINT", "Explorer"],
        "a-q4": "  More labs  ",
    }
    response = client_for(officer).post(_feedback_url(attendees[0]), data)
    assert response.status_code == 302
    answer = SurveyResponse.objects.get(registration=attendees[0])
    assert answer.version == questionnaire.current_version
    # Multiple choices are kept in the question's order, text trimmed.
    assert answer.answers == {
        "q1": 5,
        "q2": "Right",
        "q3": ["Explorer", "OSINT"],
        "q4": "More labs",
    }
    assert Feedback.objects.get(registration=attendees[0]).overall == 4


def test_old_answers_keep_their_questions(client_for, officer, attendees):
    questionnaire = make_questionnaire()
    v1 = questionnaire.current_version
    data = {**_fixed(attendees[0]), "version": str(v1.pk), "a-q1": "3"}
    client_for(officer).post(_feedback_url(attendees[0]), data)
    publish(questionnaire, [{"key": "q9", "kind": "text", "text": "New?", "required": True}])
    answer = SurveyResponse.objects.get(registration=attendees[0])
    assert answer.version == v1
    assert answer.version.questions[0]["text"] == "Were the exercises realistic?"


def test_answer_to_the_version_shown_counts_after_a_new_one_is_published(attendees):
    questionnaire = make_questionnaire()
    v1 = questionnaire.current_version
    publish(questionnaire, [{"key": "q9", "kind": "text", "text": "New?", "required": True}])
    services.submit_feedback(
        registration_id=attendees[1].pk,
        officer=attendees[1].officer,
        overall=4,
        trainer_rating=4,
        module_ratings={},
        version_id=v1.pk,
        answers={"q1": 4},
    )
    assert SurveyResponse.objects.get(registration=attendees[1]).version == v1


def test_a_version_of_another_questionnaire_is_refused_and_nothing_saved(attendees, forensics):
    make_questionnaire()
    other = make_questionnaire(Questionnaire.Kind.FOLLOW_UP)
    with pytest.raises(ServiceError, match="changed"):
        services.submit_feedback(
            registration_id=attendees[1].pk,
            officer=attendees[1].officer,
            overall=4,
            trainer_rating=4,
            module_ratings={},
            version_id=other.current_version.pk,
            answers={"q1": 4},
        )
    assert not Feedback.objects.exists()


def test_the_tracks_own_questionnaire_replaces_the_programs(
    client_for, officer, attendees, forensics
):
    make_questionnaire()
    make_questionnaire(
        track=forensics,
        questions=[{"key": "q1", "kind": "text", "text": "Forensics only?", "required": False}],
    )
    page = client_for(officer).get(_feedback_url(attendees[0])).content.decode()
    assert "Forensics only?" in page
    assert "Were the exercises realistic?" not in page


def test_a_required_question_left_out_keeps_everything_typed(client_for, officer, attendees):
    make_questionnaire()
    data = {**_fixed(attendees[0]), "a-q4": "my typed words"}
    response = client_for(officer).post(_feedback_url(attendees[0]), data)
    assert response.status_code == 400
    assert "my typed words" in response.content.decode()
    assert not Feedback.objects.exists() and not SurveyResponse.objects.exists()


def test_an_unknown_choice_is_refused(attendees):
    make_questionnaire()
    with pytest.raises(ServiceError, match="options given"):
        services.submit_feedback(
            registration_id=attendees[1].pk,
            officer=attendees[1].officer,
            overall=4,
            trainer_rating=4,
            module_ratings={},
            answers={"q1": 4, "q2": "Whatever"},
        )
    assert not Feedback.objects.exists()


def test_without_a_questionnaire_the_fixed_form_still_works(client_for, officer, attendees):
    response = client_for(officer).post(_feedback_url(attendees[0]), _fixed(attendees[0]))
    assert response.status_code == 302
    assert Feedback.objects.count() == 1 and not SurveyResponse.objects.exists()


def test_feedback_twice_is_refused(client_for, officer, attendees):
    make_questionnaire()
    client = client_for(officer)
    data = {**_fixed(attendees[0]), "a-q1": "4"}
    client.post(_feedback_url(attendees[0]), data)
    again = client.post(_feedback_url(attendees[0]), data)
    assert again.status_code == 302
    assert SurveyResponse.objects.count() == 1


def test_another_officers_feedback_page_is_404(client_for, officer, attendees):
    assert client_for(officer).get(_feedback_url(attendees[1])).status_code == 404


# --- follow-up ------------------------------------------------------------------------------


def _ended(workshop, days):
    ends = timezone.now() - dt.timedelta(days=days)
    type(workshop).objects.filter(pk=workshop.pk).update(ends_at=ends)


def test_follow_up_opens_its_days_after_the_workshop(client_for, officer, attendees, past_workshop):
    make_questionnaire(Questionnaire.Kind.FOLLOW_UP, days=90)
    url = reverse("surveys:follow_up", args=[attendees[0].pk])
    client = client_for(officer)
    assert client.get(url).status_code == 302  # not due yet: sent back
    _ended(past_workshop, 91)
    page = client.get(url)
    assert page.status_code == 200
    assert "Were the exercises realistic?" in page.content.decode()
    response = client.post(url, {"a-q1": "4", "a-q2": "Right"})
    assert response.status_code == 302
    answer = SurveyResponse.objects.get(registration=attendees[0], kind="follow_up")
    assert answer.answers == {"q1": 4, "q2": "Right"}
    assert client.post(url, {"a-q1": "1"}).status_code == 302
    assert SurveyResponse.objects.filter(kind="follow_up").count() == 1


def test_follow_up_is_open_once_sent(officer, attendees):
    questionnaire = make_questionnaire(Questionnaire.Kind.FOLLOW_UP, days=90)
    SurveyInvitation.objects.create(registration=attendees[0], kind="follow_up")
    services.submit_follow_up(
        registration_id=attendees[0].pk,
        officer=officer,
        version_id=questionnaire.current_version.pk,
        answers={"q1": 5},
    )
    assert SurveyResponse.objects.filter(kind="follow_up").count() == 1


def test_follow_up_only_for_officers_who_completed(trainer, past_workshop, agency, officer):
    make_questionnaire(Questionnaire.Kind.FOLLOW_UP, days=1)
    present = RegistrationFactory(workshop=past_workshop)
    absent = RegistrationFactory(workshop=past_workshop, officer=officer)
    close_with(trainer, past_workshop, [present], absent=[absent])
    _ended(past_workshop, 2)
    with pytest.raises(ServiceError, match="not open"):
        services.submit_follow_up(
            registration_id=absent.pk, officer=officer, version_id=None, answers={"q1": 5}
        )


def test_dashboard_lists_the_surveys_sent(client_for, officer, attendees):
    make_questionnaire(Questionnaire.Kind.FOLLOW_UP)
    client = client_for(officer)
    follow_up = reverse("surveys:follow_up", args=[attendees[0].pk])
    feedback = _feedback_url(attendees[0])
    page = client.get(reverse("dashboard")).content.decode()
    assert follow_up not in page and feedback not in page
    SurveyInvitation.objects.create(registration=attendees[0], kind="follow_up")
    SurveyInvitation.objects.create(registration=attendees[0], kind="feedback")
    page = client.get(reverse("dashboard")).content.decode()
    assert follow_up in page and feedback in page
    assert client.get(follow_up).status_code == 200
