"""The completion rule with a post-test score: closing waits for the post-test, keeps each
officer's best sent score, and the certificate, roster, training record and data export show
it to those who may see it."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from assessments.models import AttemptAnswer, WorkshopTest
from assessments.scores import best_post_test_percents, required_percent
from attendance import services
from attendance.models import Certificate, Completion
from attendance.pdf import render_certificate_pdf
from attendance.services.certificates import erase_holders
from audit.models import AuditEntry
from privacy.services import build_personal_export, export_personal_data
from registrations.models import Registration
from tests.attendance.posttest import attended, hours_ago, sent, workshop_with_post_test
from tests.factories import OfficerFactory, TrainerFactory
from trainingsite.errors import ServiceError
from workshops.models import Question, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(region, trainer):
    return workshop_with_post_test(region=region, trainer=trainer, pass_percent=70)


def _close(workshop, trainer):
    return services.close_workshop(workshop_id=workshop.pk, by=trainer)


def _pdf_text(certificate, language="en") -> str:
    reader = PdfReader(io.BytesIO(render_certificate_pdf(certificate, language)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- the rule --------------------------------------------------------------------------------


def test_scores_read_the_requirement_and_the_best_sent_attempt(workshop, trainer, officer):
    registration = attended(workshop, trainer, officer)
    sent(registration, "55", number=1)
    sent(registration, "85", number=2)
    sent(registration, "100", number=3, submitted=False)

    assert required_percent(workshop) == 70
    assert best_post_test_percents(workshop) == {registration.pk: Decimal("85.00")}


def test_officer_who_attended_and_reached_the_score_completes(workshop, trainer, officer):
    registration = attended(workshop, trainer, officer)
    sent(registration, "85")

    summary = _close(workshop, trainer)

    completion = Completion.objects.get(registration=registration)
    assert completion.completed is True
    assert completion.test_percent == Decimal("85.00")
    assert completion.test_required == 70
    assert summary["issued"] == 1
    printed = Certificate.objects.get(registration=registration).printed
    assert printed["test_required"] == 70 and printed["test_percent"] == "85"


def test_a_score_exactly_at_the_requirement_is_enough(workshop, trainer, officer):
    registration = attended(workshop, trainer, officer)
    sent(registration, "70")
    _close(workshop, trainer)
    assert Completion.objects.get(registration=registration).completed is True


def test_officer_below_the_score_does_not_complete_despite_attending(workshop, trainer, officer):
    registration = attended(workshop, trainer, officer)
    sent(registration, "69.99")

    summary = _close(workshop, trainer)

    completion = Completion.objects.get(registration=registration)
    assert completion.completed is False
    assert completion.test_percent == Decimal("69.99")
    assert summary == {"completed": 0, "total": 1, "issued": 0, "revoked": 0}
    assert not Certificate.objects.filter(registration=registration).exists()


def test_officer_with_no_attempt_sent_does_not_complete(workshop, trainer, officer, agency):
    never = attended(workshop, trainer, officer)
    unsent = attended(workshop, trainer, OfficerFactory(agency=agency))
    sent(unsent, "100", submitted=False)

    _close(workshop, trainer)

    for registration in (never, unsent):
        completion = Completion.objects.get(registration=registration)
        assert completion.completed is False
        assert completion.test_percent is None


def test_closing_sends_an_attempt_left_open_with_the_answers_it_saved(workshop, trainer, officer):
    """Three of four statements answered (all true, so right) in an attempt never sent: closing
    sends it at its deadline and scores it 75 %, enough for the 70 % required."""
    registration = attended(workshop, trainer, officer)
    attempt = sent(registration, "0", submitted=False)
    attempt.deadline = hours_ago(2)
    attempt.save(update_fields=["deadline"])
    questions = Question.objects.filter(revision__workshop_uses__workshop=workshop)
    for position, question in enumerate(questions.order_by("position")):
        AttemptAnswer.objects.create(
            attempt=attempt,
            question=question,
            position=position,
            response=True if position < 3 else None,
        )

    _close(workshop, trainer)

    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.percent == Decimal("75.00")
    completion = Completion.objects.get(registration=registration)
    assert completion.completed is True and completion.test_percent == Decimal("75.00")


def test_the_best_attempt_is_kept_not_the_last(workshop, trainer, officer):
    registration = attended(workshop, trainer, officer)
    sent(registration, "40", number=1)
    sent(registration, "90", number=2)
    sent(registration, "60", number=3)

    _close(workshop, trainer)

    completion = Completion.objects.get(registration=registration)
    assert completion.completed is True
    assert completion.test_percent == Decimal("90.00")


def test_the_score_never_makes_up_for_missing_attendance(workshop, trainer, officer):
    registration = attended(workshop, trainer, officer, sessions=1)
    sent(registration, "100")
    _close(workshop, trainer)
    assert Completion.objects.get(registration=registration).completed is False


def test_without_a_requirement_attendance_alone_completes_and_the_score_is_kept(
    region, trainer, officer
):
    workshop = workshop_with_post_test(region=region, trainer=trainer, pass_percent=None)
    registration = attended(workshop, trainer, officer)
    sent(registration, "30")

    _close(workshop, trainer)

    completion = Completion.objects.get(registration=registration)
    assert completion.completed is True
    assert completion.test_required is None
    assert completion.test_percent == Decimal("30.00")
    assert "test_required" not in Certificate.objects.get(registration=registration).printed


def test_without_a_requirement_an_open_post_test_does_not_hold_closing(region, trainer, officer):
    workshop = workshop_with_post_test(
        region=region, trainer=trainer, pass_percent=None, closes_after_days=7
    )
    registration = attended(workshop, trainer, officer)
    sent(registration, "30")

    _close(workshop, trainer)

    completion = Completion.objects.get(registration=registration)
    # Scores are not final while the test is open: none is recorded.
    assert completion.completed is True and completion.test_percent is None


def test_closing_is_refused_while_a_required_post_test_is_open(region, trainer, officer):
    workshop = workshop_with_post_test(region=region, trainer=trainer, closes_after_days=7)
    registration = attended(workshop, trainer, officer)
    sent(registration, "85")

    with pytest.raises(ServiceError, match="once the post-test has closed"):
        _close(workshop, trainer)

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.PUBLISHED
    assert not Completion.objects.filter(registration=registration).exists()


def test_closing_is_refused_when_a_required_post_test_has_no_questions(region, trainer, officer):
    workshop = workshop_with_post_test(region=region, trainer=trainer, questions=0)
    attended(workshop, trainer, officer)

    with pytest.raises(ServiceError, match="no questions"):
        _close(workshop, trainer)


def test_the_close_view_says_why_closing_waits(client_for, region, trainer, officer):
    workshop = workshop_with_post_test(region=region, trainer=trainer, closes_after_days=7)
    attended(workshop, trainer, officer)
    client = client_for(trainer)

    page = client.get(reverse("attendance:roster", args=[workshop.pk])).content.decode()
    assert "once its post-test closes" in page
    assert reverse("attendance:close", args=[workshop.pk]) not in page

    response = client.post(reverse("attendance:close", args=[workshop.pk]), follow=True)
    assert "once the post-test has closed" in response.content.decode()
    assert Workshop.objects.get(pk=workshop.pk).status == Workshop.Status.PUBLISHED


def test_a_lower_requirement_after_reopening_issues_the_certificate(workshop, trainer, officer):
    registration = attended(workshop, trainer, officer)
    sent(registration, "65")
    _close(workshop, trainer)
    assert not Certificate.objects.filter(registration=registration).exists()

    services.reopen_workshop(workshop_id=workshop.pk, by=trainer, reason="Rule relaxed")
    WorkshopTest.objects.filter(workshop=workshop).update(pass_percent=60)
    _close(workshop, trainer)

    assert Completion.objects.get(registration=registration).completed is True
    assert Certificate.objects.get(registration=registration).printed["test_required"] == 60


def test_closing_audits_the_requirement(workshop, trainer, officer):
    attended(workshop, trainer, officer)
    _close(workshop, trainer)

    entry = AuditEntry.objects.get(action="attendance.closed")
    assert entry.data["post_test_required"] == 70
    assert "post-test 70% required" in entry.summary


# --- the certificate -------------------------------------------------------------------------


@pytest.fixture
def certificate(workshop, trainer, officer):
    registration = attended(workshop, trainer, officer)
    sent(registration, "85")
    _close(workshop, trainer)
    return Certificate.objects.get(registration=registration)


def test_the_pdf_prints_the_score_and_the_requirement(certificate):
    assert "Post-test passed: 85 % (70 % required)" in _pdf_text(certificate)


@pytest.mark.parametrize("language", ["fr", "zh-hans"])
def test_the_pdf_prints_the_post_test_line_in_the_certificate_language(certificate, language):
    with translation.override(language):
        expected = certificate.post_test_text
    assert "85" in expected and "70" in expected
    assert " ".join(expected.split()) in _pdf_text(certificate, language)


def test_a_certificate_without_a_requirement_prints_no_post_test_line(region, trainer, officer):
    workshop = workshop_with_post_test(region=region, trainer=trainer, pass_percent=None)
    registration = attended(workshop, trainer, officer)
    sent(registration, "85")
    _close(workshop, trainer)
    certificate = Certificate.objects.get(registration=registration)

    assert certificate.post_test_text == ""
    assert "Post-test" not in _pdf_text(certificate)


def test_an_erased_holder_s_score_leaves_the_certificate_with_the_rule(certificate):
    erase_holders(registrations=Registration.objects.filter(pk=certificate.registration_id))
    certificate.refresh_from_db()

    assert "test_percent" not in certificate.printed
    assert certificate.printed["test_required"] == 70
    text = _pdf_text(certificate)
    assert "Post-test passed (≥ 70 % required)" in text and "85" not in text


def test_the_training_record_shows_the_officer_their_own_score(client_for, certificate, officer):
    page = client_for(officer).get(reverse("attendance:training_record")).content.decode()
    assert "Post-test passed: 85 % (70 % required)" in page
    assert "post-test 85 %" in page


def test_another_officer_s_training_record_shows_no_score(
    client_for, certificate, other_agency_officer
):
    page = client_for(other_agency_officer).get(reverse("attendance:training_record"))
    assert "85 %" not in page.content.decode()


# --- the roster ------------------------------------------------------------------------------


@pytest.fixture
def scored_roster(workshop, trainer, officer, agency):
    first = attended(workshop, trainer, officer)
    sent(first, "85")
    second = attended(workshop, trainer, OfficerFactory(agency=agency, full_name="Bo Below"))
    sent(second, "62.5")
    attended(workshop, trainer, OfficerFactory(agency=agency, full_name="Cy Nothing"))
    return workshop


@pytest.mark.parametrize("who", ["trainer", "coordinator"])
def test_staff_who_run_the_workshop_see_requirement_and_best_scores(
    client_for, scored_roster, who, request
):
    page = client_for(request.getfixturevalue(who)).get(
        reverse("attendance:roster", args=[scored_roster.pk])
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "must also reach 70 %" in body
    assert "85 %" in body and "62.5 %" in body
    assert body.count("requirement met") == 1 and body.count("below the requirement") == 1
    assert "no attempt sent" in body


@pytest.mark.parametrize("who", ["officer", "other_trainer", "other_coordinator"])
def test_nobody_else_reaches_the_scores_on_the_roster(client_for, scored_roster, who, request):
    user = TrainerFactory() if who == "other_trainer" else request.getfixturevalue(who)
    response = client_for(user).get(reverse("attendance:roster", args=[scored_roster.pk]))
    assert response.status_code in (403, 404)
    assert "85 %" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in_from_the_roster(client, scored_roster):
    response = client.get(reverse("attendance:roster", args=[scored_roster.pk]))
    assert response.status_code == 302 and "85" not in response.content.decode()


def test_the_roster_with_scores_runs_in_the_same_queries_for_1_and_20_officers(
    client_for, region, trainer, agency, django_assert_max_num_queries
):
    workshop = workshop_with_post_test(region=region, trainer=trainer)
    client = client_for(trainer)
    url = reverse("attendance:roster", args=[workshop.pk])
    counts = []
    for size in (1, 20):
        while Registration.objects.filter(workshop=workshop).count() < size:
            registration = attended(workshop, trainer, OfficerFactory(agency=agency))
            sent(registration, "75")
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- the data export -------------------------------------------------------------------------


def test_the_data_export_holds_the_officer_s_own_scores_only(workshop, officer, agency, trainer):
    own = attended(workshop, trainer, officer)
    sent(own, "85")
    other = attended(workshop, trainer, OfficerFactory(agency=agency))
    sent(other, "33")
    _close(workshop, trainer)

    data = build_personal_export(user=officer)

    assert data["test_results"] == [
        {
            "workshop": "Tracing Bitcoin",
            "test": "post",
            "best_percent": "85.00",
            "best_score": 17,
            "questions": 20,
            "attempts_sent": 1,
        }
    ]
    completion = data["completions"][0]
    assert completion["post_test_percent"] == "85.00"
    assert completion["post_test_required_percent"] == 70
    assert "33" not in json.dumps(data["test_results"])


def test_the_exported_zip_carries_the_scores(certificate, officer):
    archive = zipfile.ZipFile(io.BytesIO(export_personal_data(user=officer, by=officer)))
    data = json.loads(archive.read("data.json"))
    assert data["test_results"][0]["best_percent"] == "85.00"


def test_the_certificate_mail_states_the_post_test_passed(
    workshop, trainer, officer, django_capture_on_commit_callbacks
):
    sent(attended(workshop, trainer, officer), "85")
    with django_capture_on_commit_callbacks(execute=True):
        _close(workshop, trainer)

    [message] = mail.outbox
    assert "Post-test passed: 85 % (70 % required)" in message.body
    assert "Post-test passed: 85 % (70 % required)" in message.alternatives[0][0]


def test_a_closed_roster_shows_the_requirement_closing_applied(
    client_for, workshop, trainer, officer
):
    sent(attended(workshop, trainer, officer), "85")
    _close(workshop, trainer)
    WorkshopTest.objects.filter(workshop=workshop).update(pass_percent=90)

    body = (
        client_for(trainer).get(reverse("attendance:roster", args=[workshop.pk])).content.decode()
    )

    assert "must also reach 70 %" in body and "90 %" not in body
    assert "requirement met" in body
