import datetime as dt

from django.dispatch import receiver
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from registrations.models import Registration
from registrations.signals import my_training_context
from workshops.models import Workshop

from . import qr
from .passes import pass_token
from .reports import training_record

# An officer's pass shows on "My training" from this long before the workshop, so the page's
# offline copy has it on the day.
PASS_SHOWN_BEFORE = dt.timedelta(days=14)


@receiver(my_training_context)
def add_training_record(sender, user, **kwargs):
    """ "My training" (a registrations page) shows the training record in brief."""
    return {"record": training_record(user)}


@receiver(my_training_context)
def add_checkin_passes(sender, user, **kwargs):
    """ "My training" shows a check-in pass for each coming or running workshop held in a
    room: a QR code of signed ids the trainer's device scans, with or without a network."""
    now = timezone.now()
    registrations = (
        Registration.objects.of_officer(user)
        .filter(
            state=Registration.State.CONFIRMED,
            workshop__starts_at__lte=now + PASS_SHOWN_BEFORE,
            workshop__ends_at__gte=now,
        )
        .exclude(workshop__format=Workshop.Format.ONLINE)
        .exclude(workshop__status__in=[Workshop.Status.DRAFT, Workshop.Status.CANCELLED])
        .select_related("workshop")
        .order_by("workshop__starts_at", "pk")
    )
    passes = []
    for registration in registrations:
        title = _("Check-in pass for %(workshop)s") % {"workshop": registration.workshop.title}
        # segno escapes the title (the workshop's title is the only text in the SVG).
        code = qr.svg_inline(pass_token(registration.pk), title=title)
        passes.append((registration, mark_safe(code)))
    return {"checkin_passes": passes}
