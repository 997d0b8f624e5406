import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import Certificate, ClosureEvent, Completion
from attendance.services.closing import compute_completions
from registrations.models import Registration
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory
from trainingsite.errors import ServiceError
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def _mark(trainer, workshop, registration, statuses):
    for session, status in zip(workshop.sessions.all(), statuses, strict=True):
        if status:
            services.record_marks(
                session_id=session.pk, by=trainer, marks={registration.pk: status}
            )


@pytest.fixture
def uneven_workshop(region, trainer):
    """Sessions of 3 h and 1 h: 75% of 240 minutes is exactly the first session."""
    now = timezone.now().replace(microsecond=0)
    return WorkshopFactory(
        region=region,
        trainers=[trainer],
        sessions=[
            (now - dt.timedelta(hours=30), now - dt.timedelta(hours=27)),
            (now - dt.timedelta(hours=5), now - dt.timedelta(hours=4)),
        ],
    )


@pytest.mark.parametrize(
    ("statuses", "completed", "minutes"),
    [
        (["present", None], True, 180),  # exactly 75%
        (["late", None], True, 180),  # late counts in full
        (["excused", "present"], False, 60),
        (["absent", "late"], False, 60),
        ([None, None], False, 0),
        (["present", "present"], True, 240),
    ],
)
def test_completion_rule(trainer, uneven_workshop, officer, statuses, completed, minutes):
    registration = RegistrationFactory(workshop=uneven_workshop, officer=officer)
    _mark(trainer, uneven_workshop, registration, statuses)
    result = compute_completions(workshop=uneven_workshop, threshold=75)
    assert result[registration.pk] == (completed, minutes, 240)


def test_threshold_is_configurable_per_workshop(trainer, uneven_workshop, officer):
    registration = RegistrationFactory(workshop=uneven_workshop, officer=officer)
    _mark(trainer, uneven_workshop, registration, [None, "present"])
    services.update_attendance_settings(
        workshop_id=uneven_workshop.pk,
        by=trainer,
        completion_threshold=25,
        checkin_opens_minutes=30,
    )
    services.close_workshop(workshop_id=uneven_workshop.pk, by=trainer)
    assert Completion.objects.get(registration=registration).completed is True


def test_close_before_last_session_ends_is_refused(trainer, current_workshop):
    with pytest.raises(ServiceError, match="after its last session"):
        services.close_workshop(workshop_id=current_workshop.pk, by=trainer)


def test_close_computes_completions_issues_certificates_and_completes(
    trainer, past_workshop, registration, agency, django_capture_on_commit_callbacks
):
    dropout = RegistrationFactory(workshop=past_workshop, officer=OfficerFactory(agency=agency))
    _mark(trainer, past_workshop, registration, ["present", "late"])
    _mark(trainer, past_workshop, dropout, ["present", "absent"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        summary = services.close_workshop(workshop_id=past_workshop.pk, by=trainer)
    assert summary == {"completed": 1, "total": 2, "issued": 1, "revoked": 0}
    assert Completion.objects.get(registration=registration).completed is True
    assert Completion.objects.get(registration=dropout).completed is False
    assert Certificate.objects.get().registration == registration
    past_workshop.refresh_from_db()
    assert past_workshop.status == Workshop.Status.COMPLETED
    # The certificate's mail, and the review of its holder's track credentials (credentials).
    assert len(callbacks) == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [registration.officer.email]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"


def test_closing_twice_is_refused(trainer, registration):
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    with pytest.raises(ServiceError, match="already closed"):
        services.close_workshop(workshop_id=registration.workshop_id, by=trainer)


def test_reopen_correct_and_close_again_recomputes(
    trainer, coordinator, past_workshop, registration, agency
):
    late_fix = RegistrationFactory(workshop=past_workshop, officer=OfficerFactory(agency=agency))
    _mark(trainer, past_workshop, registration, ["present", "present"])
    _mark(trainer, past_workshop, late_fix, ["absent", "absent"])
    services.close_workshop(workshop_id=past_workshop.pk, by=trainer)
    first = Certificate.objects.get(registration=registration)

    services.reopen_workshop(workshop_id=past_workshop.pk, by=coordinator, reason="Mixed up names")
    past_workshop.refresh_from_db()
    assert past_workshop.status == Workshop.Status.PUBLISHED
    _mark(trainer, past_workshop, registration, ["absent", "absent"])
    _mark(trainer, past_workshop, late_fix, ["present", "present"])
    summary = services.close_workshop(workshop_id=past_workshop.pk, by=coordinator)

    assert summary == {"completed": 1, "total": 2, "issued": 1, "revoked": 1}
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert "no longer met" in first.revoke_reason
    assert Completion.objects.get(registration=registration).completed is False
    assert Certificate.objects.active().get().registration == late_fix
    actions = list(ClosureEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["closed", "reopened", "closed"]


def test_recomputing_keeps_certificate_of_officer_who_still_qualifies(
    trainer, past_workshop, registration
):
    _mark(trainer, past_workshop, registration, ["present", "present"])
    services.close_workshop(workshop_id=past_workshop.pk, by=trainer)
    services.reopen_workshop(workshop_id=past_workshop.pk, by=trainer, reason="check")
    services.close_workshop(workshop_id=past_workshop.pk, by=trainer)
    assert Certificate.objects.count() == 1
    assert Certificate.objects.get().revoked_at is None


def test_officer_removed_while_reopened_loses_completion_and_certificate(
    trainer, past_workshop, registration
):
    _mark(trainer, past_workshop, registration, ["present", "present"])
    services.close_workshop(workshop_id=past_workshop.pk, by=trainer)
    services.reopen_workshop(workshop_id=past_workshop.pk, by=trainer, reason="removed")
    Registration.objects.filter(pk=registration.pk).update(state=Registration.State.REMOVED)
    services.close_workshop(workshop_id=past_workshop.pk, by=trainer)
    assert not Completion.objects.exists()
    assert not Certificate.objects.active().exists()


def test_reopen_needs_a_reason(trainer, registration):
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    with pytest.raises(ServiceError):
        services.reopen_workshop(workshop_id=registration.workshop_id, by=trainer, reason=" ")


def test_other_trainer_cannot_close(other_trainer, registration):
    with pytest.raises(ServiceError):
        services.close_workshop(workshop_id=registration.workshop_id, by=other_trainer)


def test_close_view_for_trainer_and_404_for_outsiders(
    client_for, trainer, other_trainer, other_coordinator, officer, registration
):
    url = reverse("attendance:close", args=[registration.workshop_id])
    assert client_for(officer).post(url).status_code == 403
    assert client_for(other_trainer).post(url).status_code == 404
    assert client_for(other_coordinator).post(url).status_code == 404
    response = client_for(trainer).post(url)
    assert response.status_code == 302
    assert Completion.objects.filter(registration=registration).exists()


def test_close_view_before_end_shows_message(client_for, trainer, current_workshop):
    url = reverse("attendance:close", args=[current_workshop.pk])
    response = client_for(trainer).post(url, follow=True)
    assert "after its last session has ended" in response.content.decode()


def test_reopen_view_without_reason_is_400(client_for, trainer, registration):
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    url = reverse("attendance:reopen", args=[registration.workshop_id])
    assert client_for(trainer).post(url, {"reason": ""}).status_code == 400
