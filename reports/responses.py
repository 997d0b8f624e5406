"""Export downloads as HTTP responses: audited, streamed (CSV) or built in a temp file (XLSX),
or queued for a mailed link when large. Shared by every page that offers an export."""

from __future__ import annotations

import os
import tempfile

from django.contrib import messages
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .exports import Dataset, ExportFilter
from .models import ExportJob
from .services import build_dataset, is_large, record_export
from .tabular import iter_csv, write_xlsx
from .tasks import queue_export

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_filename(stem: str, fmt: str) -> str:
    return f"{stem}-{timezone.now():%Y%m%d-%H%M}.{fmt}"


def xlsx_response(write, filename: str) -> FileResponse:
    """Build the workbook in a temp file (constant memory), then stream that file."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        write(path)
        handle = open(path, "rb")  # FileResponse closes it
    finally:
        # Unlinked while open: the data stays readable until FileResponse closes the handle.
        os.unlink(path)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def dataset_response(dataset: Dataset, fmt: str, stem: str):
    if fmt == ExportJob.Format.XLSX:
        return xlsx_response(
            lambda path: write_xlsx(path, dataset.columns, dataset.rows, sheet=dataset.name),
            export_filename(stem, "xlsx"),
        )
    response = StreamingHttpResponse(
        iter_csv(dataset.columns, dataset.rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, "csv")}"'
    return response


def export_response(request, *, kind: str, fmt: str, flt: ExportFilter, stem: str, queued_to: str):
    """The export of `kind` in `fmt` for the signed-in user's scope, audited; a large one is
    queued (its link is mailed) and the user is sent to `queued_to`."""
    dataset = build_dataset(user=request.user, kind=kind, flt=flt)
    if is_large(dataset):
        queue_export(user=request.user, kind=kind, fmt=fmt, flt=flt, rows=dataset.count)
        messages.success(
            request,
            _(
                "This export has %(rows)s rows: it is being prepared and you will receive an "
                "e-mail with a download link."
            )
            % {"rows": dataset.count},
        )
        return HttpResponseRedirect(queued_to)
    record_export(user=request.user, kind=kind, fmt=fmt, flt=flt, rows=dataset.count, queued=False)
    return dataset_response(dataset, fmt, stem)
