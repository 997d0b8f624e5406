from django.contrib import admin

from trainingsite.admin_site import ViewOnly

from .models import CalendarFeed, InviteDelivery, ReminderDelivery


@admin.register(InviteDelivery)
class InviteDeliveryAdmin(ViewOnly, admin.ModelAdmin):
    """What each recipient's calendar was last sent; the sync tasks own the rows (a deleted row
    would make the next sync send the invite again as new)."""

    list_display = ["user", "workshop", "session_ref", "method", "sequence", "sent_at"]
    list_filter = ["method"]
    search_fields = ["user__email", "workshop__title", "uid"]
    list_select_related = ["user", "workshop"]
    readonly_fields = [f.name for f in InviteDelivery._meta.fields]


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
class ReminderDeliveryAdmin(ViewOnly, admin.ModelAdmin):
    """The claim that a reminder went out: a deleted row would send the reminder again."""

    list_display = ["registration", "days_before", "claimed_at", "sent_at"]
    list_select_related = ["registration"]
    readonly_fields = ["registration", "days_before", "claimed_at", "sent_at"]
