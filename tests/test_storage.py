"""Stored files go through the storage API only, so app servers keep no state on local disk:
object storage (MEDIA_STORAGE=s3) is configured from the environment, and every file path of
the site (materials upload/download/stamping/delete, async exports, privacy archives) works on a
storage that has no local paths at all."""

import io
import json
import os
import zipfile

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import PDF_BYTES, MaterialFactory, ModuleFactory, publish_directly
from tests.test_settings import _run
from workshops.models import Material


class NoLocalPathStorage(InMemoryStorage):
    """Like object storage: files exist only behind the storage API, and asking for a file's
    local path (what S3Storage cannot answer) fails the test."""

    def path(self, name):
        raise AssertionError(f"local path of a stored file asked for: {name}")

    # InMemoryStorage names its in-memory tree with path(); keep that internal use working.
    def _relative_path(self, name):
        return os.path.relpath(InMemoryStorage.path(self, name), self.location)


@pytest.fixture
def no_local_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.test_storage.NoLocalPathStorage"},
    }
    return default_storage


# --- settings -----------------------------------------------------------------------------------

STORAGE_DUMP = """
import json, django
django.setup()
from django.conf import settings as s
from django.core.files.storage import default_storage
default = s.STORAGES["default"]
try:
    default_storage.path("x")
    has_path = True
except NotImplementedError:
    has_path = False
print(json.dumps({"backend": default["BACKEND"], "options": default.get("OPTIONS", {}),
                  "class": type(default_storage._wrapped).__name__, "has_path": has_path}))
"""


def _storage_settings(**env):
    result = _run(["-c", STORAGE_DUMP], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_file_system_storage_by_default():
    s = _storage_settings()
    assert s["backend"] == "django.core.files.storage.FileSystemStorage"
    assert s["has_path"] is True


def test_s3_storage_from_the_environment():
    s = _storage_settings(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="training-media",
        AWS_S3_ENDPOINT_URL="https://objects.internal:9000",
        AWS_S3_REGION_NAME="eu-west-1",
        AWS_ACCESS_KEY_ID="key-id",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_S3_ADDRESSING_STYLE="path",
    )
    assert s["backend"] == "storages.backends.s3.S3Storage"
    assert s["class"] == "S3Storage"
    options = s["options"]
    assert options["bucket_name"] == "training-media"
    assert options["endpoint_url"] == "https://objects.internal:9000"
    assert options["region_name"] == "eu-west-1"
    assert (options["access_key"], options["secret_key"]) == ("key-id", "secret")
    assert options["addressing_style"] == "path"
    # Private objects; any URL the backend makes is signed and short-lived.
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True and options["querystring_expire"] == 300
    assert options["file_overwrite"] is False
    # What the rest of these tests guard against: object storage has no local paths.
    assert s["has_path"] is False


def test_s3_storage_needs_a_bucket_and_unknown_storage_is_refused():
    result = _run(["-c", STORAGE_DUMP], MEDIA_STORAGE="s3")
    assert result.returncode != 0 and "AWS_STORAGE_BUCKET_NAME" in result.stderr
    result = _run(["-c", STORAGE_DUMP], MEDIA_STORAGE="nfs")
    assert result.returncode != 0 and "MEDIA_STORAGE must be" in result.stderr


# --- materials ------------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_material_upload_download_and_delete_without_local_paths(
    no_local_storage, client_for, trainer, officer, django_capture_on_commit_callbacks
):
    module = ModuleFactory(authors=[trainer])
    response = client_for(trainer).post(
        reverse("workshops:material_upload", args=[module.pk]),
        {"title": "", "kind": "handout", "file": SimpleUploadedFile("case.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    material = Material.objects.get()
    assert isinstance(material.file.storage._wrapped, NoLocalPathStorage)
    assert no_local_storage.exists(material.file.name)
    publish_directly(module)

    client = client_for(officer)
    response = client.get(reverse("workshops:material_download", args=[material.pk]))
    response = client.get(response.url)  # the short-lived, user-bound link
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") and body != PDF_BYTES  # stamped from the stored bytes

    with django_capture_on_commit_callbacks(execute=True):
        client_for(trainer).post(reverse("workshops:material_delete", args=[material.pk]))
    assert not no_local_storage.exists(material.file.name)


def test_material_missing_from_storage_is_404(no_local_storage, client_for, officer):
    module = ModuleFactory()
    publish_directly(module)
    material = MaterialFactory(module=module)
    no_local_storage.delete(material.file.name)
    client = client_for(officer)
    response = client.get(reverse("workshops:material_download", args=[material.pk]))
    assert client.get(response.url).status_code == 404


def test_privacy_archive_needs_no_local_files(no_local_storage, client_for, officer):
    response = client_for(officer).post(reverse("my_data_download"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "data.json" in archive.namelist()
