"""Erasure and signed credentials: the signed copy names the holder, so it goes; what the
status list needs (the bit, now saying revoked) stays."""

import pytest
from django.urls import reverse

from credentials.models import Credential
from credentials.statuslist import revoked_indices
from privacy.services import erase_officer
from tests.credentials.issued import issue_track, issue_workshop_certificate
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def test_erasure_blanks_the_holders_signed_credentials_only(officer, coordinator, client):
    workshop = issue_workshop_certificate(officer)
    track = issue_track(officer)
    colleague = issue_workshop_certificate(OfficerFactory(agency=officer.agency), title="Other")
    before = {c.certificate_id: c for c in Credential.objects.all()}

    erase_officer(user_id=officer.pk, by=coordinator, reason="Request by letter")

    for certificate in (workshop, track):
        held = Credential.objects.get(certificate=certificate)
        assert held.jwt == ""
        assert held.status_index == before[certificate.pk].status_index
        assert held.key_id == before[certificate.pk].key_id
        assert held.status_index in revoked_indices()
    kept = Credential.objects.get(certificate=colleague)
    assert kept.jwt == before[colleague.pk].jwt != ""
    assert kept.status_index not in revoked_indices()
    assert "Officer Alice" not in client.get(reverse("credentials:status_list")).content.decode()


def test_erasure_drops_the_holders_name_from_their_track_credentials(officer, coordinator):
    track = issue_track(officer)
    assert track.printed["officer_name"]

    erase_officer(user_id=officer.pk, by=coordinator, reason="Request by letter")

    track.refresh_from_db()
    assert "officer_name" not in track.printed and "agency" not in track.printed
    assert track.printed["track_name"]
