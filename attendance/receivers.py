from django.dispatch import receiver

from registrations.signals import my_training_context

from .reports import training_record


@receiver(my_training_context)
def add_training_record(sender, user, **kwargs):
    """ "My training" (a registrations page) shows the training record in brief."""
    return {"record": training_record(user)}
