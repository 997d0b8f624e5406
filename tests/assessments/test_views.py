"""The officer's pages (test, attempt with autosave and a no-JavaScript form, result) and the
staff's tests page, with their query counts."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, AttemptAnswer, WorkshopTest
from tests.factories import OfficerFactory, WorkshopFactory
from tests.signin import sign_in

from .factories import confirmed, hours_from_now, make_test, teach_bank, upcoming_workshop

pytestmark = pytest.mark.django_db
POST = WorkshopTest.Kind.POST


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _answers(attempt) -> dict[str, AttemptAnswer]:
    return {a.question.kind: a for a in attempt.answers.select_related("question")}


def test_officer_finds_the_test_on_my_training_and_starts_it(officer):
    workshop = upcoming_workshop(title="Tracing mixers", time_zone="Europe/Warsaw")
    confirmed(workshop, officer)
    test = make_test(workshop, time_limit_minutes=20, max_attempts=2)
    client = _client(officer)
    page = client.get(reverse("registration:my_training")).content.decode()
    assert "Tracing mixers" in page and reverse("assessments:test", args=[test.pk]) in page
    intro = client.get(reverse("assessments:test", args=[test.pk])).content.decode()
    assert "20 minutes" in intro and "2 of 2" in intro
    assert "Warsaw" in intro  # the window in the venue's zone
    response = client.post(reverse("assessments:start", args=[test.pk]))
    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("assessments:attempt", args=[attempt.pk])
    page = client.get(response["Location"]).content.decode()
    assert page.count("<fieldset") == 4 and "<legend" in page
    assert 'aria-live="polite"' in page and "data-deadline" in page


def test_autosave_answers_json_and_refuses_bad_input_with_a_message(officer):
    workshop = upcoming_workshop()
    confirmed(workshop, officer)
    attempt = services.start_attempt(test_id=make_test(workshop).pk, officer=officer)
    a = _answers(attempt)
    client = _client(officer)
    url = reverse("assessments:answer", args=[attempt.pk])
    ok = client.post(url, {"answer": a["multiple"].pk, "value": ["0", "2"]})
    assert ok.status_code == 200 and ok.json() == {"saved": True, "message": "Saved"}
    assert AttemptAnswer.objects.get(pk=a["multiple"].pk).response == [0, 2]
    bad = client.post(url, {"answer": a["numeric"].pk, "value": "a few"})
    assert bad.status_code == 400 and "Enter a number" in bad.json()["message"]
    assert client.post(url, {"answer": "x"}).status_code == 400


def test_without_javascript_the_form_saves_keeps_bad_input_and_sends(officer):
    workshop = upcoming_workshop()
    confirmed(workshop, officer)
    attempt = services.start_attempt(test_id=make_test(workshop).pk, officer=officer)
    a = _answers(attempt)
    client = _client(officer)
    url = reverse("assessments:attempt", args=[attempt.pk])
    form = {f"a-{a['single'].pk}": "0", f"a-{a['numeric'].pk}": "six", "action": "send"}
    response = client.post(url, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="six"' in page and "Enter a number" in page
    assert Attempt.objects.get().submitted_at is None
    form[f"a-{a['numeric'].pk}"] = "6,2"
    response = client.post(url, form)
    assert response["Location"] == reverse("assessments:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.score == 2 and attempt.is_submitted
    # Sent: the attempt page sends on to the result, and the form accepts nothing more.
    assert client.get(url)["Location"] == reverse("assessments:result", args=[attempt.pk])
    client.post(url, {f"a-{a['single'].pk}": "1", "action": "save"})
    assert AttemptAnswer.objects.get(pk=a["single"].pk).response == [0]


def test_result_waits_for_the_test_to_close_then_shows_the_answers(officer):
    workshop = WorkshopFactory(
        sessions=[(hours_from_now(-60), hours_from_now(-55))], time_zone="Asia/Singapore"
    )
    teach_bank(workshop)
    confirmed(workshop, officer)
    test = make_test(workshop, POST, closes_after_days=7)
    attempt = services.start_attempt(test_id=test.pk, officer=officer)
    a = _answers(attempt)
    services.save_answer(attempt_id=attempt.pk, officer=officer, answer_id=a["numeric"].pk, raw="9")
    services.submit_attempt(attempt_id=attempt.pk, officer=officer)
    client = _client(officer)
    url = reverse("assessments:result", args=[attempt.pk])
    page = client.get(url).content.decode()
    assert "Results on" in page and "Singapore" in page
    assert "Six is the usual rule." not in page
    test.closes_after_days = 0
    test.save()
    page = client.get(url).content.decode()
    assert "0 of 4 right" in page
    assert "Six is the usual rule." in page and "Right answer:" in page


def test_an_overdue_attempt_is_sent_when_its_page_is_opened(officer):
    workshop = upcoming_workshop()
    confirmed(workshop, officer, confirmed_at=timezone.now() - dt.timedelta(days=1))
    test = make_test(workshop, time_limit_minutes=5)
    started = timezone.now() - dt.timedelta(minutes=6)
    attempt = services.start_attempt(test_id=test.pk, officer=officer, at=started)
    response = _client(officer).get(reverse("assessments:attempt", args=[attempt.pk]))
    assert response["Location"] == reverse("assessments:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.deadline


def test_another_officer_gets_404_on_every_officer_page(officer, other_agency_officer):
    workshop = upcoming_workshop()
    confirmed(workshop, officer)
    test = make_test(workshop)
    attempt = services.start_attempt(test_id=test.pk, officer=officer)
    client = _client(other_agency_officer)
    for name, pk in [("test", test.pk), ("attempt", attempt.pk), ("result", attempt.pk)]:
        assert client.get(reverse(f"assessments:{name}", args=[pk])).status_code == 404
    for name, pk in [("start", test.pk), ("answer", attempt.pk), ("attempt", attempt.pk)]:
        assert client.post(reverse(f"assessments:{name}", args=[pk]), {}).status_code == 404
    assert Attempt.objects.count() == 1


# --- staff ----------------------------------------------------------------------------------


def test_coordinator_sets_up_both_tests_from_the_page(coordinator, region):
    workshop = upcoming_workshop(region=region)
    client = _client(coordinator)
    roster = client.get(reverse("attendance:roster", args=[workshop.pk])).content.decode()
    assert reverse("assessments:workshop_tests", args=[workshop.pk]) in roster
    page = client.get(reverse("assessments:workshop_tests", args=[workshop.pk])).content.decode()
    assert "4 published questions" in page
    response = client.post(
        reverse("assessments:configure", args=[workshop.pk, "post"]),
        {"post-max_attempts": "2", "post-closes_after_days": "5", "post-pass_percent": "60"},
    )
    assert response.status_code == 302
    test = WorkshopTest.objects.get(workshop=workshop, kind="post")
    assert (test.max_attempts, test.closes_after_days, test.pass_percent) == (2, 5, 60)
    assert test.question_count is None and test.shuffle_options is False  # unticked box


def test_a_refused_setting_keeps_what_was_typed(coordinator, region):
    workshop = upcoming_workshop(region=region)
    response = _client(coordinator).post(
        reverse("assessments:configure", args=[workshop.pk, "pre"]),
        {"pre-question_count": "9", "pre-max_attempts": "1"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "between 1 and 4" in page and 'value="9"' in page
    assert not WorkshopTest.objects.exists()


def test_trainer_sees_the_tests_but_cannot_set_them_up(trainer, region):
    workshop = upcoming_workshop(region=region, trainers=[trainer])
    make_test(workshop)
    client = _client(trainer)
    page = client.get(reverse("assessments:workshop_tests", args=[workshop.pk])).content.decode()
    assert "Confirmed officers" in page and "Set up the test" not in page
    url = reverse("assessments:configure", args=[workshop.pk, "post"])
    assert client.post(url, {"post-max_attempts": "1"}).status_code in (403, 404)
    assert WorkshopTest.objects.count() == 1


def test_unknown_kind_is_404(coordinator, region):
    workshop = upcoming_workshop(region=region)
    url = reverse("assessments:configure", args=[workshop.pk, "mid"])
    assert _client(coordinator).post(url, {}).status_code == 404


def test_remove_from_the_page(coordinator, region):
    workshop = upcoming_workshop(region=region)
    make_test(workshop)
    response = _client(coordinator).post(reverse("assessments:remove", args=[workshop.pk, "pre"]))
    assert response.status_code == 302 and not WorkshopTest.objects.exists()


# --- query counts ---------------------------------------------------------------------------


def _sent_tests(officer, n: int) -> None:
    for _ in range(n):
        workshop = upcoming_workshop()
        confirmed(workshop, officer)
        test = make_test(workshop)
        attempt = services.start_attempt(test_id=test.pk, officer=officer)
        services.submit_attempt(attempt_id=attempt.pk, officer=officer)
        make_test(workshop, POST)


@pytest.mark.parametrize("rows", [1, 20])
def test_my_training_and_dashboard_run_the_same_queries_with_1_or_20_tests(
    officer, rows, django_assert_max_num_queries
):
    _sent_tests(officer, rows)
    client = _client(officer)
    client.get(reverse("registration:my_training"))
    # Sections, tests, training record and check-in passes: one read each, whatever the count.
    with django_assert_max_num_queries(12):
        page = client.get(reverse("registration:my_training")).content.decode()
    assert page.count(reverse("assessments:test", args=[0]).replace("/0/", "/")) >= rows
    # The dashboard also reads the officer's pending feedback and follow-up surveys.
    with django_assert_max_num_queries(15):
        client.get(reverse("dashboard"))


@pytest.mark.parametrize("officers", [1, 20])
def test_staff_tests_page_queries_do_not_grow_with_attempts(
    coordinator, region, officers, django_assert_max_num_queries
):
    workshop = upcoming_workshop(region=region)
    pre = make_test(workshop)
    make_test(workshop, POST)
    for _ in range(officers):
        officer = OfficerFactory()
        confirmed(workshop, officer)
        services.start_attempt(test_id=pre.pk, officer=officer)
    client = _client(coordinator)
    url = reverse("assessments:workshop_tests", args=[workshop.pk])
    client.get(url)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
