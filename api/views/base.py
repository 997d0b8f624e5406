from django.contrib.auth.decorators import login_not_required
from rest_framework import viewsets


class ApiViewSet(viewsets.GenericViewSet):
    """The API's views: a bearer token instead of the site's session (so the site's
    sign-in redirect does not apply; TokenAuthentication and TokenAccess are the gate)."""

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        return login_not_required(super().as_view(actions, **initkwargs))


class ReadOnlyApiViewSet(
    viewsets.mixins.ListModelMixin, viewsets.mixins.RetrieveModelMixin, ApiViewSet
):
    pass
