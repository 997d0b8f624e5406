from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendees import services
from attendees.forms import OnboardingRequestForm, ProfileForm
from attendees.forms.signin import ONBOARDING_PREFILL_KEY
from attendees.models import User, VettingDecision
from attendees.models.access import AccessState
from attendees.signals import dashboard_context
from trainingsite import ratelimit
from trainingsite.errors import ServiceError


def dashboard(request):
    """One landing page; each role sees its own panels. The apps above add what to do next."""
    context: dict = {}
    for _receiver, extra in dashboard_context.send(sender=User, user=request.user):
        context.update(extra)
    return render(request, "attendees/dashboard.html", context)


def access_status(request):
    """Where users without program access land: it says why and what to do next."""
    state = request.user.access_state
    if state == AccessState.OK:
        return redirect("dashboard")
    return render(request, "attendees/access_status.html", {"state": AccessState(state)})


@require_POST
def reconfirm_request(request):
    """Mail a fresh re-confirmation link to the officer's agency address."""
    user = request.user
    if user.access_state != AccessState.EXPIRED:
        return redirect("access_status")
    try:
        services.send_reconfirmation_email(user=user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request,
            _("We sent a re-confirmation link to %(email)s. Open it to renew your access.")
            % {"email": user.email},
        )
    return redirect("access_status")


def reconfirm(request, token: str):
    """GET shows a button, POST renews: mail scanners that pre-fetch links change nothing."""
    try:
        services.check_reconfirm_token(token=token, user=request.user)
    except ServiceError as err:
        return render(request, "attendees/reconfirm.html", {"error": err.message}, status=400)
    if request.method == "POST":
        try:
            services.reconfirm_agency_email(user_id=request.user.pk, token=token)
        except ServiceError as err:
            return render(request, "attendees/reconfirm.html", {"error": err.message}, status=400)
        messages.success(request, _("Thank you: your access is renewed."))
        return redirect("dashboard")
    return render(request, "attendees/reconfirm.html", {"token": token})


def profile(request):
    """The signed-in user's own profile; the language chosen here drives the interface. It
    says which name certificates carry while a change of name waits for a decision."""
    user = request.user
    # A copy for the form: validating it must not retitle the signed-in user on this page.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_profile(
                user=User.objects.get(pk=user.pk),
                **{f: data[f] for f in ("full_name", "rank", "unit", "time_zone", "language")},
                work_mail=data.get("work_mail"),
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
    declined = None
    if user.name_change_declined:
        declined = user.vetting_decisions.filter(
            action=VettingDecision.Action.NAME_DECLINED, name=user.full_name
        ).first()
    return render(request, "attendees/profile.html", {"form": form, "name_declined": declined})


ONBOARDING_LIMIT = 5  # requests per address per hour: the form is public and mails staff


def _onboarding_allowed(request) -> bool:
    return ratelimit.hit(
        f"onboarding-request:{ratelimit.client_key(request)}",
        limit=ONBOARDING_LIMIT,
        window_seconds=3600,
    )


@login_not_required
def onboarding_request(request):
    initial = {"email": request.session.get(ONBOARDING_PREFILL_KEY, "")}
    form = OnboardingRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not _onboarding_allowed(request):
            form.add_error(None, _("Too many requests from your network. Try again in an hour."))
            return render(request, "attendees/onboarding_request.html", {"form": form}, status=429)
        services.submit_onboarding_request(**form.cleaned_data)
        messages.success(
            request, _("Thank you. The program coordinators will contact you about onboarding.")
        )
        return redirect("account_login")
    return render(request, "attendees/onboarding_request.html", {"form": form})


@login_not_required
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
