from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ApiToken
from .services import revoke_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners only; an administrator may revoke one (a leaked token)."""

    list_display = ["label", "name", "user", "access", "created_at", "expires_at", "revoked_at"]
    list_filter = ["access"]
    search_fields = ["key", "name", "user__email"]
    readonly_fields = [f.name for f in ApiToken._meta.fields if f.name != "token_hash"]
    exclude = ["token_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at=None):
            revoke_token(token_id=token.pk, user=token.user, by=request.user)
        messages.success(request, _("Tokens revoked."))
