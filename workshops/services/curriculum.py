"""Curriculum writes: modules and their review workflow, revisions, tracks and materials."""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from attendees.models import User
from attendees.services import queue_work_mails
from audit.services import record_audit
from trainingsite.errors import ServiceError
from workshops.mails import PUBLISHED, RETURNED, SUBMITTED, module_review_mail
from workshops.models import Material, Module, ModuleRevision, Track
from workshops.models.curriculum import can_publish_modules, publisher_candidates
from workshops.wording import clean_wording

from .questions import freeze_question_bank


class CurriculumError(ServiceError):
    """A curriculum rule refused the action."""


class NotAllowed(CurriculumError):
    pass


class InvalidTransition(CurriculumError):
    pass


class PrerequisiteError(CurriculumError):
    pass


class MaterialRejected(CurriculumError):
    pass


# --- who may do what -------------------------------------------------------------------------


def can_edit_module(user, module: Module) -> bool:
    return Module.objects.editable_by(user).filter(pk=module.pk).exists()


def _locked_module(module_id: int) -> Module:
    return Module.objects.select_for_update().get(pk=module_id)


def _require_editor(user, module: Module) -> None:
    if not can_edit_module(user, module):
        raise NotAllowed(_("You may not change this module."))


def _require_publisher(user) -> None:
    if not can_publish_modules(user):
        raise NotAllowed(_("Only coordinators and trainers with publish rights may do this."))


def _require_coordinator(user) -> None:
    if not (user.is_authenticated and user.has_program_access and user.is_coordinator):
        raise NotAllowed(_("Only coordinators may do this."))


def _queue_review_mails(module: Module, *, event: str, by) -> None:
    """A submission waits for whoever may publish (`reviewable_by`); a decision is news for
    the module's authors."""
    if event == SUBMITTED:
        candidates, may_act = publisher_candidates(User.objects.all()), can_publish_modules
    else:
        candidates, may_act = User.objects.filter(authored_modules=module), None
    queue_work_mails(
        candidates=candidates,
        build=lambda member: module_review_mail(module=module, event=event, actor=by, to=member),
        kind="work",
        actor=by,
        may_act=may_act,
    )


# --- modules ---------------------------------------------------------------------------------

CONTENT_FIELDS = ("title", "track", "level", "language", "duration_minutes", "objectives", "body")


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:100] or "module"
    slug, n = base, 2
    others = Module.objects.exclude(pk=exclude_pk) if exclude_pk else Module.objects.all()
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_prerequisites(module: Module | None, prerequisites: Iterable[Module]) -> list[Module]:
    prerequisites = list(prerequisites)
    if module is None:
        return prerequisites
    ids = {m.pk for m in prerequisites}
    if module.pk in ids:
        raise PrerequisiteError(_("A module cannot be its own prerequisite."))
    # Walk what the chosen prerequisites themselves require: reaching this module is a cycle.
    seen: set[int] = set()
    frontier = ids
    while frontier:
        seen |= frontier
        next_ids = set(
            Module.prerequisites.through.objects.filter(from_module_id__in=frontier).values_list(
                "to_module_id", flat=True
            )
        )
        if module.pk in next_ids:
            raise PrerequisiteError(
                _(
                    "These prerequisites would make a cycle: "
                    "one of them already requires this module."
                )
            )
        frontier = next_ids - seen
    return prerequisites


def _check_authors(authors: Iterable) -> list:
    authors = list(authors)
    if not authors:
        raise CurriculumError(_("A module needs at least one author."))
    if any(not a.is_trainer for a in authors):
        raise CurriculumError(_("Authors must be trainers."))
    return authors


@transaction.atomic
def create_module(
    *,
    by,
    title: str,
    track: Track,
    level: str,
    language: str,
    duration_minutes: int,
    objectives: str,
    body: str = "",
    slug: str = "",
    prerequisites: Iterable[Module] = (),
    authors: Iterable = (),
) -> Module:
    """Create a draft. A trainer is always one of its authors."""
    if not (by.is_authenticated and by.has_program_access and (by.is_trainer or by.is_coordinator)):
        raise NotAllowed(_("Only trainers and coordinators write modules."))
    authors = list(authors)
    if by.is_trainer and by not in authors:
        authors.append(by)
    authors = _check_authors(authors)
    module = Module.objects.create(
        title=title,
        slug=slug or _unique_slug(title),
        track=track,
        level=level,
        language=language,
        duration_minutes=duration_minutes,
        objectives=_normalise_objectives(objectives),
        body=body,
    )
    module.authors.set(authors)
    module.prerequisites.set(_check_prerequisites(module, prerequisites))
    return module


