from django.contrib import admin

from .models import AttendanceChange, Certificate, ClosureEvent, Completion, WorkshopClosure


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "registration", "issued_at", "revoked_at", "emailed_at"]
    search_fields = ["number"]
    readonly_fields = ["number", "printed", "registration", "issued_at", "emailed_at"]

    # Issued by closing a workshop (attendance.services.closing), never by hand: an added
    # certificate had no registration (a 500, found by tests/fuzz/test_fuzz_admin.py). Revoke
    # instead of deleting, so that a verification link keeps saying what happened.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkshopClosure)
class WorkshopClosureAdmin(admin.ModelAdmin):
    list_display = ["workshop", "completion_threshold", "closed_at"]
    raw_id_fields = ["workshop", "closed_by"]


admin.site.register(Completion, list_display=["registration", "completed", "attended_minutes"])
admin.site.register(ClosureEvent, list_display=["workshop", "action", "actor", "created_at"])
admin.site.register(AttendanceChange, list_display=["registration", "session", "new_status"])
