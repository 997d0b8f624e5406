import csv
import io
import time

import openpyxl
import pytest
from django.core import mail, signing
from django.urls import reverse

from audit.models import AuditEntry
from reports.models import ExportJob
from tests.commit import after_commit
from tests.factories import OfficerFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

EXPORTS = reverse("reports:exports")
REPORT = reverse("reports:program")
REPORT_XLSX = reverse("reports:program_xlsx")


def _post(client, **data):
    return client.post(EXPORTS, {"kind": "attendance", "format": "csv", **data})


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _file_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "url",
    [EXPORTS, REPORT, REPORT_XLSX],
)
@pytest.mark.parametrize("role", ["officer", "trainer", "focal_point"])
def test_non_coordinators_get_403(request, client_for, url, role):
    user = request.getfixturevalue(role)
    assert client_for(user).get(url).status_code == 403


@pytest.mark.parametrize("url", [EXPORTS, REPORT])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_officer_cannot_post_an_export(client_for, officer, program):
    assert _post(client_for(officer)).status_code == 403
    assert not AuditEntry.objects.exists()


def test_coordinator_sees_only_own_regions_in_the_form(client_for, coordinator, region, program):
    response = client_for(coordinator).get(EXPORTS)
    assert response.status_code == 200
    choices = [c[1] for c in response.context["form"].fields["region"].choices]
    assert "Asia-Pacific" in choices and "Europe" not in choices


def test_forged_region_is_a_form_error(client_for, coordinator, other_region, program):
    response = _post(client_for(coordinator), region=other_region.pk)
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not AuditEntry.objects.exists()


def test_coordinator_csv_export_is_scoped_and_audited(client_for, coordinator, program):
    response = _post(client_for(coordinator), date_from="2026-01-01")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert {r[4] for r in rows[1:]} == {"Asia-Pacific"}
    assert "Eve Europe" not in {r[8] for r in rows[1:]}
    entry = AuditEntry.objects.get()
    assert entry.action == "export.attendance.csv"
    assert entry.actor == coordinator
    assert entry.data["rows"] == len(rows) - 1 == 10
    assert entry.data["filters"] == {"date_from": "2026-01-01"}
    assert entry.data["queued"] is False


def test_program_admin_exports_every_region(client_for, program_admin, program):
    rows = _csv_rows(_post(client_for(program_admin)))
    assert {r[4] for r in rows[1:]} == {"Asia-Pacific", "Europe"}


def test_registrations_xlsx_export_through_the_view(client_for, coordinator, program):
    response = _post(client_for(coordinator), kind="registrations", format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(_file_bytes(response))).active
    assert ws["A1"].value == "Workshop"
    assert ws.freeze_panes == "A2"
    assert AuditEntry.objects.get().action == "export.registrations.xlsx"


def test_workshop_export_outside_regions_is_404(client_for, coordinator, program):
    url = reverse("reports:workshop_export", args=[program.w3.pk, "attendance", "csv"])
    assert client_for(coordinator).get(url).status_code == 404
    assert not AuditEntry.objects.exists()


def test_workshop_export_unknown_kind_is_404(client_for, coordinator, program):
    url = reverse("reports:workshop_export", args=[program.w1.pk, "secrets", "csv"])
    assert client_for(coordinator).get(url).status_code == 404


def test_workshop_export_has_session_columns_and_audit_target(client_for, coordinator, program):
    url = reverse("reports:workshop_export", args=[program.w1.pk, "attendance", "xlsx"])
    response = client_for(coordinator).get(url)
    ws = openpyxl.load_workbook(io.BytesIO(_file_bytes(response))).active
    assert ws.cell(1, 14).value == "Session 1 (2026-03-10 09:00 Asia/Singapore)"
    assert ws.max_row == 4
    entry = AuditEntry.objects.get()
    assert (entry.target_type, entry.target_id) == ("workshops.workshop", str(program.w1.pk))


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","y")', "+1", "-1", "@x", "\tTab", "\rCR"])
def test_formula_injection_neutralised_end_to_end(client_for, coordinator, program, agency, name):
    officer = OfficerFactory(agency=agency, full_name=name, rank=name)
    RegistrationFactory(workshop=program.w1, officer=officer)
    client = client_for(coordinator)
    url = reverse("reports:workshop_export", args=[program.w1.pk, "attendance", "csv"])
    rows = _csv_rows(client.get(url))
    cells = [r[8] for r in rows[1:]]
    assert "'" + name in cells
    assert name not in cells

    url = reverse("reports:workshop_export", args=[program.w1.pk, "attendance", "xlsx"])
    ws = openpyxl.load_workbook(io.BytesIO(_file_bytes(client.get(url)))).active
    officer_cells = [c for c in ws["I"][1:]]
    match = [c for c in officer_cells if (c.value or "").replace("_x000D_", "\r") == name]
    assert len(match) == 1
    assert match[0].data_type == "s"  # a string, never a formula


def test_large_export_is_queued_and_emailed_to_the_requester_only(
    client_for,
    coordinator,
    other_coordinator,
    program,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.REPORTS_ASYNC_EXPORT_ROWS = 3
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, format="xlsx")
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    assert job.row_count == 10
    assert job.file_name.startswith("exports/") and job.file_name.endswith(".xlsx")
    assert AuditEntry.objects.get().data["queued"] is True
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [coordinator.email]
    link = next(w for w in mail.outbox[0].body.split() if "/reports/exports/download/" in w)
    path = link[link.index("/reports/") :]

    response = client.get(path)
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(_file_bytes(response))).active
    assert ws.max_row == 11

    client.logout()
    assert client_for(other_coordinator).get(path).status_code == 404


