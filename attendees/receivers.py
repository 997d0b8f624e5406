from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed)
def on_email_confirmed(request, email_address, **kwargs):
    from attendees.services import confirm_officer_email

    confirm_officer_email(user_id=email_address.user_id)
