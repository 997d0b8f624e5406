"""Demo credentials: a share link the demo officer gave a prosecutor, and a prerequisite waiver
a coordinator granted. Certificates, their signed credentials and the track credentials come
from closing the demo's past workshops (attendance.demo). Idempotent."""

from __future__ import annotations

from attendance.models import Certificate
from attendees.models import User
from registrations.services import RegistrationError
from registrations.services.prerequisites import grant_prerequisite_waiver
from workshops.models import Module, Workshop

from .models import CredentialShare
from .shares import create_share

DEMO_OFFICER = "officer@spf.example.sg"
SHARED_WITH = "Attorney-General's Chambers, Singapore (case 2026/114)"


def seed() -> list:
    officer = User.objects.filter(email=DEMO_OFFICER).first()
    if officer is None:
        return []
    certificate = Certificate.objects.of_officer(officer).active().of_workshops().first()
    if (
        certificate is not None
        and not CredentialShare.objects.filter(certificate=certificate, label=SHARED_WITH).exists()
    ):
        create_share(holder=officer, certificate_id=certificate.pk, label=SHARED_WITH, days=90)
    _waive_one_prerequisite()
    return []


def _waive_one_prerequisite() -> None:
    """The Brazilian officer may join an upcoming workshop with prerequisites they lack: their
    unit's own course covers them (the coordinator of the workshop's region decided)."""
    officer = User.objects.filter(email="officer@pf.example.br").first()
    if officer is None:
        return
    for workshop in Workshop.objects.filter(status=Workshop.Status.PUBLISHED).order_by("starts_at"):
        if not Module.objects.required_for(workshop.pk).exists():
            continue
        coordinator = workshop.region.coordinators.first()
        if coordinator is None or coordinator.pk == officer.pk:
            continue
        try:
            grant_prerequisite_waiver(
                workshop_id=workshop.pk,
                officer_email=officer.email,
                by=coordinator,
                reason="Completed the Polícia Federal's own course on Bitcoin tracing (2025).",
            )
        except RegistrationError:  # they lack none of this one's: no waiver to grant
            continue
        return
