from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from trainingsite.admin_site import ViewOnly

from .models import (
    AttendanceChange,
    Certificate,
    ClosureEvent,
    Completion,
    WalkIn,
    WorkshopClosure,
)
from .services.certificates import revoke_certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "holder", "registration", "track", "issued_at", "expires_at"]
    list_display += ["revoked_at"]
    search_fields = ["number"]
    readonly_fields = ["number", "holder", "registration", "track", "printed", "issued_at"]
    readonly_fields += ["expires_at", "revoked_at"]
    exclude = ["expiry_reminders"]

    # Issued by closing a workshop (attendance.services.closing), never by hand: an added
    # certificate had no registration (a 500, found by tests/fuzz/test_fuzz_admin.py). Revoke
    # instead of deleting, so that a verification link keeps saying what happened; revoking
    # goes through the service (audited) and is final.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.revoked_at is not None:
            return [*self.readonly_fields, "revoke_reason"]
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "revoke_reason" in form.base_fields:
            form.base_fields["revoke_reason"].help_text = _(
                "Saving with a reason revokes the certificate (kept in the audit log). A "
                "revocation is final."
            )
        return form

    def save_model(self, request, obj, form, change):
        # The reason is the only field left to edit: with one, revoke; nothing else is saved.
        reason = (form.cleaned_data.get("revoke_reason") or "").strip()
        if change and obj.revoked_at is None and reason:
            revoke_certificate(certificate=obj, reason=reason, by=request.user)


# Closing, re-opening and the attendance settings go through attendance.services (closing
# computes completions and issues or revokes certificates; settings are checked): the closure
# and what closing wrote are shown here, not edited.
@admin.register(WorkshopClosure)
class WorkshopClosureAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["workshop", "completion_threshold", "closed_at"]
    raw_id_fields = ["workshop", "closed_by"]


@admin.register(Completion)
class CompletionAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["registration", "completed", "attended_minutes"]
    list_select_related = ["registration__officer", "registration__workshop"]


# History: append-only records of what the services did.
@admin.register(ClosureEvent)
class ClosureEventAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["workshop", "action", "actor", "created_at"]
    list_select_related = ["workshop", "actor"]


@admin.register(AttendanceChange)
class AttendanceChangeAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["registration", "session", "old_status", "new_status", "changed_by"]
    list_select_related = ["registration__officer", "registration__workshop", "changed_by"]


@admin.register(WalkIn)
class WalkInAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["registration", "added_by", "over_capacity", "created_at"]
    list_select_related = ["registration__officer", "registration__workshop", "added_by"]
