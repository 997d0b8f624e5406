from datetime import datetime
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy

from .models import User
from .services import assign_agency_from_email

# Accounts that may not sign in at all, with the reason shown on the login form (and to a
# signed-in user the moment it happens, attendees.middleware).
REFUSED_STATES = {
    # Suspending withdraws every registration for a workshop not over yet (vetting service).
    User.Status.SUSPENDED: gettext_lazy(
        "Your account is suspended, so you cannot sign in, and your registrations for upcoming "
        "workshops have been withdrawn. Contact your agency's focal point or the program "
        "coordinators."
    ),
    User.Status.REJECTED: gettext_lazy(
        "Your registration was not approved, so you cannot sign in. Contact the program "
        "coordinators if you think this is a mistake."
    ),
}
DEACTIVATED = gettext_lazy(
    "Your account is suspended, so you cannot sign in. Contact your agency's focal point "
    "or the program coordinators."
)


def login_refusal(user) -> str | None:
    if not user.is_active:
        return str(REFUSED_STATES.get(user.status, DEACTIVATED))
    message = REFUSED_STATES.get(user.status)
    return str(message) if message else None


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": gettext_lazy(
            "Too many failed sign-in attempts. For your security, signing in is blocked for "
            "15 minutes. Wait and try again, or reset your password."
        ),
    }

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        assign_agency_from_email(user=user)
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails (confirmation, reset, account notices) in the recipient's language,
        times in their zone, on the site's mail layout (templates/account/email/). They go to
        the outbox through EMAIL_BACKEND, in the transaction of the request that caused them."""
        user = context.get("user")
        if not isinstance(user, User):
            address = EmailAddress.objects.filter(email__iexact=email).select_related("user")
            found = address.first()
            user = found.user if found else User.objects.filter(email__iexact=email).first()
        # Nobody holds the address (a reset asked for an unknown one): the asker's language.
        language = user.language if user else translation.get_language()
        zone = user.time_zone if user else settings.TIME_ZONE
        context = {
            "PROGRAM_NAME": settings.PROGRAM_NAME,
            "SITE_URL": settings.SITE_URL,
            "TIME_ZONE_NAME": zone,
            **context,
        }
        with translation.override(language), timezone.override(zone):
            if isinstance(context.get("timestamp"), datetime):
                stamp = timezone.localtime(context["timestamp"])
                context["timestamp"] = f"{formats.date_format(stamp, 'DATETIME_FORMAT')} ({zone})"
            super().send_mail(template_prefix, email, context)

    # Links in allauth's mails point at the site's own address (SITE_URL), never at whatever
    # Host header the request that caused the mail carried.
    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SITE_URL + path.replace("UID-KEY", quote(key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return settings.SITE_URL + reverse("account_confirm_email", args=[emailconfirmation.key])

    def confirm_email(self, request, email_address) -> bool:
        """Confirming an address makes it the account's login (ACCOUNT_CHANGE_EMAIL), which must
        be unique. An address another account signed up with and never confirmed is refused as
        allauth refuses one confirmed by another account, with the same message: nobody learns
        more than the mailbox's holder, who receives the confirmation link, already knows."""
        taken = User.objects.filter(email__iexact=email_address.email)
        if taken.exclude(pk=email_address.user_id).exists():
            self.add_message(
                request,
                messages.ERROR,
                "account/messages/email_confirmation_failed.txt",
                {"email": email_address.email},
            )
            return False
        return super().confirm_email(request, email_address)

    def pre_login(self, request, user, **kwargs):
        """Every login path (password, e-mail confirmation, password reset) refuses suspended
        and rejected accounts; the login form already says why."""
        refusal = login_refusal(user)
        if refusal:
            # Runs before allauth's stages, so no half-done login is left in the session.
            messages.error(request, refusal)
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)
