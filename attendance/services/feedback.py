"""Post-workshop feedback: one answer per attendee of a closed workshop."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from attendance.models import Feedback, FeedbackModuleRating, WorkshopClosure
from attendees.models import User
from registrations.models import Registration
from trainingsite.errors import ServiceError


class FeedbackError(ServiceError):
    pass


def feedback_open_for(registration: Registration) -> bool:
    """Attendees (at least one session attended) of a closed workshop may answer."""
    completion = getattr(registration, "completion", None)
    closed = WorkshopClosure.objects.closed().filter(workshop_id=registration.workshop_id).exists()
    return (
        closed
        and registration.state == Registration.State.CONFIRMED
        and completion is not None
        and completion.attended_minutes > 0
    )


@transaction.atomic
def submit_feedback(
    *,
    registration_id: int,
    officer: User,
    overall: int,
    trainer_rating: int,
    module_ratings: dict[int, int],
    comments: str = "",
) -> Feedback:
    registration = (
        Registration.objects.of_officer(officer)
        .select_for_update(of=("self",))
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        raise FeedbackError(_("This workshop is not one of yours."))
    if Feedback.objects.filter(registration=registration).exists():
        raise FeedbackError(_("You have already sent feedback for this workshop. Thank you!"))
    if not feedback_open_for(registration):
        raise FeedbackError(_("Feedback opens for attendees once the workshop is closed."))
    ratings = [overall, trainer_rating, *module_ratings.values()]
    if any(not isinstance(r, int) or not 1 <= r <= 5 for r in ratings):
        raise FeedbackError(_("Ratings go from 1 to 5."))
    module_ids = set(registration.workshop.workshop_modules.values_list("pk", flat=True))
    if set(module_ratings) - module_ids:
        raise FeedbackError(_("Rate only the modules of this workshop."))
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                registration=registration,
                overall=overall,
                trainer_rating=trainer_rating,
                comments=comments.strip()[:2000],
            )
    except IntegrityError as err:
        raise FeedbackError(
            _("You have already sent feedback for this workshop. Thank you!")
        ) from err
    FeedbackModuleRating.objects.bulk_create(
        FeedbackModuleRating(feedback=feedback, workshop_module_id=wm_id, usefulness=value)
        for wm_id, value in module_ratings.items()
    )
    return feedback
