from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import ApiToken


class TokenAccess(BasePermission):
    """A token is needed for everything; writing needs a read-and-write token."""

    message = _("This token is read-only.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        return request.method in SAFE_METHODS or token.can_write
