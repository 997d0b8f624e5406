import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import (
    PDF_BYTES,
    MaterialFactory,
    ModuleFactory,
    ModuleRevisionFactory,
    RegistrationFactory,
    TrainerFactory,
    WorkshopFactory,
    publish_directly,
)
from tests.signin import sign_in
from workshops import services
from workshops.models import Material, Module, WorkshopModule

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(trainer):
    module = ModuleFactory(authors=[trainer])
    publish_directly(module)
    return module


@pytest.fixture
def draft(trainer):
    return ModuleFactory(authors=[trainer])


@pytest.fixture
def workshop_teaching(published):
    workshop = WorkshopFactory()
    WorkshopModule.objects.create(workshop=workshop, revision=published.published_revision)
    return workshop


def _download(client, material, **extra):
    # Pages link to a stable URL that redirects to a short-lived, user-bound one.
    response = client.get(reverse("workshops:material_download", args=[material.pk]), **extra)
    if response.status_code == 302 and "?t=" in response.url:
        response = client.get(response.url, **extra)
    return response


def _pdf_text(response) -> str:
    import io

    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return "".join(page.extract_text() for page in pdf.pages)


def _assert_refused(response):
    assert response.status_code in (302, 403, 404)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"%PDF" not in body


# --- who downloads what ----------------------------------------------------------------------


def test_verified_officer_downloads_a_published_module_material(client_for, officer, published):
    material = MaterialFactory(module=published, original_name='evil"\r\nX: y;.pdf')
    response = _download(client_for(officer), material)
    assert response.status_code == 200
    assert "Case file: restricted handout" in _pdf_text(response)
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "\r" not in response["Content-Disposition"] and '"X' not in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["pending_officer", "unconfirmed_officer", "suspended_officer"])
def test_officers_without_program_access_never_get_the_file(client_for, request, published, role):
    material = MaterialFactory(module=published)
    _assert_refused(_download(client_for(request.getfixturevalue(role)), material))


def test_anonymous_never_gets_the_file(client, published):
    _assert_refused(_download(client, MaterialFactory(module=published)))


@pytest.mark.parametrize("role", ["officer", "other_agency_officer", "focal_point"])
def test_draft_material_is_404_for_officers(client_for, request, draft, role):
    material = MaterialFactory(module=draft)
    response = _download(client_for(request.getfixturevalue(role)), material)
    assert response.status_code == 404
    _assert_refused(response)


def test_draft_material_is_404_for_non_author_trainer(client_for, draft):
    material = MaterialFactory(module=draft)
    _assert_refused(_download(client_for(TrainerFactory()), material))


@pytest.mark.parametrize("role", ["trainer", "coordinator", "other_coordinator", "program_admin"])
def test_draft_material_reaches_authors_and_coordinators(client_for, request, draft, role):
    material = MaterialFactory(module=draft)
    assert _download(client_for(request.getfixturevalue(role)), material).status_code == 200


def test_archived_module_material_is_hidden_from_officers(client_for, officer, published):
    material = MaterialFactory(module=published)
    Module.objects.filter(pk=published.pk).update(status=Module.Status.ARCHIVED)
    _assert_refused(_download(client_for(officer), material))


def test_attendees_only_material_reaches_confirmed_attendee(
    client_for, officer, published, workshop_teaching
):
    RegistrationFactory(workshop=workshop_teaching, officer=officer)
    material = MaterialFactory(module=published, attendees_only=True)
    assert _download(client_for(officer), material).status_code == 200


def test_attendees_only_counts_workshops_teaching_an_older_revision(
    client_for, officer, published, workshop_teaching
):
    RegistrationFactory(workshop=workshop_teaching, officer=officer)
    newer = ModuleRevisionFactory(module=published, number=2)
    Module.objects.filter(pk=published.pk).update(published_revision=newer)
    material = MaterialFactory(module=published, attendees_only=True)
    assert _download(client_for(officer), material).status_code == 200


@pytest.mark.parametrize("state", ["pending", "waitlisted", "cancelled", "nomination"])
def test_attendees_only_material_refused_without_confirmed_registration(
    client_for, officer, published, workshop_teaching, state
):
    RegistrationFactory(workshop=workshop_teaching, officer=officer, state=state)
    material = MaterialFactory(module=published, attendees_only=True)
    _assert_refused(_download(client_for(officer), material))


