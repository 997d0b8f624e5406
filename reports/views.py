from __future__ import annotations

from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from trainingsite.roles import role_required
from workshops.models import Workshop

from .exports import ExportFilter
from .figures import cached_program_figures, program_figures
from .follow_up import follow_up_figures, follow_up_sheet
from .forms import ExportForm, ReportForm
from .models import ExportJob
from .report_sheets import gain_columns, gain_rows, report_sheets
from .responses import XLSX_TYPE, export_filename, export_response, xlsx_response
from .services import record_export, unsign_download
from .tabular import iter_csv, write_xlsx_sheets


@role_required("coordinator")
def exports(request):
    form = ExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        kind, fmt = form.cleaned_data["kind"], form.cleaned_data["format"]
        return export_response(
            request,
            kind=kind,
            fmt=fmt,
            flt=form.export_filter(),
            stem=kind,
            queued_to=reverse("reports:exports"),
        )
    jobs = ExportJob.objects.filter(requested_by=request.user)[:10]
    return render(request, "reports/exports.html", {"form": form, "jobs": jobs})


@require_GET
@role_required("coordinator")
def workshop_export(request, pk: int, kind: str, fmt: str):
    workshop = get_object_or_404(Workshop.objects.editable_by(request.user), pk=pk)
    if kind not in ExportJob.Kind.values or fmt not in ExportJob.Format.values:
        raise Http404
    flt = ExportFilter(workshop_id=workshop.pk)
    return export_response(
        request,
        kind=kind,
        fmt=fmt,
        flt=flt,
        stem=f"{kind}-workshop-{workshop.pk}",
        queued_to=reverse("reports:exports"),
    )


@require_GET
@role_required("coordinator", "focal_point")
def download(request, token: str):
    try:
        job_id = unsign_download(token)
    except signing.SignatureExpired:
        return render(request, "reports/link_expired.html", status=410)
    except signing.BadSignature as exc:
        raise Http404 from exc
    # Only the user who asked for the export; anyone else gets a 404.
    job = get_object_or_404(
        ExportJob, pk=job_id, requested_by=request.user, status=ExportJob.Status.DONE
    )
    # Through the storage API, never a local path: a worker on another machine may have written
    # it to object storage.
    try:
        handle = default_storage.open(job.file_name, "rb") if job.file_name else None
    except FileNotFoundError:
        handle = None
    if handle is None:
        return render(request, "reports/link_expired.html", status=410)
    content_type = XLSX_TYPE if job.format == ExportJob.Format.XLSX else "text/csv; charset=utf-8"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=job.download_name,
        content_type=content_type,
    )


def _report_form(request) -> ReportForm:
    data = request.GET if request.GET else {"year": timezone.now().year}
    return ReportForm(data, user=request.user)


# Agencies shown on the report page before "Show all" (the XLSX always has all).
TOP_AGENCIES = 10


@require_GET
@role_required("coordinator")
def program_report(request):
    form = _report_form(request)
    figures = follow_up = None
    if form.is_valid():
        figures = cached_program_figures(request.user, **form.scope())
        follow_up = follow_up_figures(request.user, **form.scope())
    all_agencies = request.GET.get("agencies") == "all"
    query = request.GET.copy()
    query.pop("agencies", None)
    return render(
        request,
        "reports/program_report.html",
        {
            "form": form,
            "figures": figures,
            "follow_up": follow_up,
            "chart_data": figures and figures.chart_data(),
            "query": query.urlencode(),
            "agencies_shown": (
                figures.agencies if all_agencies else figures.agencies[:TOP_AGENCIES]
            )
            if figures
            else [],
        },
    )


def _report_filter(scope: dict) -> ExportFilter:
    return ExportFilter(
        region_ids=[scope["region_id"]] if scope["region_id"] else [],
        date_from=scope["start"].isoformat(),
        date_to=scope["end"].isoformat(),
        track_id=scope["track_id"],
    )


@require_GET
@role_required("coordinator")
def program_report_xlsx(request):
    form = _report_form(request)
    if not form.is_valid():
        return redirect("reports:program")
    scope = form.scope()
    start, end = scope["start"], scope["end"]
    # A download is computed afresh: a file carries no "as of" line.
    figures = program_figures(request.user, **scope)
    flt = _report_filter(scope)
    follow_up = follow_up_figures(request.user, **scope)
    record_export(
        user=request.user,
        kind="report",
        fmt="xlsx",
        flt=flt,
        rows=len(figures.workshops),
        queued=False,
    )
    return xlsx_response(
        lambda path: write_xlsx_sheets(path, [*report_sheets(figures), follow_up_sheet(follow_up)]),
        export_filename(f"program-report-{start}-{end}", "xlsx"),
    )


@require_GET
@role_required("coordinator")
def program_gain_csv(request):
    """The report's knowledge gain table as CSV: the XLSX's "Knowledge gain" sheet."""
    form = _report_form(request)
    if not form.is_valid():
        return redirect("reports:program")
    scope = form.scope()
    figures = program_figures(request.user, **scope)
    rows = gain_rows(figures.gain)
    record_export(
        user=request.user,
        kind="knowledge-gain",
        fmt="csv",
        flt=_report_filter(scope),
        rows=len(rows),
        queued=False,
    )
    response = StreamingHttpResponse(
        iter_csv(gain_columns(), rows), content_type="text/csv; charset=utf-8"
    )
    name = export_filename(f"knowledge-gain-{scope['start']}-{scope['end']}", "csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
