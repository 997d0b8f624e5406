"""Track credentials: earned by completing every live module of a track, across workshops."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attendance import services as attendance
from attendance.models import Certificate
from attendance.services.certificates import revoke_certificate
from attendees.models import User
from attendees.services.agencies import reactivate_agency, suspend_agency
from attendees.services.reconfirm import make_reconfirm_token, reconfirm_agency_email
from credentials import tasks
from credentials.completed import completed_modules
from credentials.prerequisites import missing_prerequisites
from credentials.tracks import review_after_certificate, review_everyone
from registrations.models import Registration
from tests.commit import after_commit
from tests.factories import (
    ModuleFactory,
    OfficerFactory,
    RegistrationFactory,
    TrackFactory,
    WorkshopFactory,
    publish_directly,
)
from workshops.models import Module, Track, WorkshopModule
from workshops.services.curriculum import (
    publish_module,
    submit_module_for_review,
    update_module,
)

pytestmark = pytest.mark.django_db


def _hours_ago(hours: float) -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(hours=hours)


@pytest.fixture
def track():
    return TrackFactory(name="Blockchain forensics", slug="forensics")


def _module(track, title: str, minutes: int = 120) -> Module:
    module = ModuleFactory(title=title, track=track, duration_minutes=minutes)
    publish_directly(module)
    return module


@pytest.fixture
def utxo(track):
    return _module(track, "UTXO tracing", 120)


@pytest.fixture
def mixers(track):
    return _module(track, "Mixers and bridges", 180)


def _past_workshop(region, trainer, title: str, modules, *, ended_hours_ago: float = 24):
    workshop = WorkshopFactory(
        title=title,
        region=region,
        trainers=[trainer],
        sessions=[(_hours_ago(ended_hours_ago + 4), _hours_ago(ended_hours_ago))],
    )
    for position, module in enumerate(modules):
        WorkshopModule.objects.create(
            workshop=workshop, revision=module.published_revision, position=position
        )
    return workshop


def _close(workshop, trainer, officers, *, commit: bool = True) -> list[Certificate]:
    """Everyone present, the workshop closed; with `commit`, what it queued for after commit
    runs (the reviews of track credentials among it)."""
    registrations = [RegistrationFactory(workshop=workshop, officer=o) for o in officers]
    session = workshop.sessions.get()
    attendance.record_marks(
        session_id=session.pk, by=trainer, marks={r.pk: "present" for r in registrations}
    )
    if commit:
        with after_commit():
            attendance.close_workshop(workshop_id=workshop.pk, by=trainer)
    else:
        attendance.close_workshop(workshop_id=workshop.pk, by=trainer)
    return list(Certificate.objects.filter(registration__in=registrations))


def _track_credentials(holder=None):
    credentials = Certificate.objects.of_tracks()
    return credentials.filter(holder=holder) if holder else credentials


# --- issue ----------------------------------------------------------------------------------


def test_issued_when_the_last_module_of_a_track_completes_across_two_workshops(
    region, trainer, officer, track, utxo, mixers
):
    first = _past_workshop(region, trainer, "Tracing Bitcoin", [utxo], ended_hours_ago=72)
    _close(first, trainer, [officer])
    assert completed_modules(officer) == {utxo.pk}
    assert not _track_credentials(officer).exists()

    second = _past_workshop(region, trainer, "Following the money", [mixers])
    _close(second, trainer, [officer])

    credential = _track_credentials(officer).get()
    assert credential.track == track
    assert credential.is_valid
    printed = credential.printed
    assert printed["kind"] == "track"
    assert printed["officer_name"] == "Officer Alice"
    assert printed["agency"] == "Agency A"
    assert printed["agency_country"] == "SG"
    assert printed["track_name"] == "Blockchain forensics"
    assert printed["track_id"] == track.pk
    assert printed["total_minutes"] == 300
    by_title = {m["title"]: m for m in printed["modules"]}
    assert by_title["UTXO tracing"]["workshop_title"] == "Tracing Bitcoin"
    assert by_title["UTXO tracing"]["minutes"] == 120
    assert by_title["Mixers and bridges"]["workshop_title"] == "Following the money"
    ended = second.ends_at.astimezone(second.tzinfo).date().isoformat()
    assert by_title["Mixers and bridges"]["completed_on"] == ended
    dt.date.fromisoformat(by_title["UTXO tracing"]["completed_on"])
    assert {m["module_id"] for m in printed["modules"]} == {utxo.pk, mixers.pk}


def test_the_latest_workshop_that_completed_a_module_is_printed(
    region, trainer, officer, utxo, mixers
):
    early = _past_workshop(region, trainer, "Early", [utxo], ended_hours_ago=72)
    _close(early, trainer, [officer])
    late = _past_workshop(region, trainer, "Late", [utxo, mixers], ended_hours_ago=24)
    _close(late, trainer, [officer])
    modules = _track_credentials(officer).get().printed["modules"]
    assert {m["workshop_title"] for m in modules} == {"Late"}


def test_not_issued_while_a_live_module_of_the_track_is_missing(
    region, trainer, officer, track, utxo, mixers
):
    _module(track, "Privacy coins")
    _close(
        _past_workshop(region, trainer, "Everything but one", [utxo, mixers]), trainer, [officer]
    )
    assert not _track_credentials().exists()


def test_drafts_and_archived_modules_are_not_required(region, trainer, officer, track, utxo):
    ModuleFactory(title="Still a draft", track=track)
    archived = _module(track, "Retired module")
    archived.status = Module.Status.ARCHIVED
    archived.save()
    _close(_past_workshop(region, trainer, "Tracing Bitcoin", [utxo]), trainer, [officer])
    assert _track_credentials(officer).get().printed["modules"][0]["title"] == "UTXO tracing"


def test_officers_who_did_not_complete_get_nothing(
    region, trainer, officer, other_agency_officer, utxo
):
    workshop = _past_workshop(region, trainer, "Tracing Bitcoin", [utxo])
    present = RegistrationFactory(workshop=workshop, officer=officer)
    RegistrationFactory(workshop=workshop, officer=other_agency_officer)
    attendance.record_marks(
        session_id=workshop.sessions.get().pk, by=trainer, marks={present.pk: "present"}
    )
    with after_commit():
        attendance.close_workshop(workshop_id=workshop.pk, by=trainer)
    assert list(_track_credentials().values_list("holder", flat=True)) == [officer.pk]


# --- revoke ---------------------------------------------------------------------------------


def test_revoked_when_a_workshop_certificate_it_relied_on_is_revoked(
    region, trainer, officer, utxo, mixers
):
    (first,) = _close(
        _past_workshop(region, trainer, "One", [utxo], ended_hours_ago=72), trainer, [officer]
    )
    _close(_past_workshop(region, trainer, "Two", [mixers]), trainer, [officer])
    credential = _track_credentials(officer).get()

    with after_commit():
        revoke_certificate(certificate=first, reason="Attendance was forged")

    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert credential.revoke_reason == "A workshop certificate it relied on was revoked."


def test_kept_while_another_workshop_still_completes_the_module(
    region, trainer, officer, utxo, mixers
):
    (first,) = _close(
        _past_workshop(region, trainer, "One", [utxo], ended_hours_ago=72), trainer, [officer]
    )
    _close(_past_workshop(region, trainer, "Two", [utxo, mixers]), trainer, [officer])
    with after_commit():
        revoke_certificate(certificate=first, reason="Duplicate")
    assert _track_credentials(officer).get().is_valid


def test_a_module_added_to_the_track_later_does_not_revoke_it(
    region, trainer, officer, track, utxo, mixers
):
    _close(_past_workshop(region, trainer, "One", [utxo, mixers]), trainer, [officer])
    credential = _track_credentials(officer).get()
    _module(track, "Privacy coins")
    # Any later review (another certificate, the backfill) keeps it.
    other = TrackFactory(name="Fundamentals", slug="fundamentals")
    _close(_past_workshop(region, trainer, "Basics", [_module(other, "Keys")]), trainer, [officer])
    review_everyone()
    credential.refresh_from_db()
    assert credential.is_valid
    assert _track_credentials(officer).filter(track=track).count() == 1


def test_issued_again_once_completed_again_after_a_revocation(
    region, trainer, officer, utxo, mixers
):
    (first,) = _close(
        _past_workshop(region, trainer, "One", [utxo, mixers], ended_hours_ago=72),
        trainer,
        [officer],
    )
    with after_commit():
        revoke_certificate(certificate=first, reason="Corrected")
    assert not _track_credentials(officer).active().exists()
    _close(_past_workshop(region, trainer, "Retaken", [utxo, mixers]), trainer, [officer])
    assert _track_credentials(officer).active().count() == 1
    assert _track_credentials(officer).count() == 2


def _move(module, track, *, by) -> None:
    """An edit of the module's working copy that puts it in another track."""
    update_module(
        module_id=module.pk,
        by=by,
        title=module.title,
        track=track,
        level=module.level,
        language=module.language,
        duration_minutes=module.duration_minutes,
        objectives=module.objectives,
        body=module.body,
    )


