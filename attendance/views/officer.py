"""Officer pages: self check-in, training record, certificate download."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from attendance import services
from attendance.forms import CheckInForm
from attendance.models import Certificate
from attendance.pdf import certificate_language, render_certificate_pdf, site_language
from attendance.reports import training_record as build_training_record
from trainingsite.errors import ServiceError
from trainingsite.roles import role_required


@role_required("officer")
def checkin(request):
    """Opened from the QR code (code prefilled) or typed; one tap confirms the check-in, so a
    link preview or prefetch never marks anyone present."""
    mark = None
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                mark = services.check_in(officer=request.user, code=form.cleaned_data["code"])
            except ServiceError as err:
                form.add_error(None, err.message)
    else:
        form = CheckInForm(initial={"code": request.GET.get("code", "")[:20]})
    status = 400 if request.method == "POST" and mark is None else 200
    return render(request, "attendance/checkin.html", {"form": form, "mark": mark}, status=status)


@role_required("officer")
def training_record(request):
    """The officer's record: modules, hours and their certificates, each with its downloads,
    its public verification link and the links they gave verifiers to see their full name."""
    record = build_training_record(request.user)
    pending_feedback = [
        c.registration
        for c in record.completions
        if not hasattr(c.registration, "feedback") or c.registration.feedback is None
    ]
    # One query each for the share links and the tracks of all certificates, however many.
    prefetch_related_objects(record.certificates, "shares", "track")
    return render(
        request,
        "attendance/training_record.html",
        {"record": record, "pending_feedback": pending_feedback},
    )


def certificate_pdf(request, pk: int):
    """The holder's certificate, in `?lang=` (any site language) or their own language."""
    certificate = get_object_or_404(Certificate.objects.of_officer(request.user).active(), pk=pk)
    asked = request.GET.get("lang")
    language = site_language(asked) if asked is not None else None
    if asked is not None and language is None:
        return HttpResponseBadRequest(
            _("The certificate is printed in the site's languages only."),
            content_type="text/plain; charset=utf-8",
        )
    language = certificate_language(certificate, language)
    response = HttpResponse(
        render_certificate_pdf(certificate, language), content_type="application/pdf"
    )
    filename = f"certificate-{certificate.number}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
