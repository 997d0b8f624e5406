"""The profile's API tokens page: create (shown once), list, revoke."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import TokenForm
from ..models import ApiToken
from ..services import TokenError, create_token, revoke_token

# The new token's secret, kept in the session only until the page after the redirect shows it.
SHOWN_ONCE_KEY = "api_token_created"


def api_tokens(request):
    form = TokenForm(request.POST if request.method == "POST" else None, user=request.user)
    created = request.session.pop(SHOWN_ONCE_KEY, None) if request.method == "GET" else None
    if request.method == "POST" and form.is_valid():
        try:
            created = create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                access=form.cleaned_data["access"],
                days=form.cleaned_data["days"],
                second_factor_verified=form.second_factor_verified,
            )
        except TokenError as err:
            form.add_error(None, err.message)
        else:
            request.session[SHOWN_ONCE_KEY] = {"name": created.token.name, "secret": created.secret}
            return redirect("api_tokens")
    tokens = ApiToken.objects.of_user(request.user).filter(revoked_at=None)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": tokens,
            "site_url": settings.SITE_URL,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.of_user(request.user), pk=pk)
    try:
        token = revoke_token(token_id=token.pk, user=request.user)
    except TokenError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens")