def test_revoked_when_a_certificate_it_relied_on_is_revoked_after_its_module_moved(
    region, trainer, officer, coordinator, track, utxo, mixers
):
    (relied_on,) = _close(
        _past_workshop(region, trainer, "Tracing Bitcoin", [utxo], ended_hours_ago=72),
        trainer,
        [officer],
    )
    _close(_past_workshop(region, trainer, "Following the money", [mixers]), trainer, [officer])
    credential = _track_credentials(officer).get(track=track)
    assert credential.is_valid

    # The module it was earned with is in another track now; its certificate is then revoked.
    _move(utxo, TrackFactory(name="Other", slug="other"), by=coordinator)
    with after_commit():
        revoke_certificate(certificate=relied_on, reason="Attendance was falsified", by=coordinator)

    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert credential.revoke_reason == "A workshop certificate it relied on was revoked."


def test_kept_after_its_module_moved_while_its_certificates_stand(
    region, trainer, officer, coordinator, track, utxo, mixers
):
    _close(
        _past_workshop(region, trainer, "One", [utxo, mixers], ended_hours_ago=72),
        trainer,
        [officer],
    )
    _move(utxo, TrackFactory(name="Other", slug="other"), by=coordinator)
    (again,) = _close(_past_workshop(region, trainer, "Retaken", [utxo]), trainer, [officer])
    review_after_certificate(certificate_id=again.pk)
    assert _track_credentials(officer).get(track=track).is_valid


