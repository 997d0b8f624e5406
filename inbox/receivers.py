from django.dispatch import receiver

from attendees.signals import dashboard_context

from .overview import dashboard_context as overview


@receiver(dashboard_context)
def add_overview(sender, user, **kwargs):
    """The dashboard (an attendees page) opens on what to do next."""
    return overview(user)
