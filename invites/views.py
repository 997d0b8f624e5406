import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from trainingsite.roles import role_required
from workshops.models import Workshop

from . import services
from .events import absolute_url
from .feeds import feed_body, workshop_body
from .models import CalendarFeed

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


def feed_urls(feed: CalendarFeed) -> dict[str, str]:
    https = absolute_url(reverse("invites:feed", kwargs={"token": feed.token}))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def _calendar_response(body: bytes, *, filename: str, disposition: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@login_not_required
@require_safe
def calendar_feed(request, token: str):
    """A user's subscription feed; the token is the only credential. Unknown, reset or
    suspended → 404, the same answer, so the URL reveals nothing."""
    # PostgreSQL refuses a NUL in a query parameter; no token contains one.
    feed = (
        CalendarFeed.objects.select_related("user").filter(token=token).first()
        if "\x00" not in token
        else None
    )
    if feed is None or not feed.user.is_active or not feed.user.has_program_access:
        raise Http404
    body = feed_body(feed.user)
    digest = hashlib.sha256(body).hexdigest()
    feed = services.record_feed_content(feed=feed, content_hash=digest)
    etag = f'"{digest[:40]}"'
    last_modified = int(feed.content_changed_at.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = _calendar_response(body, filename="workshops.ics", disposition="inline")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # Private: never stored by shared caches; clients revalidate with the validators above.
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@role_required("officer", "trainer")
@never_cache
def subscription(request):
    """The user's private feed addresses and how to subscribe."""
    feed = services.get_or_create_calendar_feed(user=request.user)
    return render(request, "invites/subscription.html", {"feed": feed, "urls": feed_urls(feed)})


@role_required("officer", "trainer")
@require_POST
def reset_subscription(request):
    services.reset_calendar_feed_token(user=request.user)
    messages.success(
        request,
        _("Your calendar address was reset. The old address no longer works: subscribe again."),
    )
    return redirect("invites:subscription")


@require_safe
def workshop_ics(request, pk: int):
    """The workshop's sessions as one .ics file, for anyone who can see the workshop; the
    joining link only for its confirmed attendees, trainers and coordinators."""
    workshop = get_object_or_404(Workshop.objects.visible_to(request.user), pk=pk)
    body = workshop_body(request.user, workshop.pk)
    filename = f"{slugify(workshop.title)[:60] or 'workshop'}.ics"
    response = _calendar_response(body, filename=filename, disposition="attachment")
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def workshop_calendar(request, pk: int):
    """'Add to calendar' page for a workshop: download, Google and Outlook links."""
    workshop = get_object_or_404(
        Workshop.objects.visible_to(request.user).prefetch_related("sessions"), pk=pk
    )
    return render(
        request,
        "invites/workshop_calendar.html",
        {"workshop": workshop, "sessions": list(workshop.sessions.all())},
    )
