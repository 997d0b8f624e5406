from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from trainingsite.redaction import clean_terms, json_search_forms, redact_json, redact_text

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


def record_log_export(*, user, filters: dict[str, str], fmt: str) -> AuditEntry:
    """Reading the whole log out is itself an action the log keeps."""
    return record_audit(
        actor=user,
        action="audit.exported",
        summary=f"Audit log exported ({fmt})",
        filters={key: value for key, value in filters.items() if value},
    )


def anonymise_person(
    *,
    user_id: int,
    about: Iterable[models.QuerySet],
    near: Iterable[models.QuerySet] = (),
    address: str,
    names: Sequence[str] = (),
    details: Sequence[str] = (),
    label: str,
) -> int:
    """Erase one person from the log, the only rewrite the log allows; returns the entries
    changed. Call it in the erasure's transaction, before their account row loses its values.

    Entries by the person (their account as actor) get `label` as actor label. Their identity
    becomes ERASED in summaries and data, as far as each term is safe to look for:
    - `address` (their e-mail, unique) in every entry;
    - `names` (a full name) also in entries targeting a row of `near` (their agency): names
      are chosen by the person, so they are never looked for in everyone's entries;
    - `details` (rank, unit, a first name) also in entries by them or targeting a row of
      `about` (their account, registrations, certificates).
    What was done, to which row, when and by whom else stays as recorded; nothing is deleted.
    """
    own_targets, near_targets = _targets(about), _targets(near)
    own = Q(actor_id=user_id) | _targeting(own_targets)
    address_terms = clean_terms([address])
    near_terms = clean_terms([address, *names])
    own_terms = clean_terms([address, *names, *details])
    naming = Q()
    for form in json_search_forms(address) if address_terms else ():
        naming |= Q(summary__icontains=form) | Q(data_text__icontains=form)
    if address_terms:
        naming |= Q(actor_label__iexact=address)
    entries = AuditEntry.objects.annotate(data_text=Cast("data", TextField())).filter(
        own | _targeting(near_targets) | naming
    )
    changed = 0
    for entry in entries.order_by("pk").iterator():
        if entry.actor_id == user_id or entry.target_id in own_targets.get(entry.target_type, ()):
            terms = own_terms
        elif entry.target_id in near_targets.get(entry.target_type, ()):
            terms = near_terms
        else:
            terms = address_terms
        values = {
            "actor_label": label
            if entry.actor_id == user_id
            else redact_text(entry.actor_label, address_terms),
            "summary": redact_text(entry.summary, terms),
            "data": redact_json(entry.data, terms),
        }
        updates = {field: v for field, v in values.items() if v != getattr(entry, field)}
        if updates:
            # update(), not save(): save() refuses to change an entry, which stays the rule.
            AuditEntry.objects.filter(pk=entry.pk).update(**updates)
            changed += 1
    return changed


def _targets(querysets: Iterable[models.QuerySet]) -> dict[str, set[str]]:
    targets: dict[str, set[str]] = {}
    for queryset in querysets:
        ids = targets.setdefault(queryset.model._meta.label_lower, set())
        ids.update(str(pk) for pk in queryset.values_list("pk", flat=True))
    return targets


def _targeting(targets: dict[str, set[str]]) -> Q:
    condition = Q(pk__in=[])
    for target_type, ids in targets.items():
        if ids:
            condition |= Q(target_type=target_type, target_id__in=sorted(ids))
    return condition
