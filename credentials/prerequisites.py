"""Prerequisite modules, enforced when a registration is requested.

A workshop requires the modules its revisions list as prerequisites (frozen when each was
published), less those it teaches itself (`Module.objects.required_for`). An officer who has
not completed one of them (`credentials.completed`) is refused a registration for it: their
own, their agency's nomination, accepting one, a walk-in. Unless a coordinator of the
workshop's region waived the requirement for them (`PrerequisiteWaiver`, recorded with its
reason and author: `registrations.services.prerequisites`).

Checked once, when the registration is requested (`registrations.signals.registration_requested`).
Approvals and waitlist promotions of a registration already requested are not checked again:
the check happened when the row was created, and a certificate revoked or a waiver withdrawn
since does not undo a registration already made (a coordinator may still decline or remove it).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from attendees.models import User
from registrations.models import PrerequisiteWaiver
from registrations.services import RegistrationError
from workshops.models import Module, Workshop

from .completed import completed_among, completed_modules


def _title(module: Module) -> str:
    # The title officers know, from the library: the published one.
    return module.published_revision.title if module.published_revision else module.title


def missing_prerequisites(*, officer: User, workshop: Workshop) -> list[Module]:
    """The modules `workshop` requires that `officer` has not completed, unless a waiver lets
    them through (then none). One query for a workshop that requires nothing."""
    required = list(
        Module.objects.required_for(workshop.pk)
        .select_related("published_revision")
        .order_by("title", "pk")
    )
    if not required:
        return []
    completed = completed_modules(officer)
    missing = [module for module in required if module.pk not in completed]
    if missing and PrerequisiteWaiver.objects.filter(workshop=workshop, officer=officer).exists():
        return []
    return missing


def prerequisite_gaps(
    *, workshop: Workshop, officer_ids: Iterable[int], required: list[Module] | None = None
) -> dict[int, list[str]]:
    """For each of `officer_ids` who lacks modules `workshop` requires and holds no waiver for
    it: the titles of those modules (officers lacking none are left out). `required`: the
    workshop's prerequisites, if the caller loaded them. Two queries whatever the number of
    officers (two more without `required`), none when the workshop requires nothing."""
    if required is None:
        required = list(
            Module.objects.required_for(workshop.pk)
            .select_related("published_revision")
            .order_by("title", "pk")
        )
    ids = set(officer_ids)
    if not required or not ids:
        return {}
    completed = completed_among(ids, [module.pk for module in required])
    waived = set(
        PrerequisiteWaiver.objects.filter(workshop=workshop, officer_id__in=ids).values_list(
            "officer_id", flat=True
        )
    )
    gaps = {}
    for officer_id in ids - waived:
        done = completed.get(officer_id, set())
        missing = [_title(module) for module in required if module.pk not in done]
        if missing:
            gaps[officer_id] = missing
    return gaps


def refuse_missing_prerequisites(*, officer: User, workshop: Workshop, by: User | None) -> None:
    """RegistrationError naming the modules missing, said to `by`: the officer themself, or
    the focal point or trainer acting for them."""
    missing = missing_prerequisites(officer=officer, workshop=workshop)
    if not missing:
        return
    modules = ", ".join(f"“{_title(module)}”" for module in missing)
    if by is None or by.pk == officer.pk:
        message = _(
            "This workshop requires modules you have not completed yet: %(modules)s. If you "
            "have equivalent training, ask the program coordinators to waive the requirement."
        ) % {"modules": modules}
    else:
        message = _(
            "%(name)s has not completed modules this workshop requires: %(modules)s. If they "
            "have equivalent training, a coordinator of the workshop's region can waive the "
            "requirement."
        ) % {"name": officer, "modules": modules}
    raise RegistrationError(message)