def _normalise_objectives(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@transaction.atomic
def update_module(
    *,
    module_id: int,
    by,
    title: str,
    track: Track,
    level: str,
    language: str,
    duration_minutes: int,
    objectives: str,
    body: str = "",
    slug: str = "",
    prerequisites: Iterable[Module] = (),
    authors: Iterable | None = None,
) -> Module:
    """Edit the working copy. Editing a published module leaves the published revision as is
    and puts the working copy back to draft until it is reviewed and published again."""
    module = _locked_module(module_id)
    _require_editor(by, module)
    if module.status == Module.Status.ARCHIVED:
        raise InvalidTransition(_("An archived module cannot be edited; unarchive it first."))
    if module.status == Module.Status.IN_REVIEW and not can_publish_modules(by):
        raise InvalidTransition(
            _("This module is in review; it can be edited again once it is sent back.")
        )
    prerequisites = _check_prerequisites(module, prerequisites)
    new_values = {
        "title": title,
        "track": track,
        "level": level,
        "language": language,
        "duration_minutes": duration_minutes,
        "objectives": _normalise_objectives(objectives),
        "body": body,
    }
    changed = any(getattr(module, f) != v for f, v in new_values.items())
    changed |= {m.pk for m in prerequisites} != set(
        module.prerequisites.values_list("pk", flat=True)
    )
    for field, value in new_values.items():
        setattr(module, field, value)
    module.slug = slug or module.slug
    if changed and module.status == Module.Status.PUBLISHED:
        module.status = Module.Status.DRAFT
    module.save()
    module.prerequisites.set(prerequisites)
    if authors is not None:
        if not by.is_coordinator and by not in list(authors):
            raise NotAllowed(_("You cannot remove yourself from the authors."))
        module.authors.set(_check_authors(authors))
    return module


@transaction.atomic
def submit_module_for_review(*, module_id: int, by) -> Module:
    """Draft → in review, by an author or a coordinator."""
    module = _locked_module(module_id)
    _require_editor(by, module)
    if module.status != Module.Status.DRAFT:
        raise InvalidTransition(_("Only a draft can be submitted for review."))
    if not module.objectives.strip():
        raise CurriculumError(_("Add at least one learning objective before submitting."))
    module.status = Module.Status.IN_REVIEW
    module.submitted_at = timezone.now()
    module.review_comment = ""
    module.save(update_fields=["status", "submitted_at", "review_comment", "updated_at"])
    _queue_review_mails(module, event=SUBMITTED, by=by)
    return module


@transaction.atomic
def publish_module(*, module_id: int, by) -> ModuleRevision:
    """In review → published: snapshot the working copy as the next immutable revision."""
    _require_publisher(by)
    module = _locked_module(module_id)
    if module.status != Module.Status.IN_REVIEW:
        raise InvalidTransition(_("Only a module in review can be published."))
    last = module.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    revision = ModuleRevision.objects.create(
        module=module,
        number=last + 1,
        track_id=module.track_id,
        title=module.title,
        level=module.level,
        language=module.language,
        duration_minutes=module.duration_minutes,
        objectives=module.objectives,
        body=module.body,
        prerequisite_ids=sorted(module.prerequisites.values_list("pk", flat=True)),
        published_by=by,
    )
    freeze_question_bank(module=module, revision=revision)
    module.published_revision = revision
    module.status = Module.Status.PUBLISHED
    module.reviewed_by = by
    module.review_comment = ""
    module.save(
        update_fields=[
            "published_revision",
            "status",
            "reviewed_by",
            "review_comment",
            "updated_at",
        ]
    )
    _queue_review_mails(module, event=PUBLISHED, by=by)
    record_audit(
        actor=by,
        action="module.published",
        summary=f"Module #{module.pk} published as revision {revision.number}",
        target=module,
        revision=revision.number,
    )
    return revision


@transaction.atomic
def return_module_to_draft(*, module_id: int, by, comment: str) -> Module:
    """In review → draft with the publisher's comment for the authors."""
    _require_publisher(by)
    if not comment.strip():
        raise CurriculumError(_("Say what needs changing: a comment is required."))
    module = _locked_module(module_id)
    if module.status != Module.Status.IN_REVIEW:
        raise InvalidTransition(_("Only a module in review can be sent back."))
    module.status = Module.Status.DRAFT
    module.review_comment = comment.strip()
    module.reviewed_by = by
    module.save(update_fields=["status", "review_comment", "reviewed_by", "updated_at"])
    _queue_review_mails(module, event=RETURNED, by=by)
    return module


@transaction.atomic
def archive_module(*, module_id: int, by) -> Module:
    """Any state → archived, by a coordinator. Revisions stay readable to staff and workshops
    keep citing them; officers no longer see the module in the library."""
    _require_coordinator(by)
    module = _locked_module(module_id)
    if module.status == Module.Status.ARCHIVED:
        raise InvalidTransition(_("This module is already archived."))
    module.status = Module.Status.ARCHIVED
    module.save(update_fields=["status", "updated_at"])
    record_audit(
        actor=by, action="module.archived", summary=f"Module #{module.pk} archived", target=module
    )
    return module


@transaction.atomic
def unarchive_module(*, module_id: int, by) -> Module:
    """Archived → published (if it ever was) or draft, by a coordinator."""
    _require_coordinator(by)
    module = _locked_module(module_id)
    if module.status != Module.Status.ARCHIVED:
        raise InvalidTransition(_("Only an archived module can be unarchived."))
    module.status = Module.Status.PUBLISHED if module.published_revision_id else Module.Status.DRAFT
    module.save(update_fields=["status", "updated_at"])
    record_audit(
        actor=by,
        action="module.unarchived",
        summary=f"Module #{module.pk} unarchived",
        target=module,
    )
    return module


# --- tracks ----------------------------------------------------------------------------------

# Ten years: beyond that a validity is a typing slip, not a policy.
MAX_VALIDITY_MONTHS = 120


def _track_wording(wording: Mapping[str, str] | None) -> dict[str, str]:
    try:
        return clean_wording(wording or {})
    except ValidationError as err:
        raise CurriculumError(" ".join(err.messages)) from None


def _track_validity(months: int | None) -> int | None:
    if months is not None and not 1 <= months <= MAX_VALIDITY_MONTHS:
        raise CurriculumError(
            _("Certificates stay valid between 1 and %(max)d months, or leave it empty.")
            % {"max": MAX_VALIDITY_MONTHS}
        )
    return months


@transaction.atomic
def create_track(
    *,
    by,
    name: str,
    description: str = "",
    position: int = 0,
    validity_months: int | None = None,
    certificate_wording: Mapping[str, str] | None = None,
) -> Track:
    """A new track; `certificate_wording` is {language code: sentence} (workshops/wording.py)."""
    _require_coordinator(by)
    name = name.strip()
    if Track.objects.filter(name__iexact=name).exists():
        raise CurriculumError(_("A track with this name already exists."))
    wording = _track_wording(certificate_wording)
    validity_months = _track_validity(validity_months)
    base = slugify(name)[:45] or "track"
    slug, n = base, 2
    while Track.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Track.objects.create(
        name=name,
        slug=slug,
        description=description,
        position=position,
        validity_months=validity_months,
        certificate_wording=wording,
    )


@transaction.atomic
def update_track(
    *,
    track_id: int,
    by,
    name: str,
    description: str = "",
    position: int = 0,
    validity_months: int | None = None,
    certificate_wording: Mapping[str, str] | None = None,
) -> Track:
    """Save a track's fields; the validity applies to certificates issued from now on."""
    _require_coordinator(by)
    track = Track.objects.select_for_update().get(pk=track_id)
    name = name.strip()
    if Track.objects.filter(name__iexact=name).exclude(pk=track.pk).exists():
        raise CurriculumError(_("A track with this name already exists."))
    track.name, track.description, track.position = name, description, position
    track.validity_months = _track_validity(validity_months)
    track.certificate_wording = _track_wording(certificate_wording)
    track.save()
    return track


# --- materials -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    content_type: str
    signatures: tuple[bytes, ...]  # empty: a text file, checked by decoding
    zip_member: str = ""  # an OOXML file is a ZIP that must hold this entry


ALLOWED_TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", (b"%PDF-",)),
    "pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
        "ppt/",
    ),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
        "word/",
    ),
    "xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
        "xl/",
    ),
    "zip": FileType("application/zip", (b"PK\x03\x04", b"PK\x05\x06")),
    "png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "txt": FileType("text/plain", ()),
    "csv": FileType("text/csv", ()),
}


