"""Who edits which questionnaire, and which questionnaire a workshop's officers answer."""

from __future__ import annotations

from django.db.models import QuerySet

from trainingsite.roles import has_role
from workshops.models import Track, WorkshopModule

from .models import Questionnaire, QuestionnaireVersion


def may_edit_program_wide(user) -> bool:
    """The program's own questionnaires are the program administrators'."""
    return has_role(user, "program_admin")


def editable_tracks(user) -> QuerySet[Track]:
    """Tracks are the program's curriculum, which every coordinator edits (no track belongs to
    a region): any coordinator shapes a track's own questionnaires."""
    if not has_role(user, "coordinator"):
        return Track.objects.none()
    return Track.objects.order_by("position", "name")


def editable_questionnaires(user) -> QuerySet[Questionnaire]:
    """Program administrators: every questionnaire; coordinators: the tracks' own."""
    questionnaires = Questionnaire.objects.select_related("track", "current_version")
    if may_edit_program_wide(user):
        return questionnaires
    if has_role(user, "coordinator"):
        return questionnaires.filter(track__isnull=False)
    return questionnaires.none()


def workshop_track_id(workshop_id: int) -> int | None:
    """The workshop's track: the one its first module's taught revision was published in (as
    in the program report)."""
    return (
        WorkshopModule.objects.filter(workshop_id=workshop_id)
        .order_by("position", "pk")
        .values_list("revision__track_id", flat=True)
        .first()
    )


def applicable_version(kind: str, track_id: int | None) -> QuestionnaireVersion | None:
    """The version officers answer now: the track's own questionnaire if it has one, else the
    program-wide one; None when neither was published."""
    candidates = (
        Questionnaire.objects.filter(kind=kind, current_version__isnull=False)
        .filter(track_id__in=[track_id] if track_id else [])
        .select_related("current_version")
    )
    own = candidates.first()
    if own is None:
        own = (
            Questionnaire.objects.filter(
                kind=kind, track__isnull=True, current_version__isnull=False
            )
            .select_related("current_version")
            .first()
        )
    return own.current_version if own else None


def version_for_workshop(kind: str, workshop_id: int) -> QuestionnaireVersion | None:
    return applicable_version(kind, workshop_track_id(workshop_id))