def test_attendees_only_refused_to_officer_of_other_agency_and_unrelated_workshop(
    client_for, officer, other_agency_officer, published, workshop_teaching
):
    RegistrationFactory(workshop=workshop_teaching, officer=officer)
    RegistrationFactory(workshop=WorkshopFactory(), officer=other_agency_officer)
    material = MaterialFactory(module=published, attendees_only=True)
    _assert_refused(_download(client_for(other_agency_officer), material))


def test_attendees_only_reaches_workshop_trainer_but_not_other_trainers(
    client_for, published, workshop_teaching
):
    workshop_trainer, other = TrainerFactory(), TrainerFactory()
    workshop_teaching.trainers.add(workshop_trainer)
    material = MaterialFactory(module=published, attendees_only=True)
    assert _download(client_for(workshop_trainer), material).status_code == 200
    _assert_refused(_download(client_for(other), material))


@pytest.mark.parametrize("role", ["trainer", "coordinator"])
def test_attendees_only_reaches_authors_and_coordinators(client_for, request, published, role):
    material = MaterialFactory(module=published, attendees_only=True)
    assert _download(client_for(request.getfixturevalue(role)), material).status_code == 200


def test_downloadable_by_is_one_queryset_rule(officer, published, workshop_teaching, draft):
    public = MaterialFactory(module=published)
    restricted = MaterialFactory(module=published, attendees_only=True)
    MaterialFactory(module=draft)
    assert set(Material.objects.downloadable_by(officer)) == {public}
    RegistrationFactory(workshop=workshop_teaching, officer=officer)
    assert set(Material.objects.downloadable_by(officer)) == {public, restricted}


def test_missing_file_on_disk_is_404_not_500(client_for, officer, published):
    material = MaterialFactory(module=published)
    material.file.storage.delete(material.file.name)
    assert _download(client_for(officer), material).status_code == 404


# --- uploads ---------------------------------------------------------------------------------


