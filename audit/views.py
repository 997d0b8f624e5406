import csv
from collections.abc import Iterable, Iterator
from itertools import islice

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trainingsite.roles import role_required

from .forms import AuditFilterForm
from .models import AuditEntry
from .services import record_log_export
from .targets import describe

PAGE_SIZE = 50
# Rows whose targets are looked up together while the export streams.
EXPORT_BATCH = 500
# A spreadsheet runs a cell starting with one of these as a formula (OWASP's advice).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _filters(request) -> tuple[AuditFilterForm, str]:
    form = AuditFilterForm(request.GET or None)
    kept = request.GET.copy()
    kept.pop("page", None)
    return form, kept.urlencode()


@role_required("program_admin")
def audit_log(request):
    form, query_string = _filters(request)
    entries = form.filter(AuditEntry.objects.select_related("actor"))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": describe(page.object_list),
            "query_string": query_string,
            "zone": timezone.get_current_timezone_name(),
        },
    )


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _csv_lines(entries, language: str) -> Iterator[str]:
    # Streamed after the view has returned: the reader's language is set again here.
    with translation.override(language):
        yield from _csv_rows(entries)


def _csv_rows(entries) -> Iterator[str]:
    writer = csv.writer(_Echo())
    zone = timezone.get_current_timezone()
    header = [
        _("When (%(zone)s)") % {"zone": timezone.get_current_timezone_name()},
        _("Who"),
        _("Action"),
        _("Action code"),
        _("Target"),
        _("Target type"),
        _("Target id"),
        _("Details"),
        _("Summary"),
    ]
    yield "\ufeff" + writer.writerow(header)
    for batch in _batches(entries.iterator(chunk_size=EXPORT_BATCH), EXPORT_BATCH):
        for row in describe(batch):
            entry = row.entry
            details = "; ".join(f"{label}: {text}" for label, text in row.details)
            cells = [
                entry.created_at.astimezone(zone).isoformat(timespec="seconds"),
                row.actor.text,
                row.action,
                entry.action,
                row.target.text if row.target else "",
                entry.target_type,
                entry.target_id,
                details,
                entry.summary,
            ]
            yield writer.writerow([_cell(str(cell)) for cell in cells])


@role_required("program_admin")
def audit_export(request):
    form, query_string = _filters(request)
    entries = form.filter(AuditEntry.objects.select_related("actor"))
    if form.is_bound and form.errors:
        # The page says what is wrong; nothing is exported under filters that were not met.
        return redirect(f"{reverse('audit:log')}?{query_string}")
    filters = form.cleaned_data if form.is_bound else {}
    record_log_export(
        user=request.user,
        filters={name: str(value) for name, value in filters.items() if value},
        fmt="csv",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        _csv_lines(entries, translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
