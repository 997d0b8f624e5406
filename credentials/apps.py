from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = _("Verifiable credentials")

    def ready(self):
        from . import checks, receivers  # noqa: F401  (registers the checks, connects the receivers)
