"""Feedback results: per version and question, nothing under FEEDBACK_MIN_ANSWERS."""

import pytest
from django.urls import reverse

from surveys import services
from tests.factories import TrainerFactory

from .factories import make_questionnaire, publish

pytestmark = pytest.mark.django_db


def _answer(registration, answers, version=None):
    services.submit_feedback(
        registration_id=registration.pk,
        officer=registration.officer,
        overall=4,
        trainer_rating=4,
        module_ratings={},
        version_id=version.pk if version else None,
        answers=answers,
    )


def _url(workshop):
    return reverse("surveys:feedback_results", args=[workshop.pk])


def test_nothing_shows_under_the_minimum(client_for, trainer, attendees, past_workshop, settings):
    settings.FEEDBACK_MIN_ANSWERS = 5
    make_questionnaire()
    for i, reg in enumerate(attendees[:4]):
        _answer(reg, {"q1": 5, "q4": f"secret remark {i}"})
    page = client_for(trainer).get(_url(past_workshop)).content.decode()
    assert "secret remark" not in page
    assert "Were the exercises realistic?" not in page
    assert "at least 5 attendees" in page


def test_aggregates_per_question_from_the_minimum(client_for, trainer, attendees, past_workshop):
    make_questionnaire()
    picks = ["Right", "Right", "Too fast", "Right", ""]
    for i, reg in enumerate(attendees):
        _answer(reg, {"q1": 3 + i % 3, "q2": picks[i], "q3": ["OSINT"], "q4": f"remark {i}"})
    response = client_for(trainer).get(_url(past_workshop))
    (result,) = response.context["versions"]
    rating, choice, multiple, text = result.questions
    assert result.shown and result.answers == 5
    assert rating.average == pytest.approx((3 + 4 + 5 + 3 + 4) / 5)
    assert dict(choice.counts) == {"Too slow": 0, "Right": 3, "Too fast": 1}
    assert choice.answers == 4
    assert dict(multiple.counts)["OSINT"] == 5
    assert text.texts == sorted(f"remark {i}" for i in range(5))
    page = response.content.decode()
    assert "remark 3" in page and "3.8 / 5" in page


def test_each_version_is_hidden_under_the_minimum_on_its_own(
    client_for, trainer, attendees, past_workshop, settings
):
    settings.FEEDBACK_MIN_ANSWERS = 3
    questionnaire = make_questionnaire()
    v1 = questionnaire.current_version
    v2 = publish(questionnaire, [{"key": "q7", "kind": "rating", "text": "New one?"}])
    for reg in attendees[:3]:
        _answer(reg, {"q1": 4}, version=v1)
    for reg in attendees[3:]:
        _answer(reg, {"q7": 2}, version=v2)
    results = {
        r.version.number: r
        for r in client_for(trainer).get(_url(past_workshop)).context["versions"]
    }
    assert (
        results[1].shown
        and results[1].questions[0].question["text"] == "Were the exercises realistic?"
    )
    assert not results[2].shown and results[2].questions == []


def test_results_only_for_the_workshops_staff(
    client_for, attendees, past_workshop, officer, coordinator, other_coordinator
):
    assert client_for(TrainerFactory()).get(_url(past_workshop)).status_code == 404
    assert client_for(other_coordinator).get(_url(past_workshop)).status_code == 404
    assert client_for(officer).get(_url(past_workshop)).status_code == 403
    assert client_for(coordinator).get(_url(past_workshop)).status_code == 200
