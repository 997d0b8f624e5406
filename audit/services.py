from __future__ import annotations

from django.db import models

from .models import AuditEntry


def record_audit(
    *, actor, action: str, summary: str, target: models.Model | None = None, **data
) -> AuditEntry:
    """Append one audit entry; call it inside the transaction of the action it records, so the
    action and its trace commit (or roll back) together."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "email", "") or "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:500],
        data=data,
    )
