from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Agency, AgencyDomain, OnboardingRequest, Region, User, VettingDecision


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class AgencyDomainInline(admin.TabularInline):
    model = AgencyDomain
    extra = 1


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "region", "vetting_mode", "is_active"]
    list_filter = ["region", "vetting_mode", "is_active"]
    search_fields = ["name", "domains__domain"]
    inlines = [AgencyDomainInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "agency", "status", "is_trainer", "is_program_admin"]
    list_filter = ["status", "is_trainer", "is_program_admin", "is_focal_point", "agency__region"]
    search_fields = ["email", "full_name"]
    filter_horizontal = ["coordinated_regions", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {"fields": ["full_name", "rank", "unit", "agency", "country", "time_zone", "language"]},
        ),
        (_("Vetting"), {"fields": ["status", "vetted_at", "vetted_name"]}),
        (
            _("Roles"),
            {"fields": ["is_focal_point", "is_trainer", "is_program_admin", "coordinated_regions"]},
        ),
        (_("Django admin"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]


@admin.register(VettingDecision)
class VettingDecisionAdmin(admin.ModelAdmin):
    list_display = ["officer", "action", "decided_by", "created_at"]
    list_filter = ["action"]

    # The record of what the vetting services decided: written by them, never by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OnboardingRequest)
class OnboardingRequestAdmin(admin.ModelAdmin):
    list_display = ["agency_name", "country", "full_name", "email", "created_at", "handled_at"]


# allauth's admin edits authenticators as raw JSON: TOTP secrets and recovery codes shown, and
# any shape saved (a TOTP saved as a security key broke the page). Staff see who enrolled what
# and may delete an authenticator (a lost phone); enrolling stays with the account holder.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self.delete_queryset(request, Authenticator.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        # As allauth does when an account holder removes one: recovery codes left without an
        # authenticator would still stop the sign-in with a second-factor prompt.
        user_ids = set(queryset.values_list("user_id", flat=True))
        queryset.delete()
        Authenticator.objects.filter(user_id__in=user_ids).exclude(
            user_id__in=Authenticator.objects.exclude(
                type=Authenticator.Type.RECOVERY_CODES
            ).values("user_id")
        ).delete()