# --- a module is in the track it was published in ------------------------------------------


def _publish(module, *, author, publisher) -> None:
    submit_module_for_review(module_id=module.pk, by=author)
    publish_module(module_id=module.pk, by=publisher)


def test_a_move_in_a_draft_changes_no_track_credential_until_it_is_published(
    region, trainer, coordinator, officer, agency, track, utxo, mixers
):
    other = TrackFactory(name="Other", slug="other")
    mixers.authors.add(trainer)
    colleague = OfficerFactory(agency=agency, full_name="Officer Carol")
    _close(
        _past_workshop(region, trainer, "Tracing Bitcoin", [utxo], ended_hours_ago=72),
        trainer,
        [officer],
    )
    assert not _track_credentials().exists()

    # The author moves a published module out of the track in an unreviewed draft: it stays
    # live, published where it was.
    _move(mixers, other, by=trainer)
    mixers.refresh_from_db()
    assert mixers.status == Module.Status.DRAFT and mixers.is_live
    assert mixers.track == other and mixers.published_revision.track == track

    # Neither the track it leaves nor the one it names counts it differently yet: a certificate
    # of it now, a review of everyone, issue nothing.
    _close(_past_workshop(region, trainer, "Following the money", [mixers]), trainer, [colleague])
    review_everyone()
    assert not _track_credentials().exists()

    # Once the move is reviewed and published, reviews follow the new track.
    _publish(mixers, author=trainer, publisher=coordinator)
    assert review_everyone().issued
    credential = _track_credentials(officer).get()
    assert credential.track == track
    assert [m["module_id"] for m in credential.printed["modules"]] == [utxo.pk]
    moved = _track_credentials(colleague).get()
    assert moved.track == other
    assert [m["module_id"] for m in moved.printed["modules"]] == [mixers.pk]


