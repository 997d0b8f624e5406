from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitesConfig(AppConfig):
    name = "invites"
    verbose_name = _("Calendar invites and feeds")