def _ooxml(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{kind}/document.xml", "<x/>")
    return buffer.getvalue()


def _upload(client, module, name, data, **extra):
    return client.post(
        reverse("workshops:material_upload", args=[module.pk]),
        {"title": "", "kind": "handout", "file": SimpleUploadedFile(name, data), **extra},
    )


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("slides.pdf", PDF_BYTES, "application/pdf"),
        ("deck.pptx", _ooxml("ppt"), "presentationml"),
        ("notes.docx", _ooxml("word"), "wordprocessingml"),
        ("sheet.xlsx", _ooxml("xl"), "spreadsheetml"),
        ("case.zip", _ooxml("any"), "application/zip"),
        ("graph.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "image/png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg"),
        ("addresses.csv", "address,amount\nbc1q…,0.5\n".encode(), "text/csv"),
        ("readme.txt", b"Plain notes", "text/plain"),
    ],
)
def test_author_uploads_allowed_types(client_for, trainer, draft, name, data, content_type):
    response = _upload(client_for(trainer), draft, name, data)
    assert response.status_code == 302
    material = Material.objects.get(module=draft)
    assert content_type in material.content_type
    assert material.original_name == name
    assert name not in material.file.name  # stored under a random name
    assert material.size == len(data)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "not allowed"),
        ("page.html", b"<script>alert(1)</script>", "not allowed"),
        ("fake.pdf", b"<html><script>alert(1)</script>", "does not match"),
        ("fake.png", PDF_BYTES, "does not match"),
        ("fake.docx", _ooxml("ppt"), "does not match"),
        ("fake.pptx", b"PK\x03\x04garbage", "does not match"),
        ("binary.txt", b"\x00\x01\x02\x03binary", "UTF-8"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_uploads_get_a_form_error(client_for, trainer, draft, name, data, message):
    response = _upload(client_for(trainer), draft, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Material.objects.exists()


def test_oversized_upload_gets_a_form_error(client_for, trainer, draft, settings):
    settings.CURRICULUM_MATERIAL_MAX_BYTES = 1024
    response = _upload(client_for(trainer), draft, "big.pdf", PDF_BYTES + b"x" * 2048)
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_service_rechecks_the_file_whatever_the_caller(trainer, draft):
    with pytest.raises(services.MaterialRejected):
        services.add_material(
            module_id=draft.pk,
            by=trainer,
            title="x",
            kind="handout",
            upload=SimpleUploadedFile("x.pdf", b"MZ not a pdf"),
        )


@pytest.mark.parametrize("role", ["officer", "other_agency_officer"])
def test_officers_cannot_upload(client_for, request, draft, role):
    response = _upload(client_for(request.getfixturevalue(role)), draft, "a.pdf", PDF_BYTES)
    assert response.status_code == 403
    assert not Material.objects.exists()


def test_non_author_trainer_gets_404_on_upload(client_for, draft):
    response = _upload(client_for(TrainerFactory()), draft, "a.pdf", PDF_BYTES)
    assert response.status_code == 404


def test_author_deletes_material_and_its_file(
    client_for, trainer, draft, django_capture_on_commit_callbacks
):
    material = MaterialFactory(module=draft)
    storage, name = material.file.storage, material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(trainer).post(
            reverse("workshops:material_delete", args=[material.pk])
        )
    assert response.status_code == 302
    assert not Material.objects.exists()
    assert not storage.exists(name)


def test_non_author_trainer_cannot_delete_material(client_for, draft):
    material = MaterialFactory(module=draft)
    response = client_for(TrainerFactory()).post(
        reverse("workshops:material_delete", args=[material.pk])
    )
    assert response.status_code == 404
    assert Material.objects.exists()


def test_material_uploaded_after_publishing_waits_for_the_next_publish(
    client_for, officer, trainer, coordinator, published
):
    upload = SimpleUploadedFile("new.pdf", PDF_BYTES)
    material = services.add_material(
        module_id=published.pk, by=trainer, title="New", kind="handout", upload=upload
    )
    _assert_refused(_download(client_for(officer), material))
    assert _download(client_for(trainer), material).status_code == 200
    services.submit_module_for_review(module_id=published.pk, by=trainer)
    services.publish_module(module_id=published.pk, by=coordinator)
    assert _download(client_for(officer), material).status_code == 200


# --- leak deterrence: download log (issue #9) ------------------------------------------------


def test_every_download_is_logged_with_user_and_ip(client_for, officer, published):
    from workshops.models import MaterialDownload

    material = MaterialFactory(module=published)
    client = client_for(officer)
    for _ in range(2):
        response = _download(client, material, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200
    rows = list(MaterialDownload.objects.filter(material=material))
    assert len(rows) == 2
    assert all(r.user == officer and r.ip_address == "203.0.113.7" for r in rows)


def test_refused_download_is_not_logged(client_for, other_agency_officer, draft):
    from workshops.models import MaterialDownload

    material = MaterialFactory(module=draft)
    _assert_refused(_download(client_for(other_agency_officer), material))
    assert not MaterialDownload.objects.exists()


# --- leak deterrence: stamped PDFs and short-lived user-bound URLs (issue #9) ------------------


def test_pdf_download_is_stamped_with_the_officer_and_agency(client_for, officer, published):
    material = MaterialFactory(module=published)
    response = _download(client_for(officer), material)
    assert response.status_code == 200
    text = _pdf_text(response)
    assert "Case file: restricted handout" in text
    assert officer.full_name in text
    assert officer.agency.name in text


def test_pdf_is_stamped_with_the_vetted_name_not_the_display_name(client_for, officer, published):
    from attendees.models import User

    User.objects.filter(pk=officer.pk).update(full_name="Director General Alice")
    material = MaterialFactory(module=published)
    text = _pdf_text(_download(client_for(officer), material))
    assert "Officer Alice" in text
    assert "Director General" not in text


def test_file_url_is_bound_to_the_user_and_short_lived(
    client_for, officer, other_agency_officer, published, client
):
    import time as time_module
    from unittest import mock

    from workshops import material_links

    material = MaterialFactory(module=published)
    url = reverse("workshops:material_download", args=[material.pk])
    first = client_for(officer).get(url)
    assert first.status_code == 302 and "?t=" in first.url
    # Another officer presenting this officer's URL gets a fresh URL of their own, not the file.
    sign_in(client, other_agency_officer)
    replay = client.get(first.url)
    assert replay.status_code == 302
    assert replay.url != first.url
    # After the lifetime the same URL no longer serves the file.
    sign_in(client, officer)
    later = time_module.time() + material_links.MAX_AGE_SECONDS + 5
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.get(first.url).status_code == 302
    assert client.get(first.url).status_code == 200
