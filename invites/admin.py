from django.contrib import admin

from .models import CalendarFeed, InviteDelivery, ReminderDelivery


@admin.register(InviteDelivery)
class InviteDeliveryAdmin(admin.ModelAdmin):
    """Read-only: what each recipient's calendar was last sent; the sync tasks own the rows."""

    list_display = ["user", "workshop", "session_ref", "method", "sequence", "sent_at"]
    list_filter = ["method"]
    search_fields = ["user__email", "workshop__title", "uid"]
    list_select_related = ["user", "workshop"]
    readonly_fields = [f.name for f in InviteDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    # The token is a credential: never shown here; users reset it from their page.
    list_display = ["user", "created_at", "token_reset_at", "last_fetched_at"]
    search_fields = ["user__email"]
    readonly_fields = (
        "user",
        "created_at",
        "token_reset_at",
        "content_changed_at",
        "last_fetched_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request):
        return False


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    list_display = ["registration", "days_before", "claimed_at", "sent_at"]
    readonly_fields = ["registration", "days_before", "claimed_at", "sent_at"]

    def has_add_permission(self, request):
        return False
