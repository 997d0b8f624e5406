import pytest
from django.urls import reverse

from attendance import services
from attendance.models import Feedback
from attendance.reports import feedback_summary
from tests.factories import OfficerFactory, RegistrationFactory
from trainingsite.errors import ServiceError

pytestmark = pytest.mark.django_db


def _close_with(trainer, workshop, registrations):
    for session in workshop.sessions.all():
        services.record_marks(
            session_id=session.pk,
            by=trainer,
            marks=dict.fromkeys([r.pk for r in registrations], "present"),
        )
    services.close_workshop(workshop_id=workshop.pk, by=trainer)


def _answer(registration, overall=4, comments=""):
    modules = {wm.pk: 5 for wm in registration.workshop.workshop_modules.all()}
    return services.submit_feedback(
        registration_id=registration.pk,
        officer=registration.officer,
        overall=overall,
        trainer_rating=5,
        module_ratings=modules,
        comments=comments,
    )


@pytest.fixture
def attendees(trainer, past_workshop, agency):
    regs = [
        RegistrationFactory(workshop=past_workshop, officer=OfficerFactory(agency=agency))
        for _i in range(5)
    ]
    _close_with(trainer, past_workshop, regs)
    return regs


def test_attendee_answers_once(attendees):
    _answer(attendees[0])
    with pytest.raises(ServiceError, match="already sent feedback"):
        _answer(attendees[0])
    assert Feedback.objects.count() == 1


def test_feedback_before_closing_is_refused(registration):
    with pytest.raises(ServiceError, match="once the workshop is closed"):
        _answer(registration)


def test_absent_officer_cannot_answer(trainer, past_workshop, registration, agency):
    present = RegistrationFactory(workshop=past_workshop, officer=OfficerFactory(agency=agency))
    _close_with(trainer, past_workshop, [present])
    with pytest.raises(ServiceError):
        _answer(registration)


def test_cannot_answer_for_someone_elses_registration(attendees):
    with pytest.raises(ServiceError):
        services.submit_feedback(
            registration_id=attendees[0].pk,
            officer=attendees[1].officer,
            overall=1,
            trainer_rating=1,
            module_ratings={},
        )


def test_ratings_out_of_range_are_refused(attendees):
    with pytest.raises(ServiceError):
        services.submit_feedback(
            registration_id=attendees[0].pk,
            officer=attendees[0].officer,
            overall=6,
            trainer_rating=1,
            module_ratings={},
        )


def test_nothing_is_shown_with_four_answers(attendees, past_workshop, client_for, trainer):
    for reg in attendees[:4]:
        _answer(reg, overall=2, comments=f"secret remark {reg.pk}")
    summary = feedback_summary(past_workshop)
    assert (summary.answers, summary.shown) == (4, False)
    assert summary.overall_avg is None and summary.comments == []
    body = (
        client_for(trainer)
        .get(reverse("surveys:feedback_results", args=[past_workshop.pk]))
        .content.decode()
    )
    assert "secret remark" not in body
    assert "at least 5 attendees" in body


def test_aggregates_are_shown_from_five_answers(attendees, past_workshop, client_for, coordinator):
    for i, reg in enumerate(attendees):
        _answer(reg, overall=i + 1, comments=f"remark {i}")
    summary = feedback_summary(past_workshop)
    assert (summary.answers, summary.shown, summary.overall_avg) == (5, True, 3.0)
    assert [m[1] for m in summary.modules] == [5.0, 5.0]
    body = (
        client_for(coordinator)
        .get(reverse("surveys:feedback_results", args=[past_workshop.pk]))
        .content.decode()
    )
    assert "3.0 / 5" in body
    assert "remark 4" in body
    for reg in attendees:
        assert reg.officer.full_name not in body


def test_feedback_results_for_outsiders(client_for, attendees, past_workshop, other_trainer):
    url = reverse("surveys:feedback_results", args=[past_workshop.pk])
    assert client_for(attendees[0].officer).get(url).status_code == 403
    assert client_for(other_trainer).get(url).status_code == 404


def test_feedback_form_submit_and_second_visit(client_for, attendees, past_workshop):
    reg = attendees[0]
    url = reverse("surveys:feedback", args=[reg.pk])
    client = client_for(reg.officer)
    assert client.get(url).status_code == 200
    data = {"overall": "4", "trainer_rating": "5", "comments": "Good"}
    data.update({f"module_{wm.pk}": "3" for wm in past_workshop.workshop_modules.all()})
    assert client.post(url, data).status_code == 302
    again = client.get(url, follow=True)
    assert "already sent feedback" in again.content.decode()
    assert Feedback.objects.get().overall == 4


def test_feedback_form_invalid_is_400(client_for, attendees):
    url = reverse("surveys:feedback", args=[attendees[0].pk])
    assert client_for(attendees[0].officer).post(url, {"overall": "9"}).status_code == 400


def test_other_officer_gets_404_on_feedback_form(client_for, attendees):
    url = reverse("surveys:feedback", args=[attendees[0].pk])
    assert client_for(attendees[1].officer).get(url).status_code == 404
