from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import AgencyDomain


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not AgencyDomain.objects.for_email(email).exists():
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _(
                        "Only e-mail addresses of agencies registered with the program can sign "
                        "up, and this address's domain is not one of them."
                    ),
                    reverse("onboarding_request"),
                    _("Ask for your agency to be onboarded."),
                ),
                code="unregistered_domain",
            )
        return email.lower()

    def save_user(self, request, user, form, commit=True):
        from attendees.services import assign_agency_from_email

        user = super().save_user(request, user, form, commit=False)
        assign_agency_from_email(user=user)
        if commit:
            user.save()
        return user
