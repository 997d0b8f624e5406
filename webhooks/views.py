"""The owner's webhook pages: each endpoint is its owner's only (anyone else gets a 404)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trainingsite.errors import ServiceError
from trainingsite.roles import role_required

from . import services
from .forms import EndpointForm
from .models import Delivery, Endpoint

OWNERS = ("coordinator", "focal_point")
PER_PAGE = 25
# The secret just made or rotated, shown on the next page once and dropped from the session.
SECRET_KEY = "webhook_secret"


def _own_endpoint(request, pk: int) -> Endpoint:
    return get_object_or_404(Endpoint.objects.owned_by(request.user), pk=pk)


def _show_secret_once(request, endpoint: Endpoint, secret: str):
    request.session[SECRET_KEY] = {"endpoint": endpoint.pk, "secret": secret}
    return redirect("webhooks:detail", pk=endpoint.pk)


@role_required(*OWNERS)
def endpoint_list(request):
    # Bound on any POST, an empty one too: it gets the form's messages, not a blank form.
    form = EndpointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.create_endpoint(
                owner=request.user,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                event_types=form.cleaned_data["event_types"],
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("The endpoint was added."))
            return _show_secret_once(request, endpoint, secret)
    endpoints = Endpoint.objects.owned_by(request.user)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "webhooks/list.html", {"endpoints": endpoints, "form": form}, status=status
    )


@role_required(*OWNERS)
def endpoint_detail(request, pk: int):
    endpoint = _own_endpoint(request, pk)
    shown = request.session.get(SECRET_KEY)
    secret = None
    if shown and shown.get("endpoint") == endpoint.pk:
        secret = shown["secret"]
        del request.session[SECRET_KEY]
    deliveries = endpoint.deliveries.select_related("event").order_by("-created_at", "-pk")
    page = Paginator(deliveries, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/detail.html",
        {"endpoint": endpoint, "page": page, "secret": secret},
    )


@role_required(*OWNERS)
def edit(request, pk: int):
    endpoint = _own_endpoint(request, pk)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
    }
    data = request.POST if request.method == "POST" else None
    form = EndpointForm(data, initial=initial, submit_label=_("Save"))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_endpoint(
                endpoint=endpoint,
                by=request.user,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                event_types=form.cleaned_data["event_types"],
            )
        except ServiceError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("The endpoint was saved."))
            return redirect("webhooks:detail", pk=endpoint.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "webhooks/edit.html", {"endpoint": endpoint, "form": form}, status=status
    )


@require_POST
@role_required(*OWNERS)
def rotate(request, pk: int):
    endpoint = _own_endpoint(request, pk)
    secret = services.rotate_secret(endpoint=endpoint, by=request.user)
    messages.success(request, _("A new signing secret was made; the old one no longer signs."))
    return _show_secret_once(request, endpoint, secret)


@require_POST
@role_required(*OWNERS)
def toggle(request, pk: int):
    endpoint = _own_endpoint(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(endpoint=endpoint, by=request.user, active=active)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request, _("The endpoint is enabled.") if active else _("The endpoint is disabled.")
        )
    return redirect("webhooks:detail", pk=endpoint.pk)


@require_POST
@role_required(*OWNERS)
def ping(request, pk: int):
    endpoint = _own_endpoint(request, pk)
    try:
        services.send_test_event(endpoint=endpoint, by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("A test event is on its way; its delivery shows below."))
    return redirect("webhooks:detail", pk=endpoint.pk)


@role_required(*OWNERS)
def delete(request, pk: int):
    endpoint = _own_endpoint(request, pk)
    if request.method == "POST":
        services.delete_endpoint(endpoint=endpoint, by=request.user)
        messages.success(request, _("The endpoint was deleted."))
        return redirect("webhooks:list")
    return render(request, "webhooks/delete.html", {"endpoint": endpoint})


@require_POST
@role_required(*OWNERS)
def redeliver(request, pk: int):
    delivery = get_object_or_404(Delivery.objects.owned_by(request.user), pk=pk)
    try:
        services.redeliver(delivery=delivery, by=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("The delivery will be sent again."))
    return redirect("webhooks:detail", pk=delivery.endpoint_id)
