"""An officer's answers in their data export; erasure leaves no words of theirs."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from privacy.services import erase_officer
from surveys import services
from surveys.models import SurveyResponse

from .factories import make_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(attendees):
    make_questionnaire()
    services.submit_feedback(
        registration_id=attendees[0].pk,
        officer=attendees[0].officer,
        overall=5,
        trainer_rating=5,
        module_ratings={},
        answers={"q1": 4, "q2": "Right", "q4": "My own words about my unit"},
    )
    return SurveyResponse.objects.get(registration=attendees[0])


def test_export_includes_the_questions_and_answers(client_for, officer, answered):
    response = client_for(officer).post(reverse("my_data_download"))
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    data = json.loads(archive.read("data.json"))
    (entry,) = data["questionnaire_answers"]
    assert entry["workshop"] == "Tracing Bitcoin" and entry["version"] == 1
    assert {"question": "What was missing?", "answer": "My own words about my unit"} in entry[
        "answers"
    ]
    assert {"question": "Were the exercises realistic?", "answer": 4} in entry["answers"]


def test_erasure_removes_free_text_and_keeps_ratings(officer, coordinator, answered, attendees):
    other = SurveyResponse.objects.create(
        registration=attendees[1],
        kind="feedback",
        version=answered.version,
        answers={"q4": "someone else's words"},
    )
    erase_officer(user_id=officer.pk, by=coordinator, reason="Asked to be forgotten")
    answered.refresh_from_db()
    other.refresh_from_db()
    assert answered.answers == {"q1": 4, "q2": "Right"}
    assert other.answers == {"q4": "someone else's words"}