def test_a_move_into_a_track_in_a_draft_does_not_hold_back_its_credential(
    region, trainer, coordinator, officer, track, utxo
):
    other = TrackFactory(name="Other", slug="other")
    wallets = _module(other, "Wallets and keys", 60)
    wallets.authors.add(trainer)
    _move(wallets, track, by=trainer)

    _close(_past_workshop(region, trainer, "Tracing Bitcoin", [utxo]), trainer, [officer])
    assert _track_credentials(officer).get().track == track

    _publish(wallets, author=trainer, publisher=coordinator)
    review_everyone()
    # Issued when the track was one module: a module published into it later revokes nothing.
    assert _track_credentials(officer).get().is_valid


# --- validity -------------------------------------------------------------------------------


def _valid_for_a_year(track) -> None:
    Track.objects.filter(pk=track.pk).update(validity_months=12)


def _expire(certificate, when: dt.datetime) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=when)


def test_not_issued_on_a_certificate_that_has_expired(
    region, trainer, officer, track, utxo, mixers
):
    _valid_for_a_year(track)
    (old,) = _close(
        _past_workshop(region, trainer, "One", [utxo], ended_hours_ago=72), trainer, [officer]
    )
    _expire(old, timezone.now() - dt.timedelta(days=1))
    (second,) = _close(_past_workshop(region, trainer, "Two", [mixers]), trainer, [officer])
    assert not _track_credentials(officer).exists()

    # Taking the module again earns it, as long as the certificates it rests on.
    (retaken,) = _close(_past_workshop(region, trainer, "Retaken", [utxo]), trainer, [officer])
    credential = _track_credentials(officer).get()
    assert credential.expires_at == min(second.expires_at, retaken.expires_at)
    assert {m["workshop_title"] for m in credential.printed["modules"]} == {"Two", "Retaken"}


def test_expires_when_the_first_certificate_it_relies_on_expires(
    region, trainer, officer, track, utxo, mixers
):
    _valid_for_a_year(track)
    (first,) = _close(
        _past_workshop(region, trainer, "One", [utxo], ended_hours_ago=72), trainer, [officer]
    )
    soon = timezone.now().replace(microsecond=0) + dt.timedelta(days=10)
    _expire(first, soon)
    _close(_past_workshop(region, trainer, "Two", [mixers]), trainer, [officer])
    assert _track_credentials(officer).get().expires_at == soon


def test_a_module_completed_twice_counts_until_its_latest_certificate_expires(
    region, trainer, officer, track, utxo, mixers
):
    _valid_for_a_year(track)
    (early,) = _close(
        _past_workshop(region, trainer, "Early", [utxo], ended_hours_ago=72), trainer, [officer]
    )
    _expire(early, timezone.now() + dt.timedelta(days=10))
    (late,) = _close(_past_workshop(region, trainer, "Late", [utxo, mixers]), trainer, [officer])
    assert _track_credentials(officer).get().expires_at == late.expires_at


