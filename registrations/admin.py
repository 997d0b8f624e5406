"""Registrations in Django's admin: view only. Every state change goes through
registrations.services (seats counted under the workshop's lock, the waitlist moved up, the
officer told, a RegistrationEvent and, for staff decisions, the audit log)."""

from django.contrib import admin

from trainingsite.admin_site import ViewOnly

from .models import Registration, RegistrationEvent


class RegistrationEventInline(ViewOnly, admin.TabularInline):
    model = RegistrationEvent
    extra = 0
    fields = readonly_fields = ("created_at", "from_state", "to_state", "actor", "reason")


@admin.register(Registration)
class RegistrationAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["officer", "workshop", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["officer__email", "workshop__title"]
    list_select_related = ["officer", "workshop"]
    raw_id_fields = ["officer", "workshop"]
    inlines = [RegistrationEventInline]


@admin.register(RegistrationEvent)
class RegistrationEventAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["registration", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["to_state"]
    list_select_related = ["registration__officer", "registration__workshop", "actor"]
    raw_id_fields = ["registration", "actor"]