def material_max_bytes() -> int:
    return settings.CURRICULUM_MATERIAL_MAX_BYTES


def safe_filename(name: str) -> str:
    """The user's filename reduced to a harmless basename for Content-Disposition."""
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")))
    name = re.sub(r"[\x00-\x1f\x7f\"';]", "", name).strip(" .")
    return name[:150] or "download"


def validate_material_file(upload) -> str:
    """Check size, extension and the leading bytes; return the content type to serve."""
    if upload.size > material_max_bytes():
        raise MaterialRejected(
            _("The file is too large: the limit is %(mb)d MB.")
            % {"mb": material_max_bytes() // (1024 * 1024)}
        )
    if upload.size == 0:
        raise MaterialRejected(_("The file is empty."))
    ext = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    filetype = ALLOWED_TYPES.get(ext)
    if filetype is None:
        raise MaterialRejected(
            _(
                "This file type is not allowed. "
                "Upload PDF, PPTX, DOCX, XLSX, ZIP, PNG, JPG, TXT or CSV."
            )
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if filetype.signatures:
        if not any(head.startswith(sig) for sig in filetype.signatures):
            raise MaterialRejected(
                _("The file content does not match its .%(ext)s extension.") % {"ext": ext}
            )
        if filetype.zip_member:
            try:
                with zipfile.ZipFile(upload) as archive:
                    names = archive.namelist()
            except zipfile.BadZipFile:
                names = []
            finally:
                upload.seek(0)
            if not any(n.startswith(filetype.zip_member) for n in names):
                raise MaterialRejected(
                    _("The file content does not match its .%(ext)s extension.") % {"ext": ext}
                )
    else:
        try:
            if b"\x00" in head:
                raise UnicodeDecodeError("utf-8", head, 0, 1, "NUL byte")
            head.decode("utf-8")
        except UnicodeDecodeError as err:
            # A multi-byte character cut at the 8 KB boundary is fine; anything else is not text.
            if err.start < len(head) - 4:
                raise MaterialRejected(
                    _("A .%(ext)s file must be UTF-8 text.") % {"ext": ext}
                ) from None
    return filetype.content_type


@transaction.atomic
def add_material(
    *, module_id: int, by, title: str, kind: str, upload, attendees_only: bool = False
) -> Material:
    module = _locked_module(module_id)
    _require_editor(by, module)
    if module.status == Module.Status.ARCHIVED:
        raise InvalidTransition(_("An archived module cannot get new materials."))
    content_type = validate_material_file(upload)
    if module.status == Module.Status.PUBLISHED:
        # A new material is a change like any other: it is released with the next publish.
        module.status = Module.Status.DRAFT
        module.save(update_fields=["status", "updated_at"])
    original = safe_filename(upload.name)
    material = Material(
        module=module,
        title=title or original,
        kind=kind,
        original_name=original,
        content_type=content_type,
        size=upload.size,
        attendees_only=attendees_only,
        uploaded_by=by,
    )
    material.file.save(original, upload, save=False)
    try:
        material.save()
    except Exception:
        # No row, no file: an orphan upload would sit on disk unaccounted for.
        if material.file.name:
            material.file.storage.delete(material.file.name)
        raise
    return material


@transaction.atomic
def delete_material(*, material_id: int, by) -> None:
    material = Material.objects.select_related("module").get(pk=material_id)
    _require_editor(by, material.module)
    storage, name = material.file.storage, material.file.name
    record_audit(
        actor=by,
        action="material.deleted",
        summary=f"Material {material.original_name!r} deleted from module #{material.module_id}",
        target=material.module,
        material=material.original_name[:200],
    )
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
