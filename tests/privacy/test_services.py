import datetime as dt
import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from attendance import services as attendance_services
from attendance.models import AttendanceMark, Certificate
from attendees.models import User
from audit.models import AuditEntry
from credentials.models import CredentialShare
from credentials.shares import create_share
from invites.models import CalendarFeed
from privacy.services import (
    PrivacyError,
    erase_officer,
    export_personal_data,
    purge_unconfirmed_accounts,
)
from registrations.models import Registration
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _hours_ago(hours):
    return timezone.now().replace(microsecond=0) - dt.timedelta(hours=hours)


@pytest.fixture
def certificate(officer, trainer, region):
    past = WorkshopFactory(
        region=region, trainers=[trainer], sessions=[(_hours_ago(30), _hours_ago(26))]
    )
    reg = RegistrationFactory(workshop=past, officer=officer)
    session = past.sessions.get()
    attendance_services.record_marks(session_id=session.pk, by=trainer, marks={reg.pk: "present"})
    attendance_services.close_workshop(workshop_id=past.pk, by=trainer)
    return Certificate.objects.get(registration=reg)


def test_export_holds_own_data_and_certificate_pdf(officer, other_agency_officer, certificate):
    RegistrationFactory(workshop=certificate.registration.workshop, officer=other_agency_officer)
    archive = zipfile.ZipFile(io.BytesIO(export_personal_data(user=officer, by=officer)))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["email"] == officer.email
    assert data["certificates"][0]["number"] == certificate.number
    assert len(data["registrations"]) == 1
    assert len(data["attendance_marks"]) == 1
    assert f"certificates/{certificate.number}.pdf" in archive.namelist()
    assert other_agency_officer.email not in archive.read("data.json").decode()
    assert AuditEntry.objects.filter(action="privacy.export", target_id=str(officer.pk)).exists()


def test_export_holds_the_share_links_without_their_tokens(officer, certificate):
    share = create_share(holder=officer, certificate_id=certificate.pk, label="Acme HR", days=7)
    archive = zipfile.ZipFile(io.BytesIO(export_personal_data(user=officer, by=officer)))
    data = json.loads(archive.read("data.json"))
    [link] = data["certificate_share_links"]
    assert link["certificate"] == certificate.number and link["shared_with"] == "Acme HR"
    assert share.token not in archive.read("data.json").decode()


def test_erasure_ends_every_share_link(officer, certificate, client):
    share = create_share(holder=officer, certificate_id=certificate.pk, label="Acme HR", days=7)
    erase_officer(user_id=officer.pk, by=officer, reason="self-service")
    assert not CredentialShare.objects.exists()
    response = client.get(reverse("credentials:verify_shared", args=[share.token]))
    assert response.status_code == 404


def test_erasure_anonymises_and_revokes_but_keeps_statistics(officer, coordinator, certificate):
    CalendarFeed.objects.create(user=officer)
    token = officer.calendar_feed.token
    # The reason stays; words of the officer's name ("Officer Alice") would not.
    erase_officer(user_id=officer.pk, by=coordinator, reason="Asked by letter")
    officer.refresh_from_db()
    assert officer.email == f"erased-{officer.pk}@invalid"
    assert officer.full_name != "Officer Alice"
    assert officer.rank == "" and not officer.has_usable_password()
    assert not EmailAddress.objects.filter(user=officer).exists()
    assert CalendarFeed.objects.get(user=officer).token != token
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revoke_reason == "erased"
    assert Registration.objects.filter(officer=officer).count() == 1
    assert AttendanceMark.objects.filter(registration__officer=officer).count() == 1
    entry = AuditEntry.objects.get(action="privacy.erase")
    assert entry.data["reason"] == "Asked by letter"


def test_erasure_cancels_active_registration_and_promotes_waitlist(officer, region):
    workshop = WorkshopFactory(region=region, capacity=1)
    mine = RegistrationFactory(workshop=workshop, officer=officer)
    waiting = RegistrationFactory(
        workshop=workshop,
        state=Registration.State.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=timezone.now(),
    )
    erase_officer(user_id=officer.pk, by=officer, reason="self-service")
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.state == Registration.State.CANCELLED
    assert waiting.state == Registration.State.CONFIRMED


def test_erasure_leaves_other_officers_untouched(officer, other_agency_officer):
    erase_officer(user_id=officer.pk, by=officer, reason="self-service")
    other_agency_officer.refresh_from_db()
    assert other_agency_officer.full_name == "Officer Bob"
    assert EmailAddress.objects.filter(user=other_agency_officer).exists()


def test_erasure_needs_a_reason_and_an_officer(officer, trainer):
    with pytest.raises(PrivacyError):
        erase_officer(user_id=officer.pk, by=officer, reason=" ")
    with pytest.raises(PrivacyError):
        erase_officer(user_id=trainer.pk, by=officer, reason="x")


def test_purge_removes_only_old_unconfirmed_accounts(agency):
    old = OfficerFactory(agency=agency, status=User.Status.UNCONFIRMED, vetted_at=None)
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - dt.timedelta(days=20))
    fresh = OfficerFactory(agency=agency, status=User.Status.UNCONFIRMED, vetted_at=None)
    assert purge_unconfirmed_accounts() == 1
    assert purge_unconfirmed_accounts() == 0
    assert not User.objects.filter(pk=old.pk).exists()
    assert User.objects.filter(pk=fresh.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL locks")
def test_erasure_locks_every_workshop_before_any_officer(officer, region):
    """Erasing an account with seats in several workshops promotes in each. It takes the
    workshops' row locks first, then officers' (the lock order in
    registrations/services/locking.py): an officer locked by a promotion in one workshop while
    their own registration holds the next workshop would otherwise deadlock."""
    from django.test.utils import CaptureQueriesContext

    workshops = [WorkshopFactory(region=region, capacity=1) for _ in range(2)]
    waiting = []
    for workshop in workshops:
        RegistrationFactory(workshop=workshop, officer=officer)
        waiting.append(
            RegistrationFactory(
                workshop=workshop,
                state=Registration.State.WAITLISTED,
                confirmed_at=None,
                waitlisted_at=timezone.now(),
            )
        )
    with CaptureQueriesContext(connection) as ctx:
        erase_officer(user_id=officer.pk, by=officer, reason="self-service")
    sql = [q["sql"] for q in ctx.captured_queries]
    workshop_locks = [
        i for i, s in enumerate(sql) if "workshops_workshop" in s and "FOR UPDATE" in s
    ]
    officer_locks = [i for i, s in enumerate(sql) if "pg_advisory_xact_lock" in s]
    assert len(workshop_locks) == 2 and officer_locks
    assert max(workshop_locks) < min(officer_locks)
    for reg in waiting:
        reg.refresh_from_db()
        assert reg.state == Registration.State.CONFIRMED
