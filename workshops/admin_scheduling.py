"""Admin for workshops and their sessions (wired from workshops/admin.py by the lead)."""

from django.contrib import admin

from workshops.models import Workshop, WorkshopModule, WorkshopSession


class WorkshopSessionInline(admin.TabularInline):
    model = WorkshopSession
    extra = 0


class WorkshopModuleInline(admin.TabularInline):
    model = WorkshopModule
    extra = 0
    raw_id_fields = ["revision"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "status", "format", "starts_at", "city", "capacity"]
    list_filter = ["status", "format", "region", "language"]
    search_fields = ["title", "city", "venue_name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["host_agency", "created_by"]
    filter_horizontal = ["trainers"]
    readonly_fields = ["starts_at", "ends_at", "created_at", "updated_at"]
    inlines = [WorkshopSessionInline, WorkshopModuleInline]
