"""What a workshop certificate keeps at issue (`printed`): the facts every reader relies on."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from attendance import services
from attendance.models import Certificate, WorkshopClosure
from attendance.reports import training_record
from attendance.services.certificates import WORKSHOP_FACTS, build_printed
from tests.factories import RegistrationFactory, TrackFactory, WorkshopFactory
from workshops.models import Module, Track, Workshop

pytestmark = pytest.mark.django_db

HOLDER_FACTS = {"officer_name", "agency", "agency_country"}
TRACK_CREDENTIAL_KEYS = {
    "program",
    "officer_name",
    "agency",
    "agency_country",
    "track_name",
    "track_id",
    "modules",
    "total_minutes",
}


def test_printed_keeps_the_workshop_as_facts(trainer, registration, past_workshop, agency):
    closure, _created = WorkshopClosure.objects.get_or_create(workshop=past_workshop)
    closure.completion_threshold = 80
    closure.save()
    printed = build_printed(registration=registration, workshop=past_workshop)
    sessions = list(past_workshop.sessions.all())
    assert printed["kind"] == "workshop"
    assert dt.datetime.fromisoformat(printed["starts"]) == sessions[0].starts_at
    assert dt.datetime.fromisoformat(printed["ends"]) == sessions[-1].ends_at
    assert printed["starts"].endswith("Z") and printed["ends"].endswith("Z")
    assert printed["time_zone"] == "Asia/Singapore"
    assert printed["online"] is False
    assert (printed["venue_name"], printed["city"], printed["country"]) == (
        "Training Centre",
        "Singapore",
        "SG",
    )
    assert printed["agency_country"] == agency.country.code
    assert printed["completion_threshold"] == 80
    assert printed["workshop_language"] == past_workshop.language
    first = past_workshop.workshop_modules.order_by("position").first()
    assert printed["wording_track_id"] == first.revision.track_id
    # What certificates always carried is still there for older readers.
    assert printed["dates"] and printed["place"] == "Training Centre, Singapore"


def test_threshold_defaults_when_attendance_settings_were_never_saved(registration, past_workshop):
    WorkshopClosure.objects.filter(workshop=past_workshop).delete()
    printed = build_printed(registration=registration, workshop=past_workshop)
    assert printed["completion_threshold"] == 75


def test_online_workshop_without_modules_or_sessions(officer, region):
    workshop = WorkshopFactory(
        region=region, format=Workshop.Format.ONLINE, country="", sessions=[]
    )
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    printed = build_printed(registration=registration, workshop=workshop)
    assert printed["online"] is True and printed["country"] == ""
    assert printed["starts"] is None and printed["ends"] is None
    assert printed["wording_track_id"] is None
    assert printed["modules"] == []


def test_issued_certificate_carries_the_new_facts(trainer, registration):
    for session in registration.workshop.sessions.all():
        services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})
    services.close_workshop(workshop_id=registration.workshop_id, by=trainer)
    printed = Certificate.objects.get(registration=registration).printed
    assert printed["kind"] == "workshop"
    assert printed["completion_threshold"] == 75


def test_every_key_but_the_holder_s_is_a_workshop_or_track_fact(registration, past_workshop):
    """Erasure keeps WORKSHOP_FACTS only: every other key must be one that names the holder."""
    printed = build_printed(registration=registration, workshop=past_workshop)
    assert set(printed) - WORKSHOP_FACTS == HOLDER_FACTS
    assert TRACK_CREDENTIAL_KEYS - WORKSHOP_FACTS == HOLDER_FACTS
    assert not HOLDER_FACTS & WORKSHOP_FACTS


def test_a_track_changed_in_the_working_copy_leaves_the_certificate_as_published(
    trainer, registration, past_workshop
):
    """The modules' tracks, the wording's track, the validity and the hours by track all read
    the revisions taught, never a module's unpublished working copy."""
    first = past_workshop.workshop_modules.order_by("position").first().revision
    published = first.track
    Track.objects.filter(pk=published.pk).update(
        validity_months=12, certificate_wording={"en": "{officer} completed {workshop}."}
    )
    elsewhere = TrackFactory(name="Elsewhere", slug="elsewhere")
    Module.objects.filter(pk=first.module_id).update(track=elsewhere)

    for session in past_workshop.sessions.all():
        services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "present"})
    services.close_workshop(workshop_id=past_workshop.pk, by=trainer)

    certificate = Certificate.objects.get(registration=registration)
    printed = certificate.printed
    assert [m["track"] for m in printed["modules"]] == [
        "Blockchain forensics",
        "Crypto fundamentals",
    ]
    assert printed["wording_track_id"] == published.pk
    assert printed["wording"]["track"] == "Blockchain forensics"
    assert certificate.expires_at == certificate.issued_at + relativedelta(months=12)
    record = training_record(registration.officer)
    assert record.hours_by_track == [("Blockchain forensics", "2"), ("Crypto fundamentals", "3")]
