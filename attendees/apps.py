from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendeesConfig(AppConfig):
    name = "attendees"
    verbose_name = _("Agencies and officers")

    def ready(self):
        from . import receivers  # noqa: F401
