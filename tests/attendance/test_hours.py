import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from attendance import services
from attendance.hours import (
    credited_hours,
    format_hours,
    hours,
    training_minutes,
    training_minutes_by_workshop,
    training_minutes_of,
)
from attendance.models import Certificate
from attendance.reports import training_record


def test_hours_round_half_up_to_one_decimal():
    assert hours(510) == Decimal("8.5")
    assert hours(20) == Decimal("0.3")  # 0.333…
    assert hours(45) == Decimal("0.8")  # 0.75: half up, not to even
    assert hours(87) == Decimal("1.5")  # 1.45
    assert hours(0) == Decimal("0.0")


def test_hours_are_shown_without_a_trailing_zero_and_localised():
    assert format_hours(Decimal("8.0")) == "8"
    assert format_hours(Decimal("8.5")) == "8.5"
    with translation.override("fr"):
        assert format_hours(Decimal("8.5")) == "8,5"


def test_training_time_is_the_curriculum_else_the_session_time():
    assert training_minutes(module_minutes=510, session_time=dt.timedelta(hours=16)) == 510
    assert training_minutes(module_minutes=None, session_time=dt.timedelta(hours=4)) == 240
    assert training_minutes(module_minutes=None, session_time=None) == 0
    assert credited_hours(completed=True, minutes=510) == Decimal("8.5")
    assert credited_hours(completed=False, minutes=510) == Decimal("0")


@pytest.mark.django_db
def test_one_workshop_and_many_agree(past_workshop):
    # Two modules of 2 h and 3 h taught in two 4-hour sessions.
    assert training_minutes_of(past_workshop) == 300
    assert training_minutes_by_workshop([past_workshop.pk]) == {past_workshop.pk: 300}


@pytest.mark.django_db
def test_certificate_and_training_record_count_the_curriculum_not_the_session_time(
    trainer, registration
):
    for session in registration.workshop.sessions.all():
        services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    certificate = Certificate.objects.get(registration=registration)
    record = training_record(registration.officer)
    assert certificate.printed["total_minutes"] == 300  # not the 480 minutes of sessions
    assert certificate.training_hours == record.total == Decimal("5.0")
    assert certificate.total_hours == record.total_hours == "5"
