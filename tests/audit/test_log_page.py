"""The audit log page and its export: names and links, filters, pages, the query bound, and an
erased officer never shown by name."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import record_audit
from tests.factories import AgencyFactory, OfficerFactory, RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

LOG = reverse("audit:log")
EXPORT = reverse("audit:export")


def _at(entry: AuditEntry, when: dt.datetime) -> AuditEntry:
    # Entries refuse save(); the test moves one back in time the way erasure rewrites them.
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=when)
    return AuditEntry.objects.get(pk=entry.pk)


def _mixed_entries(n: int, coordinator) -> None:
    """n entries of each kind of target the page names."""
    for _i in range(n):
        workshop = WorkshopFactory()
        reg = RegistrationFactory(workshop=workshop)
        record_audit(actor=coordinator, action="workshop.published", summary="x", target=workshop)
        record_audit(actor=coordinator, action="registration.approved", summary="x", target=reg)
        record_audit(actor=reg.officer, action="privacy.export", summary="x", target=reg.officer)
        record_audit(
            actor=coordinator, action="agency.suspended", summary="x", target=AgencyFactory()
        )


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_log_names_and_links_people_and_rows(client_for, program_admin, coordinator):
    workshop = WorkshopFactory(title="Tracing mixers")
    reg = RegistrationFactory(workshop=workshop, officer=OfficerFactory(full_name="Ana Ruiz"))
    record_audit(actor=coordinator, action="workshop.published", summary="W #1", target=workshop)
    record_audit(
        actor=coordinator,
        action="registration.declined",
        summary=f"Registration #{reg.pk} declined",
        target=reg,
        message="Full this time",
    )
    html = client_for(program_admin).get(LOG).content.decode()
    assert (
        f'href="{reverse("workshops:workshop_detail", args=[workshop.pk])}">Tracing mixers<' in html
    )
    assert f'href="{reverse("attendance:roster", args=[workshop.pk])}">Ana Ruiz at Tracing' in html
    assert f">{coordinator.full_name}</a>" in html
    assert "Workshop published" in html and "Registration declined" in html
    assert "Full this time" in html
    # Labels and names, not codes and row numbers.
    assert "<td>workshop.published</td>" not in html
    assert f"Registration #{reg.pk}" not in html


def test_a_deleted_target_and_an_action_without_one_still_read(
    client_for, program_admin, coordinator
):
    workshop = WorkshopFactory()
    record_audit(actor=coordinator, action="workshop.created", summary="x", target=workshop)
    workshop.delete()
    record_audit(actor=None, action="export.registrations.csv", summary="12 rows exported")
    html = client_for(program_admin).get(LOG).content.decode()
    assert "Workshop (deleted)" in html
    assert "Data exported (registrations, csv)" in html
    assert "12 rows exported" in html and "The system" in html


def test_the_page_queries_the_same_for_4_and_80_entries(client_for, program_admin, coordinator):
    client = client_for(program_admin)
    _mixed_entries(1, coordinator)
    client.get(LOG)  # session and caches warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(LOG).status_code == 200
    _mixed_entries(19, coordinator)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LOG).status_code == 200
    assert len(many) == len(few)


def test_the_page_stays_within_its_query_budget(
    client_for, program_admin, coordinator, django_assert_max_num_queries
):
    _mixed_entries(13, coordinator)  # 52 entries: a full first page and a second
    client = client_for(program_admin)
    client.get(LOG)
    with django_assert_max_num_queries(14):
        response = client.get(LOG, {"page": "2"})
    assert "Page 2 of 2" in response.content.decode()


def test_an_erased_officer_is_shown_as_erased_never_by_name(
    client_for, program_admin, coordinator, officer, region
):
    from privacy.services import erase_officer

    name, email = officer.full_name, officer.email
    reg = RegistrationFactory(workshop=WorkshopFactory(region=region), officer=officer)
    record_audit(actor=officer, action="privacy.export", summary="Export", target=officer)
    record_audit(actor=coordinator, action="registration.approved", summary="x", target=reg)
    erase_officer(user_id=officer.pk, by=coordinator, reason="Asked by the officer")

    client = client_for(program_admin)
    html = client.get(LOG).content.decode()
    assert "Erased officer" in html
    assert name not in html and email not in html
    exported = b"".join(client.get(EXPORT).streaming_content).decode()
    assert "Erased officer" in exported
    assert name not in exported and email not in exported
    # Their old name finds nothing.
    assert "Erased officer" not in client.get(LOG, {"actor": name}).content.decode()


def test_filters_by_actor_action_and_dates(client_for, program_admin, coordinator, trainer):
    now = timezone.now()
    old = _at(
        record_audit(actor=coordinator, action="vetting.approved", summary="Old approval"),
        now - dt.timedelta(days=40),
    )
    record_audit(actor=coordinator, action="vetting.approved", summary="New approval")
    record_audit(actor=trainer, action="attendance.marked", summary="Marks")
    client = client_for(program_admin)

    by_trainer = client.get(LOG, {"actor": trainer.full_name[:6]}).content.decode()
    assert "Marks" in by_trainer and "approval" not in by_trainer

    approvals = client.get(LOG, {"action": "vetting.approved"}).content.decode()
    assert "Old approval" in approvals and "New approval" in approvals and "Marks" not in approvals

    day = old.created_at.date()
    window = client.get(
        LOG, {"date_from": (day - dt.timedelta(days=1)).isoformat(), "date_to": day.isoformat()}
    ).content.decode()
    assert "Old approval" in window and "New approval" not in window
    since = client.get(LOG, {"date_from": (day + dt.timedelta(days=1)).isoformat()})
    assert "Old approval" not in since.content.decode()
    assert "New approval" in since.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"date_from": "2024-13-45"}, "Enter a valid date."),
        ({"date_from": "2025-03-02", "date_to": "2025-03-01"}, "The end date is before"),
        ({"action": "no.such.action"}, "Select a valid choice."),
        ({"actor": "a\x00b"}, "Null characters are not allowed."),
        ({"date_to": "99999-01-01"}, "Enter a valid date."),
    ],
)
def test_bad_filters_get_a_clear_message_not_an_error(
    client_for, program_admin, coordinator, query, message
):
    record_audit(actor=coordinator, action="vetting.approved", summary="Approval")
    client = client_for(program_admin)
    response = client.get(LOG, query)
    assert response.status_code == 200
    assert message in response.content.decode()
    # The export is not made under filters that could not be applied: the page says why.
    exported = client.get(EXPORT, query)
    assert exported.status_code == 302 and exported["Location"].startswith(LOG)
    assert not AuditEntry.objects.filter(action="audit.exported").exists()


def test_pages_keep_the_filters(client_for, program_admin, coordinator):
    for i in range(51):
        record_audit(actor=coordinator, action="vetting.approved", summary=f"A{i}")
    record_audit(actor=coordinator, action="outbox.retry", summary="Retry")
    client = client_for(program_admin)
    html = client.get(LOG, {"action": "vetting.approved"}).content.decode()
    assert "Page 1 of 2" in html
    assert "?action=vetting.approved&amp;page=2" in html
    assert client.get(LOG, {"page": "x\x00"}).status_code == 200
    assert client.get(LOG, {"page": "999999999999999999999"}).status_code == 200


def test_the_export_has_the_filters_names_and_zoned_times_and_is_audited(
    client_for, program_admin, coordinator
):
    workshop = WorkshopFactory(title="=HYPERLINK(1)")
    record_audit(actor=coordinator, action="workshop.published", summary="x", target=workshop)
    record_audit(actor=coordinator, action="vetting.approved", summary="Approval")
    response = client_for(program_admin).get(EXPORT, {"action": "workshop.published"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv(response)
    assert header[0] == "When (UTC)"
    assert len(rows) == 1
    when, who, label, code, target = rows[0][:5]
    assert dt.datetime.fromisoformat(when).utcoffset() == dt.timedelta(0)
    assert (who, label, code) == (coordinator.full_name, "Workshop published", "workshop.published")
    assert target == "'=HYPERLINK(1)"  # a spreadsheet does not run it
    entry = AuditEntry.objects.get(action="audit.exported")
    assert entry.actor == program_admin
    assert entry.data == {"filters": {"action": "workshop.published"}}


@pytest.mark.parametrize(
    "role", ["officer", "trainer", "coordinator", "focal_point", "pending_officer"]
)
def test_only_program_admins_export_the_log(client_for, request, role):
    response = client_for(request.getfixturevalue(role)).get(EXPORT)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url == reverse("access_status")
    assert not AuditEntry.objects.filter(action="audit.exported").exists()


def test_signed_out_visitors_are_sent_to_sign_in_for_the_export(client):
    response = client.get(EXPORT)
    assert response.status_code == 302 and reverse("account_login") in response.url