def test_a_track_without_validity_expires_with_the_certificates_it_relies_on(
    region, trainer, officer, track, utxo
):
    compliance = TrackFactory(name="Compliance", slug="compliance", validity_months=6)
    (certificate,) = _close(
        _past_workshop(region, trainer, "One", [utxo, _module(compliance, "KYC")]),
        trainer,
        [officer],
    )
    assert track.validity_months is None and certificate.expires_at is not None
    assert _track_credentials(officer).get(track=track).expires_at == certificate.expires_at


def test_revoked_when_only_an_expired_certificate_is_left_to_support_it(
    region, trainer, officer, track, utxo, mixers
):
    _valid_for_a_year(track)
    (old,) = _close(
        _past_workshop(region, trainer, "One", [utxo, mixers], ended_hours_ago=72),
        trainer,
        [officer],
    )
    credential = _track_credentials(officer).get()
    # Earned again on a retake (the first credential was withdrawn meanwhile) ...
    revoke_certificate(certificate=credential, reason="Corrected")
    _expire(old, timezone.now() - dt.timedelta(days=1))
    (retaken,) = _close(
        _past_workshop(region, trainer, "Retaken", [utxo, mixers]), trainer, [officer]
    )
    credential = _track_credentials(officer).active().get()
    # ... whose certificate is revoked: the expired one still records the training.
    with after_commit():
        revoke_certificate(certificate=retaken, reason="Attendance was falsified")
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert credential.revoke_reason == "A workshop certificate it relied on is no longer valid."
    assert completed_modules(officer) == {utxo.pk, mixers.pk}


def test_a_credential_that_outlives_its_certificates_is_revoked_at_the_next_review(
    region, trainer, officer, track, utxo, mixers
):
    _valid_for_a_year(track)
    (certificate,) = _close(
        _past_workshop(region, trainer, "One", [utxo, mixers]), trainer, [officer]
    )
    credential = _track_credentials(officer).get()
    # Issued before its validity was cut short at its certificates'.
    _expire(credential, timezone.now() + dt.timedelta(days=365))
    _expire(certificate, timezone.now() - dt.timedelta(days=1))
    assert len(review_everyone().revoked) == 1
    credential.refresh_from_db()
    assert credential.revoke_reason == "A workshop certificate it relied on is no longer valid."


def test_an_expired_credential_stays_expired_not_revoked(
    region, trainer, officer, track, utxo, mixers
):
    _valid_for_a_year(track)
    (certificate,) = _close(
        _past_workshop(region, trainer, "One", [utxo, mixers]), trainer, [officer]
    )
    credential = _track_credentials(officer).get()
    yesterday = timezone.now() - dt.timedelta(days=1)
    _expire(certificate, yesterday)
    _expire(credential, yesterday)
    result = review_everyone()
    assert (result.issued, result.revoked) == ([], [])
    credential.refresh_from_db()
    assert credential.revoked_at is None and credential.is_expired


def test_prerequisites_still_count_an_expired_certificate(region, trainer, officer, utxo):
    advanced = ModuleFactory(title="Advanced tracing", track=TrackFactory(slug="advanced"))
    publish_directly(advanced, prerequisite_ids=[utxo.pk])
    (certificate,) = _close(_past_workshop(region, trainer, "One", [utxo]), trainer, [officer])
    _expire(certificate, timezone.now() - dt.timedelta(days=1))
    workshop = WorkshopFactory(title="Advanced", region=region)
    WorkshopModule.objects.create(workshop=workshop, revision=advanced.published_revision)
    assert completed_modules(officer) == {utxo.pk}
    assert missing_prerequisites(officer=officer, workshop=workshop) == []


