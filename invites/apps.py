from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitesConfig(AppConfig):
    name = "invites"
    verbose_name = _("Calendar invites and feeds")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)
