"""An officer's API tokens and (a focal point's) webhook endpoints in their data export, and
gone with an erasure."""

import io
import json
import zipfile

import pytest

from api.models import ApiToken
from privacy.services import erase_officer, export_personal_data
from tests.api.conftest import token_for
from webhooks.models import Endpoint
from webhooks.services import create_endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def integrations(focal_point, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    secret = token_for(focal_point)
    endpoint, hook_secret = create_endpoint(
        owner=focal_point,
        url="http://127.0.0.1:9/in",
        description="Agency HR",
        event_types=["registration.changed"],
    )
    return secret, hook_secret


def _export(user) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(export_personal_data(user=user, by=user)))
    return json.loads(archive.read("data.json"))


def test_the_export_lists_tokens_and_endpoints_without_their_secrets(focal_point, integrations):
    secret, hook_secret = integrations
    data = _export(focal_point)
    assert [t["name"] for t in data["api_tokens"]] == ["tests"]
    assert [e["url"] for e in data["webhook_endpoints"]] == ["http://127.0.0.1:9/in"]
    text = json.dumps(data)
    assert secret not in text and hook_secret not in text


def test_an_erasure_removes_tokens_and_endpoints(focal_point, integrations):
    erase_officer(user_id=focal_point.pk, by=None, reason="Asked by the officer")
    assert not ApiToken.objects.filter(user=focal_point).exists()
    assert not Endpoint.objects.filter(owner=focal_point).exists()