# --- program access -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [User.Status.SUSPENDED, User.Status.REJECTED])
def test_officers_without_program_access_are_issued_nothing(
    region, trainer, officer, utxo, mixers, status
):
    _close(_past_workshop(region, trainer, "One", [utxo], ended_hours_ago=72), trainer, [officer])
    # A workshop they attended before the decision is closed after it.
    workshop = _past_workshop(region, trainer, "Two", [mixers])
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    attendance.record_marks(
        session_id=workshop.sessions.get().pk, by=trainer, marks={registration.pk: "present"}
    )
    User.objects.filter(pk=officer.pk).update(status=status)
    with after_commit():
        attendance.close_workshop(workshop_id=workshop.pk, by=trainer)
    assert Certificate.objects.of_workshops().filter(holder=officer).count() == 2
    assert not _track_credentials(officer).exists()
    assert review_everyone().issued == []


def test_issued_once_a_lapsed_vetting_is_renewed(region, trainer, officer, utxo, settings):
    (certificate,) = _close(
        _past_workshop(region, trainer, "One", [utxo]), trainer, [officer], commit=False
    )
    lapsed = timezone.now() - settings.VETTING_VALIDITY - dt.timedelta(days=1)
    User.objects.filter(pk=officer.pk).update(vetted_at=lapsed)
    assert review_after_certificate(certificate_id=certificate.pk).issued == []

    officer.refresh_from_db()
    with after_commit():
        reconfirm_agency_email(user_id=officer.pk, token=make_reconfirm_token(user=officer))
    assert _track_credentials(officer).get().is_valid


def test_a_reactivated_agency_has_its_holders_reviewed(
    region, trainer, coordinator, agency, officer, utxo, monkeypatch
):
    OfficerFactory(agency=agency)  # holds no certificate: nothing to review
    (certificate,) = _close(
        _past_workshop(region, trainer, "One", [utxo]), trainer, [officer], commit=False
    )
    suspend_agency(agency_id=agency.pk, by=coordinator, reason="Audit")
    officer.refresh_from_db()
    assert not officer.has_program_access
    assert review_after_certificate(certificate_id=certificate.pk).issued == []

    enqueued: list[int] = []
    monkeypatch.setattr(
        tasks.review_tracks_of_holder, "delay_on_commit", lambda pk: enqueued.append(pk)
    )
    reactivate_agency(agency_id=agency.pk, by=coordinator)
    assert enqueued == [officer.pk]
    tasks.review_tracks_of_holder(officer.pk)
    tasks.review_tracks_of_holder(officer.pk)
    assert _track_credentials(officer).count() == 1


# --- idempotency ----------------------------------------------------------------------------


def test_not_duplicated_when_a_workshop_is_closed_again(region, trainer, officer, utxo, mixers):
    workshop = _past_workshop(region, trainer, "One", [utxo, mixers])
    (certificate,) = _close(workshop, trainer, [officer])
    attendance.reopen_workshop(workshop_id=workshop.pk, by=trainer, reason="A late mark")
    with after_commit():
        attendance.close_workshop(workshop_id=workshop.pk, by=trainer)
    # And a review running twice (a retried task) changes nothing.
    tasks.review_tracks_after_certificate(certificate.pk)
    tasks.review_tracks_after_certificate(certificate.pk)
    assert _track_credentials(officer).count() == 1


def test_track_credentials_issued_are_not_reviewed_themselves(
    region, trainer, officer, utxo, monkeypatch
):
    enqueued = []
    monkeypatch.setattr(
        tasks.review_tracks_after_certificate, "delay_on_commit", lambda pk: enqueued.append(pk)
    )
    (certificate,) = _close(_past_workshop(region, trainer, "One", [utxo]), trainer, [officer])
    assert enqueued == [certificate.pk]
    review_after_certificate(certificate_id=certificate.pk)
    credential = _track_credentials(officer).get()
    assert enqueued == [certificate.pk]
    assert review_after_certificate(certificate_id=credential.pk).issued == []


def test_erased_officers_are_issued_nothing(region, trainer, officer, utxo):
    (certificate,) = _close(
        _past_workshop(region, trainer, "One", [utxo]), trainer, [officer], commit=False
    )
    officer.is_active = False
    officer.save()
    assert review_after_certificate(certificate_id=certificate.pk).issued == []


