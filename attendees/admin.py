from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.services import record_audit
from trainingsite.admin_site import ViewOnly

from .models import (
    Agency,
    AgencyDomain,
    AgencyEvent,
    OnboardingRequest,
    Region,
    User,
    VettingDecision,
)
from .services.roles import record_role_change, role_snapshot


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


# An agency's status, vetting mode and domains decide who has access: they change at
# /agencies/<id>/ through attendees.services.agencies (rules, AgencyEvent, audit log). The admin
# creates an agency; its domains are then added there.
class AgencyDomainInline(ViewOnly, admin.TabularInline):
    model = AgencyDomain
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "region", "vetting_mode", "is_active"]
    list_filter = ["region", "vetting_mode", "is_active"]
    search_fields = ["name", "domains__domain"]
    inlines = [AgencyDomainInline]

    def get_readonly_fields(self, request, obj=None):
        # A new agency has no officers yet: its vetting mode is chosen with it.
        if obj is None:
            return ["is_active"]
        return ["is_active", "vetting_mode", "manage_on_site"]

    @admin.display(description=_("Status, domains, focal points"))
    def manage_on_site(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("agency_detail", args=[obj.pk]), _("Change on the site")
        )


@admin.register(AgencyEvent)
class AgencyEventAdmin(ViewOnly, admin.ModelAdmin):
    """What attendees.services.agencies did to each agency: written by it, never by hand."""

    list_display = ["agency", "action", "by", "created_at"]
    list_filter = ["action"]
    list_select_related = ["agency", "by"]


class StaffCreationForm(AdminUserCreationForm):
    """Accounts created here are program staff. An address on an agency's domain is an
    officer's: officers sign up themselves, and their agency follows the domain."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "full_name")

    def clean_email(self):
        # Stored lower-case, as every sign-up stores it: the login finds accounts by it, and a
        # second account differing only in case would share the address.
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail address already exists."))
        if AgencyDomain.objects.filter(domain=email.rsplit("@", 1)[-1].lower()).exists():
            raise ValidationError(
                _(
                    "This address is on an agency's e-mail domain: officers sign up "
                    "themselves, and their agency follows the domain."
                )
            )
        return email


# Fields the admin never types: the vetting services decide an officer's status (/vetting/,
# with a VettingDecision and the audit log) and the name their certificates carry (vetting, or
# an accepted name change), the agency follows the e-mail domain (sign-up, re-confirmation),
# and focal points are named at /agencies/. Roles stay editable here.
VETTING_FIELDS = ["email", "agency", "status", "vetted_at", "vetted_name", "is_focal_point"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = StaffCreationForm
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

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.agency_id is not None:
            # An officer's access ends by suspension or erasure, each with its record.
            return [*VETTING_FIELDS, "is_active"]
        return VETTING_FIELDS

    def save_model(self, request, obj, form, change):
        if not change:
            # Program staff are vetted by an administrator creating their account.
            obj.status = User.Status.VERIFIED
        else:
            # Regions and groups are saved after the row (save_related): compared there.
            form.roles_before = role_snapshot(User.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        if not change:
            record_audit(
                actor=request.user,
                action="user.staff_created",
                summary=f"Staff account #{obj.pk} created in the admin",
                target=obj,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            record_role_change(user=form.instance, by=request.user, before=form.roles_before)


# The record of what the vetting services decided: written by them, never by hand.
@admin.register(VettingDecision)
class VettingDecisionAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["officer", "action", "decided_by", "created_at"]
    list_filter = ["action"]
    list_select_related = ["officer", "decided_by"]


@admin.register(OnboardingRequest)
class OnboardingRequestAdmin(admin.ModelAdmin):
    list_display = ["agency_name", "country", "full_name", "email", "created_at", "handled_at"]


# allauth's admin edits and verifies e-mail addresses: a verified address is how an officer
# proves they hold an agency mailbox (then vetted by the confirmation's receiver), and the
# address password resets go to. Staff see them; the account holder confirms their own.
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(ViewOnly, BaseEmailAddressAdmin):
    actions = ()


# allauth's admin edits authenticators as raw JSON: TOTP secrets and recovery codes shown, and
# any shape saved (a TOTP saved as a security key broke the page). Staff see who enrolled what
# and may delete an authenticator (a lost phone); enrolling stays with the account holder.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = readonly_fields = ("user", "type", "created_at", "last_used_at")

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
