"""Role checks and view decorators. Decorators gate pages; object scoping stays in QuerySets.

Shared by every app (the audit log's and the outbox's pages too, below identity): the checks read
only the flags the user model carries (`has_program_access`, `is_coordinator`, ...)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

ROLE_CHECKS: dict[str, Callable] = {
    "officer": lambda u: u.agency_id is not None,
    "focal_point": lambda u: u.agency_id is not None and u.is_focal_point,
    "trainer": lambda u: u.is_trainer,
    "coordinator": lambda u: u.is_coordinator,
    "program_admin": lambda u: u.is_program_admin,
}


def has_role(user, *roles: str) -> bool:
    if not user.is_authenticated or not user.has_program_access:
        return False
    return any(ROLE_CHECKS[role](user) for role in roles)


def officer_account_required(view):
    """403 unless the signed-in user holds an officer's account, whatever its access state:
    the pages where officers see and erase the data held about them, a right that vetting
    (pending, expired, an agency withdrawn) does not suspend. Every other page needs a role."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or not ROLE_CHECKS["officer"](user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles: str):
    """403 unless the signed-in user with program access holds one of `roles`."""
    unknown = set(roles) - ROLE_CHECKS.keys()
    if unknown:
        raise ValueError(f"Unknown roles: {unknown}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