def test_the_command_backfills_everyone_and_is_idempotent(
    region, trainer, officer, other_agency_officer, utxo, mixers
):
    # Closed before track credentials existed: nothing reviewed yet.
    _close(
        _past_workshop(region, trainer, "One", [utxo], ended_hours_ago=72),
        trainer,
        [officer, other_agency_officer],
        commit=False,
    )
    _close(_past_workshop(region, trainer, "Two", [mixers]), trainer, [officer], commit=False)
    assert not _track_credentials().exists()

    out = StringIO()
    call_command("review_track_credentials", stdout=out)
    assert "1 track credentials issued, 0 revoked." in out.getvalue()
    assert list(_track_credentials().values_list("holder", flat=True)) == [officer.pk]

    out = StringIO()
    call_command("review_track_credentials", stdout=out)
    assert "0 track credentials issued, 0 revoked." in out.getvalue()
    assert _track_credentials().count() == 1


def test_the_command_revokes_what_a_lost_review_left_valid(region, trainer, officer, utxo, mixers):
    (first,) = _close(_past_workshop(region, trainer, "One", [utxo, mixers]), trainer, [officer])
    revoke_certificate(certificate=first, reason="Revoked, its review lost")
    out = StringIO()
    call_command("review_track_credentials", stdout=out)
    assert "0 track credentials issued, 1 revoked." in out.getvalue()
    assert not _track_credentials(officer).active().exists()


# --- cost -----------------------------------------------------------------------------------


def _review_queries(certificates) -> list[int]:
    counts = []
    for certificate in certificates:
        with CaptureQueriesContext(connection) as queries:
            review_after_certificate(certificate_id=certificate.pk)
        counts.append(len(queries.captured_queries))
    return counts


def test_closing_a_workshop_costs_a_fixed_number_of_queries_per_officer(
    region, trainer, agency, utxo, mixers, monkeypatch, django_assert_max_num_queries
):
    """The close itself runs no review query (each is a task after commit); each review costs
    the same few queries whatever the roster and the holder's history."""
    enqueued: list[int] = []
    monkeypatch.setattr(
        tasks.review_tracks_after_certificate, "delay_on_commit", lambda pk: enqueued.append(pk)
    )
    per_review: dict[int, set[int]] = {}
    for roster in (2, 8):
        officers = [OfficerFactory(agency=agency) for _ in range(roster)]
        # Half of them completed the track's other module earlier: they earn the credential.
        earlier = _past_workshop(region, trainer, f"Earlier {roster}", [utxo], ended_hours_ago=72)
        _close(earlier, trainer, officers[: roster // 2])
        workshop = _past_workshop(region, trainer, f"Roster of {roster}", [mixers])
        enqueued.clear()
        certificates = _close(workshop, trainer, officers, commit=False)
        assert sorted(enqueued) == sorted(c.pk for c in certificates)

        earning = [
            c for c in certificates if c.holder_id in {o.pk for o in officers[: roster // 2]}
        ]
        not_earning = [c for c in certificates if c not in earning]
        with django_assert_max_num_queries(8 * len(not_earning)):
            counts = _review_queries(not_earning)
        per_review[roster] = set(counts)
        issuing = _review_queries(earning)
        assert len(set(issuing)) == 1, issuing
        per_review[-roster] = set(issuing)
        assert _track_credentials().filter(holder__in=officers).count() == roster // 2
    assert per_review[2] == per_review[8] and len(per_review[2]) == 1
    assert per_review[-2] == per_review[-8]


def test_closing_thirty_officers_issues_thirty_credentials(region, trainer, agency, utxo):
    officers = [OfficerFactory(agency=agency) for _ in range(30)]
    _close(_past_workshop(region, trainer, "Big class", [utxo]), trainer, officers)
    assert _track_credentials().filter(holder__in=officers).count() == 30
    assert Registration.objects.filter(officer__in=officers).count() == 30
