"""Roles are granted in Django's admin (a program administrator's form); each change there is
audited here, the same way every other sensitive action is."""

from __future__ import annotations

from audit.models import AuditEntry
from audit.services import record_audit

from ..models import User

ROLE_FLAGS = ("is_trainer", "is_program_admin", "is_staff", "is_superuser", "is_active")


def role_snapshot(user: User) -> dict[str, object]:
    """What the audit compares: the role flags, coordinated regions and admin groups."""
    snapshot: dict[str, object] = {flag: getattr(user, flag) for flag in ROLE_FLAGS}
    regions = user.coordinated_regions.values_list("name", flat=True)
    snapshot["coordinated_regions"] = sorted(regions)
    snapshot["groups"] = sorted(user.groups.values_list("name", flat=True))
    return snapshot


def record_role_change(*, user: User, by: User, before: dict[str, object]) -> AuditEntry | None:
    """Audit the difference between `before` (role_snapshot taken before the change) and the
    user's roles now, in one entry; nothing when nothing changed."""
    after = role_snapshot(user)
    changed = {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }
    if not changed:
        return None
    return record_audit(
        actor=by,
        action="user.roles_changed",
        summary=f"Roles of user #{user.pk} changed: {', '.join(changed)}",
        target=user,
        changes=changed,
    )
