"""Officers answer: the workshop feedback form (fixed ratings, then the questionnaire) and the
follow-up survey."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from attendance.forms import FeedbackForm
from attendance.models import Feedback
from attendance.services.feedback import feedback_open_for
from registrations.models import Registration
from trainingsite.errors import ServiceError

from .. import services
from ..access import version_for_workshop
from ..forms import AnswerForm
from ..models import Questionnaire, QuestionnaireVersion, SurveyResponse
from ..services.answering import follow_up_open


def _posted_version(request, current: QuestionnaireVersion | None) -> QuestionnaireVersion | None:
    """The version whose questions the officer was shown: posted with the answers, so a
    version published meanwhile does not change what they answered."""
    if current is None or request.method != "POST":
        return current
    posted = request.POST.get("version", "")
    if not posted.isdigit() or int(posted) == current.pk:
        return current
    return (
        QuestionnaireVersion.objects.filter(
            pk=int(posted), questionnaire_id=current.questionnaire_id
        ).first()
        or current
    )


def feedback(request, pk: int):
    registration = get_object_or_404(
        Registration.objects.of_officer(request.user).select_related("workshop", "completion"),
        pk=pk,
    )
    if Feedback.objects.filter(registration=registration).exists():
        messages.info(request, _("You have already sent feedback for this workshop. Thank you!"))
        return redirect("attendance:training_record")
    if not feedback_open_for(registration):
        messages.info(request, _("Feedback opens for attendees once the workshop is closed."))
        return redirect("attendance:training_record")
    modules = list(registration.workshop.workshop_modules.select_related("revision"))
    data = request.POST if request.method == "POST" else None
    form = FeedbackForm(data, workshop_modules=modules)
    # One <form> for both: the fixed ratings first, the questionnaire after them.
    form.helper.form_tag = False
    form.helper.inputs = []
    version = _posted_version(
        request, version_for_workshop(Questionnaire.Kind.FEEDBACK, registration.workshop_id)
    )
    answers = AnswerForm(data, version=version, prefix=None) if version else None
    if request.method == "POST" and form.is_valid() and (answers is None or answers.is_valid()):
        try:
            services.submit_feedback(
                registration_id=registration.pk,
                officer=request.user,
                overall=form.cleaned_data["overall"],
                trainer_rating=form.cleaned_data["trainer_rating"],
                module_ratings=form.module_ratings(),
                comments=form.cleaned_data["comments"],
                version_id=version.pk if version else None,
                answers=answers.answers() if answers else None,
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("attendance:training_record")
    return render(
        request,
        "surveys/feedback_form.html",
        {
            "form": form,
            "answers": answers,
            "version": version,
            "registration": registration,
            "workshop": registration.workshop,
        },
        status=400 if request.method == "POST" else 200,
    )


def follow_up(request, pk: int):
    registration = get_object_or_404(
        Registration.objects.of_officer(request.user).select_related("workshop"), pk=pk
    )
    kind = Questionnaire.Kind.FOLLOW_UP
    if SurveyResponse.objects.filter(registration=registration, kind=kind).exists():
        messages.info(request, _("You have answered this already. Thank you!"))
        return redirect("dashboard")
    version = _posted_version(request, version_for_workshop(kind, registration.workshop_id))
    if not follow_up_open(registration, version):
        messages.info(request, _("This survey is not open for you."))
        return redirect("dashboard")
    assert version is not None  # (follow_up_open says so)
    answers = AnswerForm(request.POST if request.method == "POST" else None, version=version)
    error = ""
    if request.method == "POST" and answers.is_valid():
        try:
            services.submit_follow_up(
                registration_id=registration.pk,
                officer=request.user,
                version_id=version.pk,
                answers=answers.answers(),
            )
        except ServiceError as err:
            error = err.message
        else:
            messages.success(request, _("Thank you for your answers."))
            return redirect("dashboard")
    return render(
        request,
        "surveys/follow_up_form.html",
        {
            "answers": answers,
            "version": version,
            "error": error,
            "registration": registration,
            "workshop": registration.workshop,
        },
        status=400 if request.method == "POST" else 200,
    )
