from django.contrib import admin

from workshops.models import Material, Module, ModuleRevision, Track

# --- curriculum (feat/h2a) -------------------------------------------------------------------


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


class MaterialInline(admin.TabularInline):
    model = Material
    # The file itself is not editable here: materials have no public URL, and uploads go
    # through the checked upload page.
    fields = ["title", "kind", "original_name", "size", "attendees_only"]
    readonly_fields = ["original_name", "size"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
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


# --- end curriculum --------------------------------------------------------------------------


from . import admin_scheduling  # noqa: E402, F401  (workshop admin classes)
