"""The public certificate verification page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from attendance.forms import VerifyForm
from attendance.models import Certificate
from attendance.models.certificates import normalize_certificate_number
from trainingsite import ratelimit


@login_not_required
def verify(request, number: str | None = None):
    """Confirms one certificate by its number, showing only what a verifier needs: the holder
    as initials unless the holder chose to show their full (vetted, printed) name, never their
    agency, rank or e-mail. It never lists certificates, and look-ups are rate limited per client
    (an IPv4 address, an IPv6 /64)."""
    number = number or request.GET.get("number")
    form = VerifyForm(initial={"number": number or ""})
    context = {"form": form, "looked_up": False}
    status = 200
    if number:
        allowed = ratelimit.hit(
            f"verify:{ratelimit.client_key(request)}",
            limit=settings.CERTIFICATE_VERIFY_LIMIT,
            window_seconds=settings.CERTIFICATE_VERIFY_WINDOW_SECONDS,
        )
        if not allowed:
            response = render(request, "attendance/verify_limited.html", status=429)
            response["Retry-After"] = str(settings.CERTIFICATE_VERIFY_WINDOW_SECONDS)
            return response
        canonical = normalize_certificate_number(number)
        certificate = (
            Certificate.objects.filter(number=canonical).select_related("holder")
            if canonical is not None
            else Certificate.objects.none()
        ).first()
        context.update({"looked_up": True, "certificate": certificate, "number": number[:40]})
        if certificate is None:
            status = 404
        else:
            context["show_name"] = certificate.is_valid and certificate.holder_name_public(
                certificate.holder
            )
    response = render(request, "attendance/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response
