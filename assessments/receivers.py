from django.dispatch import receiver

from attendees.signals import dashboard_context
from registrations.signals import my_training_context
from trainingsite.roles import has_role

from .selectors import officer_tests_sections


@receiver(my_training_context)
def add_tests(sender, user, **kwargs):
    """ "My training" (a registrations page) lists the tests to take and the results."""
    return {"tests": officer_tests_sections(user)}


@receiver(dashboard_context)
def add_tests_to_take(sender, user, **kwargs):
    """The officer's dashboard counts the tests open for them."""
    if not has_role(user, "officer"):
        return {}
    return {"tests_to_take": len(officer_tests_sections(user)["to_take"])}
