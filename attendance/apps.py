from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Attendance, completion and certificates")

    def ready(self):
        from . import checks, receivers  # noqa: F401  (registers the checks, connects receivers)
