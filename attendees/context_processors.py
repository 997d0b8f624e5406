from django.conf import settings

from trainingsite.roles import has_role


def roles(request):
    """Role flags for navigation; each is computed lazily, only if a template asks."""
    user = getattr(request, "user", None)

    class _Roles:
        def __getattr__(self, name):
            return user is not None and has_role(user, name)

    return {"roles": _Roles(), "PROGRAM_NAME": settings.PROGRAM_NAME}
