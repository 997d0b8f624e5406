import pytest

from workshops.models import Material, Module, ModuleRevision, Track

pytestmark = pytest.mark.django_db


def test_demo_curriculum_is_realistic_and_idempotent(settings, tmp_path):
    from attendees import demo as attendees_demo
    from workshops import demo_curriculum

    attendees_demo.seed()
    demo_curriculum.seed()
    counts = (
        Track.objects.count(),
        Module.objects.count(),
        ModuleRevision.objects.count(),
        Material.objects.count(),
    )
    demo_curriculum.seed()
    assert counts == (
        Track.objects.count(),
        Module.objects.count(),
        ModuleRevision.objects.count(),
        Material.objects.count(),
    )
    assert counts[0] == 3 and counts[1] == 12
    assert Module.objects.filter(status=Module.Status.IN_REVIEW).count() == 1
    assert Module.objects.filter(status=Module.Status.DRAFT).count() == 1
    assert ModuleRevision.objects.filter(number=2).exists()
    material = Material.objects.first()
    assert material.file.read(5) == b"%PDF-"
