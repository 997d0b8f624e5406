"""The mail that brings a track credential names the track, not an empty workshop."""

import pytest

from outbox.models import Mail
from tests.credentials.issued import issue_track
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def test_the_track_credential_mail_names_the_track_and_attaches_the_pdf():
    officer = OfficerFactory(language="en")
    certificate = issue_track(officer)
    row = Mail.objects.get(topic=f"certificate:{certificate.pk}")
    assert row.subject == "Your track credential: Blockchain forensics"
    text = row.content["body"]
    assert "every module of the track “Blockchain forensics”" in text
    assert "“”" not in text and "feedback form" not in text
    assert certificate.number in text
