"""Curriculum pages: the trainers' workspace, the review queue, tracks, and the library."""

from __future__ import annotations

import difflib
import io
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from pypdf.errors import PyPdfError as PdfError

from trainingsite import ratelimit
from trainingsite.errors import ServiceError
from trainingsite.roles import role_required
from workshops import material_links, services
from workshops.forms import MaterialForm, ModuleForm, ReviewCommentForm, TrackForm
from workshops.markdown import render_markdown
from workshops.models import Material, MaterialDownload, Module, ModuleRevision, Track, Workshop
from workshops.models.curriculum import can_publish_modules
from workshops.services.curriculum import safe_filename
from workshops.stamping import stamp_pdf
from workshops.views.preview import preview_html
from workshops.views.questions import (
    bank_changes,
    can_edit_bank,
    frozen_bank,
    may_read_banks,
    working_bank,
)

STAFF = ("trainer", "coordinator")


def _module_list_qs(qs):
    return qs.select_related("track", "published_revision").prefetch_related("authors")


# --- workspace -------------------------------------------------------------------------------


@role_required(*STAFF)
def module_list(request):
    """A trainer's own modules (all modules for coordinators), by workflow state."""
    status = request.GET.get("status", "")
    modules = _module_list_qs(Module.objects.editable_by(request.user))
    counts = dict(
        Module.objects.editable_by(request.user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    if status in Module.Status.values:
        modules = modules.filter(status=status)
    else:
        status = ""
    return render(
        request,
        "workshops/curriculum/module_list.html",
        {
            "modules": modules,
            "status": status,
            "statuses": [(v, label, counts.get(v, 0)) for v, label in Module.Status.choices],
            "total": sum(counts.values()),
            "can_publish": can_publish_modules(request.user),
        },
    )


@role_required("trainer", "coordinator")
def review_queue(request):
    if not can_publish_modules(request.user):
        raise PermissionDenied
    modules = (
        _module_list_qs(Module.objects.reviewable_by(request.user))
        .annotate(question_count=Count("questions", filter=Q(questions__revision__isnull=True)))
        .order_by("submitted_at", "pk")
    )
    return render(request, "workshops/curriculum/review_queue.html", {"modules": modules})


def _save_module_form(request, form, module=None):
    data = dict(form.cleaned_data)
    authors = list(data.pop("authors") or [])
    prerequisites = list(data.pop("prerequisites") or [])
    try:
        if module is None:
            return services.create_module(
                by=request.user, authors=authors, prerequisites=prerequisites, **data
            )
        return services.update_module(
            module_id=module.pk,
            by=request.user,
            authors=authors if request.user.is_coordinator or authors else None,
            prerequisites=prerequisites,
            **data,
        )
    except ServiceError as err:
        form.add_error(None, err.message)
        return None


def _module_form_preview(request, form, module):
    """The no-script Preview button: the form again, as typed, with the body rendered; nothing
    is saved."""
    return render(
        request,
        "workshops/curriculum/module_form.html",
        {
            "form": form,
            "module": module,
            "show_preview": True,
            "preview_html": preview_html(request.POST.get("body", "")),
        },
    )


@role_required(*STAFF)
def module_create(request):
    form = ModuleForm(request.POST or None, user=request.user)
    if "preview" in request.POST:
        return _module_form_preview(request, form, None)
    if request.method == "POST" and form.is_valid():
        module = _save_module_form(request, form)
        if module:
            messages.success(request, _("Draft saved."))
            return redirect("workshops:module_detail", pk=module.pk)
    return render(
        request,
        "workshops/curriculum/module_form.html",
        {"form": form, "module": None},
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
def module_edit(request, pk: int):
    module = get_object_or_404(Module.objects.editable_by(request.user), pk=pk)
    form = ModuleForm(request.POST or None, instance=module, user=request.user)
    if "preview" in request.POST:
        return _module_form_preview(request, form, module)
    if request.method == "POST" and form.is_valid():
        saved = _save_module_form(request, form, module)
        if saved:
            messages.success(request, _("Changes saved to the working copy."))
            return redirect("workshops:module_detail", pk=saved.pk)
    return render(
        request,
        "workshops/curriculum/module_form.html",
        {"form": form, "module": module},
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
def module_detail(request, pk: int):
    """The working copy with its workflow actions, materials and revision history."""
    module = get_object_or_404(
        Module.objects.manageable_by(request.user).select_related(
            "track", "published_revision", "reviewed_by"
        ),
        pk=pk,
    )
    user = request.user
    can_edit = services.can_edit_module(user, module)
    return render(
        request,
        "workshops/curriculum/module_detail.html",
        {
            "module": module,
            "body_html": render_markdown(module.body),
            "authors": module.authors.order_by("full_name"),
            "prerequisites": module.prerequisites.select_related("track"),
            "material_rows": [(m, True) for m in module.materials.all()],
            "revisions": module.revisions.select_related("published_by"),
            "can_edit": can_edit
            and module.status in (Module.Status.DRAFT, Module.Status.PUBLISHED),
            "can_submit": can_edit and module.status == Module.Status.DRAFT,
            "can_review": can_publish_modules(user) and module.status == Module.Status.IN_REVIEW,
            "can_archive": user.is_coordinator and module.status != Module.Status.ARCHIVED,
            "can_unarchive": user.is_coordinator and module.status == Module.Status.ARCHIVED,
            "can_add_material": can_edit and module.status != Module.Status.ARCHIVED,
            "review_form": ReviewCommentForm(),
            # Reviewers read the working bank here, with the module it belongs to.
            "bank": working_bank(module),
            "can_edit_bank": can_edit_bank(user, module, may_edit=can_edit),
        },
    )


# Lazy: built at import, shown in the language of the request.
TRANSITIONS = {
    "submit": (services.submit_module_for_review, gettext_lazy("Submitted for review.")),
    "publish": (services.publish_module, gettext_lazy("Published as a new revision.")),
    "archive": (services.archive_module, gettext_lazy("Module archived.")),
    "unarchive": (services.unarchive_module, gettext_lazy("Module restored from the archive.")),
}


@require_POST
@role_required(*STAFF)
def module_transition(request, pk: int, action: str):
    module = get_object_or_404(Module.objects.manageable_by(request.user), pk=pk)
    if action == "send-back":
        form = ReviewCommentForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say what needs changing: a comment is required."))
            return redirect("workshops:module_detail", pk=module.pk)
        service: Callable[..., object] = services.return_module_to_draft
        done = _("Sent back to the authors.")
        kwargs = {"comment": form.cleaned_data["comment"]}
    elif action in TRANSITIONS:
        (service, lazy_done), kwargs = TRANSITIONS[action], {}
        done = str(lazy_done)
    else:
        raise Http404
    try:
        service(module_id=module.pk, by=request.user, **kwargs)
    except services.NotAllowed:
        raise PermissionDenied from None
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, done)
    return redirect("workshops:module_detail", pk=module.pk)


# --- revisions -------------------------------------------------------------------------------


def _revision_text(revision: ModuleRevision) -> list[str]:
    lines = [
        f"# {revision.title}",
        f"{_('Level')}: {revision.get_level_display()}",
        f"{_('Duration')}: {revision.duration_minutes} min",
        "",
        f"## {_('Learning objectives')}",
        *[f"- {o}" for o in revision.objective_list],
        "",
        f"## {_('Content')}",
        *revision.body.splitlines(),
    ]
    return lines


def revision_detail(request, pk: int, number: int):
    revision = get_object_or_404(
        ModuleRevision.objects.visible_to(request.user).select_related(
            "module", "module__track", "published_by"
        ),
        # Through the module's pk, not `module_id`: Django turns an id beyond the column's
        # range into "no match" for a pk lookup, not for a foreign key (SQLite cannot bind it).
        module__pk=pk,
        number=number,
    )
    others = revision.module.revisions.exclude(pk=revision.pk).values_list("number", flat=True)
    return render(
        request,
        "workshops/curriculum/revision_detail.html",
        {
            "revision": revision,
            "module": revision.module,
            "body_html": render_markdown(revision.body),
            "other_numbers": list(others),
            "prerequisites": Module.objects.visible_to(request.user).filter(
                pk__in=revision.prerequisite_ids
            ),
            "show_bank": may_read_banks(request.user),
            "bank": frozen_bank(request.user, revision) if may_read_banks(request.user) else [],
        },
    )


def revision_diff(request, pk: int):
    module = get_object_or_404(Module.objects.visible_to(request.user), pk=pk)
    revisions = {r.number: r for r in module.revisions.all()}
    if len(revisions) < 2:
        raise Http404
    numbers = sorted(revisions)
    try:
        old_n = int(request.GET.get("from", numbers[-2]))
        new_n = int(request.GET.get("to", numbers[-1]))
    except ValueError:
        raise Http404 from None
    if old_n not in revisions or new_n not in revisions:
        raise Http404
    old, new = revisions[old_n], revisions[new_n]
    lines = []
    # Each line goes to the template as text, so it is escaped like any other value.
    for line in difflib.unified_diff(
        _revision_text(old), _revision_text(new), f"r{old_n}", f"r{new_n}", lineterm="", n=3
    ):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        lines.append((kind, line))
    return render(
        request,
        "workshops/curriculum/revision_diff.html",
        {
            "module": module,
            "old": old,
            "new": new,
            "numbers": numbers,
            "lines": lines,
            "show_bank": may_read_banks(request.user),
            "bank_changes": bank_changes(request.user, old, new)
            if may_read_banks(request.user)
            else None,
        },
    )


# --- materials -------------------------------------------------------------------------------


@role_required(*STAFF)
def material_upload(request, pk: int):
    module = get_object_or_404(Module.objects.editable_by(request.user), pk=pk)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_material(
                module_id=module.pk,
                by=request.user,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                attendees_only=form.cleaned_data["attendees_only"],
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Material uploaded."))
            return redirect("workshops:module_detail", pk=module.pk)
    return render(
        request,
        "workshops/curriculum/material_form.html",
        {"form": form, "module": module},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(*STAFF)
def material_delete(request, pk: int):
    material = get_object_or_404(
        Material.objects.filter(module__in=Module.objects.editable_by(request.user)), pk=pk
    )
    try:
        services.delete_material(material_id=material.pk, by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Material deleted."))
    return redirect("workshops:module_detail", pk=material.module_id)


def material_download(request, pk: int):
    """Stream a material to someone allowed to have it; everyone else gets a 404. The file is
    served only under a short-lived URL bound to the user (a stable link redirects to a fresh
    one), and PDFs are stamped on every page with who downloaded them and when."""
    material = get_object_or_404(Material.objects.downloadable_by(request.user), pk=pk)
    if not material_links.token_is_valid(request.GET.get("t"), material.pk, request.user.pk):
        token = material_links.make_token(material.pk, request.user.pk)
        return redirect(f"{request.path}?{urlencode({'t': token})}")
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    if material.content_type == "application/pdf":
        with handle:
            data = handle.read()
        try:
            data = stamp_pdf(data, material_links.stamp_text(request.user, timezone.now()))
        except PdfError:
            # A PDF the stamper cannot parse is withheld rather than sent unmarked.
            raise Http404 from None
        handle = io.BytesIO(data)
    # Leak deterrence: who fetched what, when, from where.
    MaterialDownload.objects.create(
        material=material, user=request.user, ip_address=ratelimit.client_ip(request)
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_filename(material.original_name),
        content_type=material.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- tracks ----------------------------------------------------------------------------------


@role_required("coordinator")
def track_list(request):
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_track(by=request.user, **form.cleaned_data)
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Track added."))
            return redirect("workshops:track_list")
    tracks = Track.objects.annotate(module_count=Count("modules")).order_by("position", "name")
    return render(
        request,
        "workshops/curriculum/track_list.html",
        {"form": form, "tracks": tracks},
        status=400 if form.errors else 200,
    )


@role_required("coordinator")
def track_edit(request, pk: int):
    track = get_object_or_404(Track.objects.all(), pk=pk)
    form = TrackForm(request.POST or None, instance=track)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_track(track_id=track.pk, by=request.user, **form.cleaned_data)
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Track saved."))
            return redirect("workshops:track_list")
    return render(
        request,
        "workshops/curriculum/track_form.html",
        {"form": form, "track": track},
        status=400 if form.errors else 200,
    )


# --- library (verified officers) -------------------------------------------------------------


def _upcoming_published_workshops(user):
    return Workshop.objects.visible_to(user).published().upcoming()


def library(request):
    """Published modules by track, with their objectives and how many workshops teach them."""
    now = timezone.now()
    modules = (
        Module.objects.visible_to(request.user)
        .live()
        .select_related("published_revision")
        .annotate(
            upcoming_count=Count(
                "revisions__workshop_uses__workshop",
                filter=Q(
                    revisions__workshop_uses__workshop__status=Workshop.Status.PUBLISHED,
                    revisions__workshop_uses__workshop__ends_at__gte=now,
                ),
                distinct=True,
            )
        )
        .order_by("published_revision__title")
    )
    track_slug = request.GET.get("track", "")
    tracks = Track.objects.prefetch_related(Prefetch("modules", modules, to_attr="live_modules"))
    if track_slug:
        # Only a slug can name a track; anything else (a NUL, say) must not reach the database.
        tracks = tracks.filter(slug=track_slug) if slug_re.fullmatch(track_slug) else tracks.none()
    tracks = [t for t in tracks if t.live_modules]
    return render(
        request,
        "workshops/curriculum/library.html",
        {
            "tracks": tracks,
            "all_tracks": Track.objects.all(),
            "track_slug": track_slug,
        },
    )


def library_module(request, slug: str):
    module = get_object_or_404(
        Module.objects.visible_to(request.user)
        .live()
        .select_related("track", "published_revision"),
        slug=slug,
    )
    revision = module.published_revision
    materials = list(module.materials.released())
    downloadable = set(
        Material.objects.downloadable_by(request.user)
        .filter(module=module)
        .values_list("pk", flat=True)
    )
    workshops = (
        _upcoming_published_workshops(request.user)
        .filter(workshop_modules__revision__module=module)
        .select_related("region")
        .distinct()
        .order_by("starts_at", "pk")[:20]
    )
    return render(
        request,
        "workshops/curriculum/library_module.html",
        {
            "module": module,
            "revision": revision,
            "body_html": render_markdown(revision.body),
            "prerequisites": Module.objects.visible_to(request.user)
            .live()
            .filter(pk__in=revision.prerequisite_ids)
            .select_related("published_revision"),
            "materials": [(m, m.pk in downloadable) for m in materials],
            "workshops": workshops,
            "revisions": list(module.revisions.only("pk", "number", "published_at", "module_id")),
            "can_manage": Module.objects.manageable_by(request.user).filter(pk=module.pk).exists(),
        },
    )
