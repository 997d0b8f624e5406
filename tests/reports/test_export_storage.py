"""Large exports are written by a worker and downloaded from an app server: only through the
storage API (a storage without local paths here), never MEDIA_ROOT."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import ExportJob
from reports.services import sign_download
from reports.tasks import build_export, purge_exports
from tests.test_storage import NoLocalPathStorage, no_local_storage  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_async_export_stored_downloaded_and_purged_without_local_paths(
    no_local_storage,  # noqa: F811
    client_for,
    coordinator,
    program,
):
    job = ExportJob.objects.create(requested_by=coordinator, kind="attendance", format="csv")
    assert build_export(str(job.pk)) is True
    job.refresh_from_db()
    assert isinstance(no_local_storage._wrapped, NoLocalPathStorage)
    assert job.file_name.startswith("exports/") and no_local_storage.exists(job.file_name)
    with no_local_storage.open(job.file_name, "rb") as fh:
        stored = fh.read()
    assert stored.count(b"\n") == job.row_count + 1

    client = client_for(coordinator)
    url = reverse("reports:download", args=[sign_download(job)])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored

    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=2))
    assert purge_exports() == 1
    assert not no_local_storage.exists(job.file_name)
    assert client.get(url).status_code == 410
