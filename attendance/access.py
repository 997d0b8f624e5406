"""Which workshops a staff member runs: the ones they teach, plus their regions' as coordinator."""

from __future__ import annotations

from workshops.models import Workshop


def workshops_run_by(user):
    """Trainers: workshops they teach; coordinators: workshops of their regions (all for program
    admins). Officers and users without program access: none."""
    return Workshop.objects.run_by(user)


def can_exceed_capacity(user, workshop) -> bool:
    """Only coordinators of the workshop's region may seat a walk-in over capacity."""
    return Workshop.objects.editable_by(user).filter(pk=workshop.pk).exists()
