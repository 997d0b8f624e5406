"""The holder's share links, managed from their training record."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendance.models import Certificate
from credentials.forms import ShareForm
from credentials.models import CredentialShare
from credentials.shares import create_share, revoke_share
from trainingsite.errors import ServiceError
from trainingsite.roles import role_required


def _back_to(certificate_id: int) -> HttpResponse:
    return redirect(reverse("attendance:training_record") + f"#certificate-{certificate_id}")


@role_required("officer")
@require_POST
def share_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new link to the holder's own certificate; anyone else's is a 404. A form with errors
    comes back on a page of its own, with what was typed."""
    certificate = get_object_or_404(Certificate.objects.of_officer(request.user).active(), pk=pk)
    form = ShareForm(request.POST)
    if form.is_valid():
        try:
            share = create_share(
                holder=request.user,
                certificate_id=certificate.pk,
                label=form.cleaned_data["label"],
                days=form.days,
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(
                request,
                _("Link for %(label)s created: copy it below and send it to them.")
                % {"label": share.label},
            )
            return _back_to(certificate.pk)
    form.helper.form_action = reverse("credentials:share_create", args=[certificate.pk])
    return render(
        request,
        "credentials/share_form.html",
        {"form": form, "certificate": certificate},
        status=400,
    )


@role_required("officer")
@require_POST
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    share = get_object_or_404(CredentialShare.objects.of_officer(request.user), pk=pk)
    try:
        share = revoke_share(holder=request.user, share_id=share.pk)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request,
            _("The link for %(label)s no longer works.") % {"label": share.label},
        )
    return _back_to(share.certificate_id)
