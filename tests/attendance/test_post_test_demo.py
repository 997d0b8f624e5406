"""The demo requires a post-test score of one past workshop when it has post-test results."""

import pytest

from assessments.models import WorkshopTest
from attendance import demo
from attendance.models import Certificate, Completion
from tests.attendance.posttest import sent, workshop_with_post_test
from tests.factories import OfficerFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_demo_requires_a_score_of_a_workshop_the_demo_officer_passed(region, trainer, agency):
    workshop = workshop_with_post_test(region=region, trainer=trainer, pass_percent=None)
    demo_officer = OfficerFactory(agency=agency, email=demo.DEMO_OFFICER)
    passed = RegistrationFactory(workshop=workshop, officer=demo_officer)
    sent(passed, "80")
    failed = RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))
    sent(failed, "40")

    demo.seed()
    demo.seed()

    test = WorkshopTest.objects.get(workshop=workshop)
    assert test.pass_percent == demo.DEMO_PASS_PERCENT
    own = Completion.objects.get(registration=passed)
    assert own.completed and own.test_required == 60 and own.test_percent == 80
    assert not Completion.objects.get(registration=failed).completed
    assert Certificate.objects.filter(registration=passed).count() == 1
    assert not Certificate.objects.filter(registration=failed).exists()


def test_demo_leaves_the_rule_alone_without_results(region, trainer, agency):
    workshop = workshop_with_post_test(region=region, trainer=trainer, pass_percent=None)
    RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))

    demo.seed()

    assert WorkshopTest.objects.get(workshop=workshop).pass_percent is None
    assert Completion.objects.get(registration__workshop=workshop).completed


def test_demo_leaves_a_workshop_with_an_open_required_post_test_open(region, trainer, agency):
    workshop = workshop_with_post_test(region=region, trainer=trainer, closes_after_days=7)
    RegistrationFactory(workshop=workshop, officer=OfficerFactory(agency=agency))

    demo.seed()

    assert not Completion.objects.filter(registration__workshop=workshop).exists()
