"""Names and links for the people and rows audit entries point at, looked up in bulk.

Entries store a target as (`app.model`, id) text, so the log outlives what it names and the
audit app imports no other app: models are found by label, pages by URL name. One query per
kind of target on a page, whatever its length. An erased officer is named as erased: their
account row keeps only an `@invalid` address once privacy.services has erased them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trainingsite.when import datetime

from .labels import action_label, entry_details
from .models import AuditEntry

ERASED_SUFFIX = "@invalid"


@dataclass(frozen=True)
class Named:
    text: str
    url: str = ""


def _is_erased(user) -> bool:
    return user.email.endswith(ERASED_SUFFIX)


def name_user(user) -> Named:
    if _is_erased(user):
        return Named(_("Erased officer"))
    if user.agency_id is not None:
        return Named(str(user), reverse("vetting_detail", args=[user.pk]))
    return Named(str(user), reverse("admin:attendees_user_change", args=[user.pk]))


def _registration(reg) -> Named:
    officer = name_user(reg.officer).text
    return Named(
        _("%(officer)s at %(workshop)s") % {"officer": officer, "workshop": reg.workshop},
        reverse("attendance:roster", args=[reg.workshop_id]),
    )


def _session(session) -> Named:
    when = datetime(session.starts_at, session.workshop.time_zone, compact=True)
    return Named(f"{session.workshop} ({when})", reverse("attendance:session", args=[session.pk]))


@dataclass(frozen=True)
class Kind:
    name: Callable[[Any], Named]
    related: tuple[str, ...] = ()


KINDS: dict[str, Kind] = {
    "attendees.user": Kind(name_user),
    "attendees.agency": Kind(lambda a: Named(a.name, reverse("agency_detail", args=[a.pk]))),
    "workshops.workshop": Kind(
        lambda w: Named(w.title, reverse("workshops:workshop_detail", args=[w.pk]))
    ),
    "workshops.workshopsession": Kind(_session, ("workshop",)),
    "workshops.module": Kind(
        lambda m: Named(m.title, reverse("workshops:module_detail", args=[m.pk]))
    ),
    "registrations.registration": Kind(_registration, ("officer", "workshop")),
    "attendance.certificate": Kind(
        lambda c: Named(c.number, reverse("credentials:verify_number", args=[c.number]))
    ),
    "outbox.mail": Kind(
        lambda m: Named(_("E-mail (%(kind)s)") % {"kind": m.kind}, reverse("outbox:failed"))
    ),
}

# What a target no longer in the database is called.
GONE = gettext_lazy("%(kind)s (deleted)")
KIND_NAMES = {
    "attendees.user": gettext_lazy("Account"),
    "attendees.agency": gettext_lazy("Agency"),
    "workshops.workshop": gettext_lazy("Workshop"),
    "workshops.workshopsession": gettext_lazy("Session"),
    "workshops.module": gettext_lazy("Module"),
    "registrations.registration": gettext_lazy("Registration"),
    "attendance.certificate": gettext_lazy("Certificate"),
    "outbox.mail": gettext_lazy("E-mail"),
}


@dataclass(frozen=True)
class Row:
    """One entry as the page and the export show it."""

    entry: AuditEntry
    actor: Named
    action: str
    target: Named | None
    details: list[tuple[str, str]]


def _load(target_type: str, ids: set[str]) -> dict[str, Any]:
    kind = KINDS[target_type]
    model = apps.get_model(target_type)
    pks = [int(pk) for pk in ids if pk.isdigit()]
    rows = model._default_manager.filter(pk__in=pks).select_related(*kind.related)
    return {str(row.pk): row for row in rows}


def _actor(entry: AuditEntry) -> Named:
    if entry.actor is not None:
        return name_user(entry.actor)
    if entry.actor_label.endswith(ERASED_SUFFIX):
        return Named(_("Erased officer"))
    return Named(entry.actor_label or _("The system"))


def describe(entries: Iterable[AuditEntry]) -> list[Row]:
    """Rows for `entries` (their actor selected with them): one query per kind of target."""
    entries = list(entries)
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        if entry.target_type in KINDS and entry.target_id:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    found = {target_type: _load(target_type, ids) for target_type, ids in wanted.items()}
    rows = []
    for entry in entries:
        target = None
        if entry.target_type in KINDS:
            row = found.get(entry.target_type, {}).get(entry.target_id)
            if row is not None:
                target = KINDS[entry.target_type].name(row)
            else:
                target = Named(str(GONE % {"kind": KIND_NAMES[entry.target_type]}))
        elif entry.target_type:
            target = Named(entry.target_type)
        rows.append(
            Row(
                entry=entry,
                actor=_actor(entry),
                action=action_label(entry.action),
                target=target,
                details=entry_details(
                    entry.data,
                    apps.get_model(entry.target_type) if entry.target_type in KINDS else None,
                ),
            )
        )
    return rows
