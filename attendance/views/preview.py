"""Coordinators preview a track's certificate wording before saving it."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from attendance.pdf import Wording, render_certificate_pdf, sample_certificate
from trainingsite.roles import role_required
from workshops.forms import CertificatePreviewForm


@require_POST
@role_required("coordinator")
def certificate_preview(request):
    """A sample certificate (sample holder and dates, the track's modules) printed with the
    wording posted by the track form, saved or not; opened in a new tab."""
    form = CertificatePreviewForm(request.POST)
    if not form.is_valid():
        return render(
            request, "attendance/certificate_preview_invalid.html", {"form": form}, status=400
        )
    language = form.cleaned_data["language"]
    certificate = sample_certificate(
        track=form.cleaned_data["track"],
        language=language,
        validity_months=form.cleaned_data["validity_months"],
    )
    content = render_certificate_pdf(
        certificate,
        language,
        wording=Wording(text=form.wording, track_name=form.track_name),
        sample=True,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-preview-{language}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
