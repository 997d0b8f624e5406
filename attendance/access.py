"""Which workshops a staff member runs: the ones they teach, plus their regions' as coordinator."""

from __future__ import annotations

from django.db.models import Q

from workshops.models import Workshop


def workshops_run_by(user):
    """Trainers: workshops they teach; coordinators: workshops of their regions (all for program
    admins). Officers and users without program access: none."""
    if not user.is_authenticated or not user.has_program_access:
        return Workshop.objects.none()
    scope = Q(pk__in=Workshop.objects.editable_by(user).values("pk"))
    if user.is_trainer:
        scope |= Q(pk__in=Workshop.objects.taught_by(user).values("pk"))
    return Workshop.objects.filter(scope)


def can_exceed_capacity(user, workshop) -> bool:
    """Only coordinators of the workshop's region may seat a walk-in over capacity."""
    return Workshop.objects.editable_by(user).filter(pk=workshop.pk).exists()
