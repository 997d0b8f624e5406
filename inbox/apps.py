from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = _("Staff inbox")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)
