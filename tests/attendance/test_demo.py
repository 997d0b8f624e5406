import pytest

from attendance import demo
from attendance.models import Certificate, Completion, Feedback
from tests.factories import OfficerFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_seed_without_past_workshops_returns_empty():
    assert demo.seed() == []


def test_seed_closes_past_workshops_idempotently(past_workshop, agency):
    demo_officer = OfficerFactory(agency=agency, email="officer@spf.example.sg")
    for _i in range(6):
        RegistrationFactory(workshop=past_workshop, officer=OfficerFactory(agency=agency))
    assert demo.seed() == []
    counts = (Completion.objects.count(), Certificate.objects.count(), Feedback.objects.count())
    assert Certificate.objects.filter(registration__officer=demo_officer).exists()
    assert counts[2] >= 5
    demo.seed()
    assert (
        Completion.objects.count(),
        Certificate.objects.count(),
        Feedback.objects.count(),
    ) == counts
