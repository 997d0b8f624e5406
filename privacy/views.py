"""Privacy pages: an officer's own data export and erasure, whatever their vetting (pending,
expired); the same for coordinators on request, for officers of their regions only (others
are 404)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from attendees.forms.signin import check_password
from attendees.models import User
from trainingsite.errors import ServiceError
from trainingsite.roles import officer_account_required, role_required

from . import services


class SelfErasureForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Your password"), widget=forms.PasswordInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        check_password(self.user, self.cleaned_data["password"])
        return ""


class CoordinatorErasureForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the officer's request, reference)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _zip_response(data: bytes, user_id: int) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    # Ids only: never a name or an e-mail in a file name (it ends up in logs and histories).
    response["Content-Disposition"] = f'attachment; filename="my-data-{user_id}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@officer_account_required
def my_data(request):
    form = SelfErasureForm(user=request.user)
    return render(request, "privacy/my_data.html", {"form": form})


@require_POST
@officer_account_required
def my_data_download(request):
    return _zip_response(
        services.export_personal_data(user=request.user, by=request.user), request.user.pk
    )


@require_POST
@officer_account_required
def my_data_erase(request):
    form = SelfErasureForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.erase_officer(
                user_id=request.user.pk, by=request.user, reason="Requested by the officer"
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            logout(request)
            messages.success(request, _("Your account has been erased."))
            return redirect("account_login")
    return render(request, "privacy/my_data.html", {"form": form}, status=400)


@role_required("coordinator")
def officer_privacy(request, pk: int):
    officer = get_object_or_404(User.objects.managed_by(request.user), pk=pk)
    form = CoordinatorErasureForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "export":
            return _zip_response(
                services.export_personal_data(user=officer, by=request.user), officer.pk
            )
        if form.is_valid():
            try:
                services.erase_officer(
                    user_id=officer.pk, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ServiceError as err:
                form.add_error(None, err.message)
            else:
                messages.success(request, _("The officer's personal data has been erased."))
                return redirect("officer_privacy", pk=officer.pk)
    return render(request, "privacy/officer_privacy.html", {"officer": officer, "form": form})
