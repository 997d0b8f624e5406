"""No time on the site without its zone: the key pages, rendered for a viewer in Singapore
looking at a workshop in Warsaw, show every HH:MM with a zone named after it in the same
element (a table cell, list item, paragraph...)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.contrib.auth.models import Permission
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attendees.models import User
from audit.services import record_audit
from outbox.models import Mail
from outbox.services import queue_mail
from registrations.models import Registration
from tests.factories import (
    ModuleFactory,
    OfficerFactory,
    ProgramAdminFactory,
    RegistrationFactory,
    TrainerFactory,
    WorkshopFactory,
)
from tests.signin import sign_in
from workshops.models import Module

pytestmark = pytest.mark.django_db

SINGAPORE = "Asia/Singapore"
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")

BLOCK_END = re.compile(r"</(td|th|li|dd|dt|p|div|tr|h[1-6]|option|button|label|a)>|<br\s*/?>", re.I)
TAG = re.compile(r"<[^>]+>")
HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1>", re.I | re.S)
CLOCK = re.compile(r"(?<![\d:+\u2212-])([01]?\d|2[0-3]):[0-5]\d(?![\d:])")
ZONE = re.compile(r"UTC|GMT[+\u2212-]|\bTime\b|\b[A-Z]{3,5}\b")


def bare_times(html: str) -> list[str]:
    """Lines of visible text holding a clock time with no zone after it on that line."""
    text = BLOCK_END.sub("\n", HIDDEN.sub("", html))
    lines = [" ".join(TAG.sub(" ", line).split()) for line in text.split("\n")]
    bare = []
    for line in lines:
        for match in CLOCK.finditer(line):
            if not ZONE.search(line, match.end()):
                bare.append(line)
                break
    return bare


def as_viewer(user) -> Client:
    User.objects.filter(pk=user.pk).update(time_zone=SINGAPORE)
    client = Client()
    sign_in(client, user)
    return client


def test_the_checker_finds_a_bare_time_and_passes_labelled_ones():
    assert bare_times("<td>8 Dec 2026, 09:00</td>") == ["8 Dec 2026, 09:00"]
    assert bare_times("<li>09:00–17:00 <span>Warsaw Time, CET</span></li>") == []
    assert bare_times("<td>8 Dec 2026, 09:00 GMT+08:00</td><td>1:2</td>") == []


@pytest.fixture
def warsaw_workshop(region):
    start = dt.datetime.now(WARSAW).replace(hour=9, minute=0, second=0, microsecond=0)
    start += dt.timedelta(days=20)
    return WorkshopFactory(
        region=region,
        time_zone="Europe/Warsaw",
        city="Warsaw",
        country="PL",
        sessions=[
            (start, start + dt.timedelta(hours=8)),
            (start + dt.timedelta(days=1), start + dt.timedelta(days=1, hours=8)),
        ],
    )


def test_workshop_page_and_registration_box_label_every_time(officer, warsaw_workshop, region):
    client = as_viewer(officer)
    page = client.get(reverse("workshops:workshop_detail", args=[warsaw_workshop.pk]))
    html = page.content.decode()
    assert "Warsaw Time" in html and "Singapore Time" in html
    assert bare_times(html) == []
    later = WorkshopFactory(
        region=region,
        time_zone="Europe/Warsaw",
        registration_opens_at=timezone.now() + dt.timedelta(days=3),
    )
    html = client.get(reverse("workshops:workshop_detail", args=[later.pk])).content.decode()
    assert "Registration opens" in html and bare_times(html) == []


def test_registered_officer_sees_labelled_deadline(officer, warsaw_workshop):
    RegistrationFactory(workshop=warsaw_workshop, officer=officer)
    html = (
        as_viewer(officer)
        .get(reverse("workshops:workshop_detail", args=[warsaw_workshop.pk]))
        .content.decode()
    )
    assert bare_times(html) == []


def test_registrations_page_labels_every_time(coordinator, warsaw_workshop):
    reg = RegistrationFactory(workshop=warsaw_workshop)
    RegistrationFactory(
        workshop=warsaw_workshop, state=Registration.State.WAITLISTED, confirmed_at=None
    )
    assert reg.pk
    url = reverse("registration:workshop_registrations", args=[warsaw_workshop.pk])
    html = as_viewer(coordinator).get(url).content.decode()
    assert "GMT+08:00" in html
    assert bare_times(html) == []


def test_vetting_detail_labels_signed_up(coordinator, pending_officer):
    html = (
        as_viewer(coordinator)
        .get(reverse("vetting_detail", args=[pending_officer.pk]))
        .content.decode()
    )
    assert "Singapore Time" in html
    assert bare_times(html) == []


def test_review_queue_labels_every_time():
    trainer = TrainerFactory()
    trainer.user_permissions.add(
        Permission.objects.get(codename="publish_module", content_type__app_label="workshops")
    )
    module = ModuleFactory(authors=[trainer])
    Module.objects.filter(pk=module.pk).update(
        status=Module.Status.IN_REVIEW, submitted_at=timezone.now()
    )
    html = as_viewer(trainer).get(reverse("workshops:review_queue")).content.decode()
    assert module.title in html and "GMT+08:00" in html
    assert bare_times(html) == []


def test_audit_log_labels_every_time(coordinator):
    record_audit(actor=coordinator, action="vetting.approved", summary="Approved Alice")
    html = as_viewer(ProgramAdminFactory()).get(reverse("audit:log")).content.decode()
    assert "Approved Alice" in html and "GMT+08:00" in html
    assert bare_times(html) == []


def test_failed_deliveries_label_every_time(coordinator, warsaw_workshop, agency):
    officer = OfficerFactory(agency=agency)
    message = EmailMultiAlternatives(subject="About it", body="Body", to=[officer.email])
    (row,) = queue_mail(message, kind="registration", recipient=officer, workshop=warsaw_workshop)
    Mail.objects.filter(pk=row.pk).update(
        status=Mail.Status.FAILED, attempts=10, last_error="550", claimed_at=timezone.now()
    )
    html = as_viewer(coordinator).get(reverse("outbox:failed")).content.decode()
    assert officer.email in html and "GMT+08:00" in html
    assert bare_times(html) == []


def test_catalog_and_my_training_label_every_time(officer, warsaw_workshop):
    RegistrationFactory(workshop=warsaw_workshop, officer=officer)
    client = as_viewer(officer)
    for url in (reverse("workshops:catalog"), reverse("registration:my_training")):
        html = client.get(url).content.decode()
        assert bare_times(html) == [], url
