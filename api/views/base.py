from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import viewsets


@login_not_required
def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": _("Not found.")}, status=404)


class ApiViewSet(viewsets.GenericViewSet):
    """The API's views: a bearer token instead of the site's session (so the site's
    sign-in redirect does not apply; TokenAuthentication and TokenAccess are the gate)."""

    # Any id reaches the view, which answers the API's JSON 404 for one that is no number
    # ("1.5"); the router's default pattern stops at a dot, leaving it to the site's HTML 404.
    lookup_value_regex = "[^/]+"

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        return login_not_required(super().as_view(actions, **initkwargs))


class ReadOnlyApiViewSet(
    viewsets.mixins.ListModelMixin, viewsets.mixins.RetrieveModelMixin, ApiViewSet
):
    pass
