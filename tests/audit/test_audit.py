import pytest
from django.urls import reverse

from audit.models import AppendOnlyError, AuditEntry
from audit.services import record_audit

pytestmark = pytest.mark.django_db


def test_record_keeps_actor_target_and_data(coordinator, officer):
    entry = record_audit(
        actor=coordinator, action="vetting.approved", summary="Approved", target=officer, n=1
    )
    entry.refresh_from_db()
    assert entry.actor == coordinator
    assert entry.actor_label == coordinator.email
    assert (entry.target_type, entry.target_id) == ("attendees.user", str(officer.pk))
    assert entry.data == {"n": 1}


def test_entries_cannot_be_changed_or_deleted(coordinator):
    entry = record_audit(actor=coordinator, action="x", summary="s")
    entry.summary = "edited"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "s"


@pytest.mark.parametrize(
    "role", ["officer", "trainer", "coordinator", "focal_point", "pending_officer"]
)
def test_only_program_admins_read_the_log(client_for, request, role):
    user = request.getfixturevalue(role)
    response = client_for(user).get(reverse("audit:log"))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url == reverse("access_status")


def test_program_admin_reads_and_filters_the_log(
    client_for, program_admin, coordinator, django_assert_max_num_queries
):
    record_audit(actor=coordinator, action="vetting.approved", summary="Approved Alice")
    record_audit(actor=coordinator, action="export.csv", summary="Exported 3 rows")
    client = client_for(program_admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("audit:log"), {"action": "export.csv"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Exported 3 rows" in html
    assert "Approved Alice" not in html


def test_log_filter_with_a_nul_byte_is_no_error(client_for, program_admin, coordinator):
    record_audit(actor=coordinator, action="export.csv", summary="Exported 3 rows")
    response = client_for(program_admin).get(reverse("audit:log"), {"action": "export\x00.csv"})
    assert response.status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("audit:log"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_anonymising_a_person_rewrites_their_identity_only(
    coordinator, officer, program_admin, agency
):
    from attendees.models import Agency, User
    from audit.services import anonymise_person

    by_them = record_audit(actor=officer, action="privacy.export", summary="Export")
    about_them = record_audit(
        actor=coordinator,
        action="vetting.rejected",
        summary="Rejected",
        target=officer,
        reason="Alice of the Cyber Unit",
    )
    near_them = record_audit(
        actor=program_admin,
        action="agency.focal_named",
        summary="Focal",
        target=agency,
        detail="Officer Alice",
    )
    naming = record_audit(
        actor=program_admin, action="outbox.retry", summary="Retry", error=f"<{officer.email}>"
    )
    other = record_audit(
        actor=coordinator,
        action="x",
        summary="Alice of the Cyber Unit",
        note=["Officer Alice", "Officer Bob"],
    )

    changed = anonymise_person(
        user_id=officer.pk,
        about=[User.objects.filter(pk=officer.pk)],
        near=[Agency.objects.filter(pk=agency.pk)],
        address=officer.email,
        names=["Officer Alice"],
        details=["Alice", "Cyber Unit"],
        label="erased-1@invalid",
    )

    assert changed == 4
    assert AuditEntry.objects.get(pk=by_them.pk).actor_label == "erased-1@invalid"
    assert AuditEntry.objects.get(pk=about_them.pk).data == {"reason": "[erased] of the [erased]"}
    assert AuditEntry.objects.get(pk=near_them.pk).data == {"detail": "[erased]"}
    assert AuditEntry.objects.get(pk=naming.pk).data == {"error": "<[erased]>"}
    # A name is looked for only near the person, details only in their own entries (both are
    # typed by the person); nobody else's entry changes.
    untouched = AuditEntry.objects.get(pk=other.pk)
    assert (untouched.actor_label, untouched.summary, untouched.data) == (
        coordinator.email,
        "Alice of the Cyber Unit",
        {"note": ["Officer Alice", "Officer Bob"]},
    )
    assert AuditEntry.objects.count() == 5


def test_entries_stay_append_only_after_anonymising(officer):
    from attendees.models import User
    from audit.services import anonymise_person

    entry = record_audit(actor=officer, action="privacy.export", summary="Export")
    anonymise_person(
        user_id=officer.pk,
        about=[User.objects.filter(pk=officer.pk)],
        address=officer.email,
        label="erased@invalid",
    )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_label == "erased@invalid"
    entry.summary = "edited"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
