"""The real site plus one calibration view, for bench/registration_rush.py only.

`/bench/minimal/<workshop>/register/` does nothing but the locked insert (lock the workshop row,
count confirmed, insert): the issue's "minimal ORM view" reference. It runs behind the same
middleware as the real view (sessions, CSRF, auth, access state, CSP, …), so the two rates
measured in one run show what the real view's rules cost on top of the bare minimum.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainingsite.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from django.db import transaction  # noqa: E402
from django.http import HttpResponseRedirect  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

from registrations.models import Registration  # noqa: E402
from trainingsite import urls  # noqa: E402
from workshops.models import Workshop  # noqa: E402


@require_POST
def minimal_register(request, workshop_pk: int):
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().only("capacity").get(pk=workshop_pk)
        confirmed = Registration.objects.filter(workshop_id=workshop_pk, state="confirmed").count()
        now = timezone.now()
        seat = confirmed < workshop.capacity
        Registration.objects.create(
            workshop_id=workshop_pk,
            officer=request.user,
            state="confirmed" if seat else "waitlisted",
            confirmed_at=now if seat else None,
            waitlisted_at=None if seat else now,
        )
    return HttpResponseRedirect("/")


urls.urlpatterns.insert(0, path("bench/minimal/<int:workshop_pk>/register/", minimal_register))
clear_url_caches()
