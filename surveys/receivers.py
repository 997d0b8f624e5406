from django.dispatch import receiver

from attendees.signals import dashboard_context
from trainingsite.roles import has_role

from .pending import pending_surveys


@receiver(dashboard_context)
def add_pending_surveys(sender, user, **kwargs):
    """Officers see the surveys waiting for their answer on the dashboard."""
    return pending_surveys(user) if has_role(user, "officer") else {}