def test_build_export_task_twice_sends_one_mail(coordinator, program, settings):
    from reports.tasks import build_export

    job = ExportJob.objects.create(requested_by=coordinator, kind="attendance", format="csv")
    with after_commit():
        assert build_export(str(job.pk)) is True
        assert build_export(str(job.pk)) is False
    assert len(mail.outbox) == 1
    job.refresh_from_db()
    assert job.row_count == 10


def test_queued_export_task_reapplies_the_requesters_scope(coordinator, program, settings):
    from reports.tasks import build_export

    job = ExportJob.objects.create(
        requested_by=coordinator,
        kind="attendance",
        format="csv",
        filters={"workshop_id": program.w3.pk},
    )
    build_export(str(job.pk))
    job.refresh_from_db()
    assert job.row_count == 0


def test_expired_link_shows_a_clear_message(client_for, coordinator, program, monkeypatch):
    from reports.services import sign_download
    from reports.tasks import build_export

    job = ExportJob.objects.create(requested_by=coordinator, kind="attendance", format="csv")
    build_export(str(job.pk))
    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() - 25 * 3600)
    token = sign_download(job)
    monkeypatch.setattr(signing.time, "time", real)
    response = client_for(coordinator).get(reverse("reports:download", args=[token]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_tampered_link_is_404(client_for, coordinator, program):
    from reports.services import sign_download

    job = ExportJob.objects.create(
        requested_by=coordinator, kind="attendance", format="csv", status="done"
    )
    token = sign_download(job)
    bad = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client_for(coordinator).get(reverse("reports:download", args=[bad])).status_code == 404


def test_report_page_renders_figures_and_chart_data(client_for, coordinator, program):
    response = client_for(coordinator).get(
        REPORT, {"date_from": "2026-01-01", "date_to": "2030-12-31"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="report-chart-data"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "<script>" not in html
    assert response.context["figures"].officers_trained == 6
    assert "Crypto basics Lisbon" not in html


def test_report_forged_region_is_a_form_error(client_for, coordinator, other_region, program):
    response = client_for(coordinator).get(REPORT, {"year": 2026, "region": other_region.pk})
    assert response.status_code == 200
    assert response.context["figures"] is None
    assert "region" in response.context["form"].errors


def test_report_bad_input_is_not_a_500(client_for, coordinator):
    client = client_for(coordinator)
    for params in ({"year": "abc"}, {"quarter": "9", "year": 2026}, {"date_from": "2026-01-01"}):
        assert client.get(REPORT, params).status_code == 200
        assert client.get(REPORT_XLSX, params).status_code == 302


def test_report_xlsx_has_one_sheet_per_table_and_is_audited(client_for, coordinator, program):
    response = client_for(coordinator).get(
        REPORT_XLSX, {"date_from": "2026-01-01", "date_to": "2030-12-31"}
    )
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(_file_bytes(response)))
    assert wb.sheetnames == [
        "Summary",
        "Regions",
        "Hours by track",
        "Workshops",
        "Top agencies",
        "By agency",
        "By country",
        "Knowledge gain",
        "Follow-up survey",
    ]
    tracks = {row[0]: row[1] for row in wb["Hours by track"].iter_rows(min_row=2, values_only=True)}
    assert tracks == {"Crypto fundamentals": 11, "Blockchain forensics": 7.5}
    agencies = list(wb["Top agencies"].iter_rows(min_row=2, values_only=True))
    assert agencies[0] == ("Agency A", "SG", 3, 5)
    assert AuditEntry.objects.get().action == "export.report.xlsx"


def test_report_query_count_same_for_1_and_many_workshops(
    client_for, coordinator, program, django_assert_max_num_queries
):
    client = client_for(coordinator)
    # Knowledge gain and the follow-up survey read one query each.
    with django_assert_max_num_queries(22):
        client.get(REPORT, {"year": 2026})


def test_purge_deletes_files_of_expired_exports_only(coordinator, program, settings):
    import datetime as dt

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from reports.tasks import build_export, purge_exports

    old = ExportJob.objects.create(requested_by=coordinator, kind="attendance", format="csv")
    new = ExportJob.objects.create(requested_by=coordinator, kind="attendance", format="csv")
    build_export(str(old.pk))
    build_export(str(new.pk))
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(hours=25))
    old_name = ExportJob.objects.get(pk=old.pk).file_name
    assert default_storage.exists(old_name)
    assert purge_exports() == 1
    assert not default_storage.exists(old_name)
    new.refresh_from_db()
    assert default_storage.exists(new.file_name)
    assert purge_exports() == 0


@pytest.mark.parametrize("form_url", [EXPORTS, REPORT])
def test_dates_at_the_calendars_end_are_a_form_error(client_for, coordinator, form_url):
    """The export's end date gets a day added (9999-12-31 overflowed: a 500, found by the
    fuzz): dates outside the calendar's usable range are refused on the form."""
    client = client_for(coordinator)
    data = {"date_from": "2027-01-15", "date_to": "9999-12-31"}
    if form_url == EXPORTS:
        response = _post(client, **data)
    else:
        response = client.get(form_url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert not ExportJob.objects.exists()
