"""Admin for workshops and their sessions (wired from workshops/admin.py by the lead).

View only: a workshop is scheduled, published and cancelled at /schedule/ through
workshops.services.scheduling, which checks the windows, capacity against confirmed seats and
trainers' clashes, cancels the registrations of a cancelled workshop (each officer told) and
brings calendars in line. A status, capacity or session typed here would skip all of that, and
deleting a workshop would drop its registrations with no word to anyone."""

from django.contrib import admin

from trainingsite.admin_site import ViewOnly
from workshops.models import Workshop, WorkshopModule, WorkshopSession


class WorkshopSessionInline(ViewOnly, admin.TabularInline):
    model = WorkshopSession
    extra = 0


class WorkshopModuleInline(ViewOnly, admin.TabularInline):
    model = WorkshopModule
    extra = 0
    raw_id_fields = ["revision"]


@admin.register(Workshop)
class WorkshopAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["title", "region", "status", "format", "starts_at", "city", "capacity"]
    list_filter = ["status", "format", "region", "language"]
    search_fields = ["title", "city", "venue_name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["host_agency", "created_by"]
    filter_horizontal = ["trainers"]
    readonly_fields = ["starts_at", "ends_at", "created_at", "updated_at"]
    inlines = [WorkshopSessionInline, WorkshopModuleInline]
