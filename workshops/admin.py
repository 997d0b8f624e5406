"""Curriculum and workshops in Django's admin: view only where a service owns the rules.

A workshop is scheduled, published and cancelled at /schedule/ through
workshops.services.scheduling, which checks the windows, capacity against confirmed seats and
trainers' clashes, cancels the registrations of a cancelled workshop (each officer told) and
brings calendars in line. A status, capacity or session typed here would skip all of that, and
deleting a workshop would drop its registrations with no word to anyone. Publishing is an
admin action calling that service; cancelling (a reason for every registrant) and editing link
to the site's pages."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from trainingsite.admin_site import ViewOnly
from workshops.models import (
    Material,
    MaterialDownload,
    Module,
    ModuleRevision,
    Track,
    Workshop,
    WorkshopModule,
    WorkshopSession,
)
from workshops.services.scheduling import SchedulingError, publish_workshop


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "validity_months"]
    prepopulated_fields = {"slug": ["name"]}
    # The certificate wording is checked by the track form (placeholders, length): edited
    # there, shown here.
    readonly_fields = ["certificate_wording"]


class MaterialInline(ViewOnly, admin.TabularInline):
    model = Material
    # The file itself is not shown: materials have no public URL. Uploads, and who may
    # download (`attendees_only`), go through the checked upload page.
    readonly_fields = ("title", "kind", "original_name", "size", "attendees_only")
    fields = readonly_fields
    extra = 0


@admin.register(Module)
class ModuleAdmin(ViewOnly, admin.ModelAdmin):
    """View only: modules are written at /curriculum/ through workshops.services.curriculum
    (authors, prerequisites without cycles, review before publishing)."""

    list_display = ["title", "track", "level", "status", "published_revision"]
    list_filter = ["status", "track", "level"]
    search_fields = ["title", "slug"]
    readonly_fields = ["published_revision", "reviewed_by", "submitted_at", "status"]
    filter_horizontal = ["authors", "prerequisites"]
    inlines = [MaterialInline]


@admin.register(ModuleRevision)
class ModuleRevisionAdmin(admin.ModelAdmin):
    """Read-only: a revision is what workshops cite as taught."""

    list_display = ["module", "number", "published_at", "published_by"]
    list_select_related = ["module", "published_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    readonly_fields = ["manage_on_site", "starts_at", "ends_at", "created_at", "updated_at"]
    inlines = [WorkshopSessionInline, WorkshopModuleInline]
    actions = ["publish"]

    @admin.display(description=_("Edit, publish or cancel"))
    def manage_on_site(self, obj):
        links = [
            (reverse("workshops:workshop_detail", args=[obj.pk]), _("Workshop page")),
            (reverse("workshops:workshop_edit", args=[obj.pk]), _("Edit on the site")),
            (reverse("workshops:workshop_cancel", args=[obj.pk]), _("Cancel on the site")),
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @admin.action(description=_("Publish the selected drafts"), permissions=["view"])
    def publish(self, request, queryset):
        # Through the service, one workshop at a time: its checks, calendars and audit entry.
        published = 0
        for workshop in queryset.order_by("pk"):
            try:
                publish_workshop(actor=request.user, workshop=workshop)
            except SchedulingError as error:
                self.message_user(request, f"{workshop}: {error}", messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(
                request,
                _("%(count)d workshop(s) published.") % {"count": published},
                messages.SUCCESS,
            )


@admin.register(MaterialDownload)
class MaterialDownloadAdmin(ViewOnly, admin.ModelAdmin):
    """Who fetched a restricted material, when, from where: the trace of a leaked copy."""

    list_display = ["material", "user", "ip_address", "downloaded_at"]
    list_select_related = ["material", "user"]
    date_hierarchy = "downloaded_at"
